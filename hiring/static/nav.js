// The main navigation works without JavaScript (<details> menus). This only adds what a menu is expected to do:
// Escape closes the open menu and returns to its button; a click or focus elsewhere closes it. A file of our
// own, not inline: the Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";
  var nav = document.querySelector(".site-nav");
  if (!nav) {
    return;
  }
  function openMenus() {
    return Array.prototype.slice.call(nav.querySelectorAll("details[open]"));
  }
  function closeOutside(target) {
    openMenus().forEach(function (details) {
      if (!details.contains(target)) {
        details.open = false;
      }
    });
  }
  document.addEventListener("click", function (event) { closeOutside(event.target); });
  document.addEventListener("focusin", function (event) { closeOutside(event.target); });
  nav.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var open = openMenus();
    if (!open.length) {
      return;
    }
    // The innermost open menu closes first: a task menu inside the narrow screen's "Menu".
    var details = open[open.length - 1];
    details.open = false;
    details.querySelector("summary").focus();
    event.preventDefault();
  });
}());
