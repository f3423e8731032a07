// A gentle note below evidence that speaks of likeness rather than behaviour ("fits in", "one of us"), as it
// is typed. The list and the words come from the form's data attributes (templates/macros/similarity.html);
// folding and matching are hiring/values/similarity.py's: case and accents ignored, whole words only, a word
// ending in * matches every word that begins with it. It never stops the form; the server shows the same
// note after a save, for pages without this script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-similarity]");
  if (!form) { return; }
  var phrases;
  try { phrases = JSON.parse(form.getAttribute("data-similarity")); } catch (e) { return; }
  if (!phrases || !phrases.length) { return; }
  var WORD = "[\\p{L}\\p{N}_]";
  var words = new RegExp(WORD + "+", "gu");
  function fold(text) {
    var plain = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\u00df/g, "ss");
    return (plain.match(words) || []).join(" ");
  }
  function escape(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  var patterns = phrases.map(function (phrase) {
    var body = phrase[1].map(function (w) {
      return w.slice(-1) === "*" ? escape(w.slice(0, -1)) + WORD + "*" : escape(w);
    }).join(" ");
    return { shown: phrase[0], re: new RegExp("(?:^| )" + body + "(?= |$)", "u") };
  });
  var one = form.getAttribute("data-similarity-one");
  var many = form.getAttribute("data-similarity-many");
  function note(hint, text) {
    var folded = fold(text);
    var found = folded ? patterns.filter(function (p) { return p.re.test(folded); }) : [];
    var quoted = found.map(function (p) { return "\u201c" + p.shown + "\u201d"; }).join(", ");
    var message = found.length ? (found.length === 1 ? one : many).replace("{phrases}", quoted) + " " +
      hint.getAttribute("data-question") : "";
    if (hint.textContent !== message) { hint.textContent = message; }  // unchanged: nothing new to announce
  }
  form.querySelectorAll(".similarity-hint[data-field]").forEach(function (hint) {
    var field = document.getElementById(hint.getAttribute("data-field"));
    if (!field) { return; }
    var timer = null;
    field.addEventListener("input", function () {
      // A pause in typing, not every key: a screen reader then reads the note once.
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { note(hint, field.value); }, 400);
    });
    field.addEventListener("blur", function () { window.clearTimeout(timer); note(hint, field.value); });
  });
}());
