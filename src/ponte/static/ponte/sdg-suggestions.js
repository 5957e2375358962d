// The SDG suggestions of a page are computed in the background (intelligence/_panel.html): while
// the panel says so, this asks for the page again every few seconds and, once the panel no longer
// says it, puts the new panel in its place and says that the suggestions are ready. Without
// JavaScript the panel asks to reload the page.
(function () {
  "use strict";
  const every = 2500;
  const tries = 48; // two minutes; then the panel's words stay (a reload looks again)
  let left = tries;
  async function poll() {
    const current = document.getElementById("sdg-suggestions");
    if (!current || !current.querySelector("[data-sdg-computing]")) {
      return;
    }
    try {
      const response = await fetch(window.location.pathname + window.location.search, {
        headers: { Accept: "text/html" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById("sdg-suggestions");
        if (fresh && !fresh.querySelector("[data-sdg-computing]")) {
          current.replaceWith(document.importNode(fresh, true));
          const said = document.getElementById("sdg-suggestions-ready");
          if (said) {
            said.textContent = said.dataset.text;
          }
          return;
        }
      }
    } catch (error) {
      // A network hiccup: the next try asks again.
    }
    left -= 1;
    if (left > 0) {
      window.setTimeout(poll, every);
    }
  }
  window.setTimeout(poll, every);
})();
