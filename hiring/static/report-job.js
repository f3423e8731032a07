// The page of a report being prepared: every two seconds it fetches itself again and, when the progress has
// changed, swaps in the new progress part, which a screen reader announces politely. Reloading the whole
// page instead (a meta refresh) would throw a screen reader back to the top every time; that remains only
// the fallback for browsers without JavaScript (the page's <noscript>). A file of our own, not inline: the
// Content-Security-Policy allows scripts from this site only.
(function () {
  "use strict";
  var region = document.getElementById("job-progress");
  if (!region || !region.hasAttribute("data-pending") || !window.fetch || !window.DOMParser) {
    return;
  }
  function poll() {
    fetch(window.location.href, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("job-progress");
        if (!fresh) { return; }
        if (fresh.textContent !== region.textContent) {
          // Nodes, not an HTML string: the page's own escaped markup, moved across as it was parsed.
          region.replaceChildren.apply(region, Array.prototype.slice.call(fresh.childNodes));
        }
        if (fresh.hasAttribute("data-pending")) {
          window.setTimeout(poll, 2000);
        } else {
          region.removeAttribute("data-pending");
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });  // a blip in the network: try again, slower
  }
  window.setTimeout(poll, 2000);
}());
