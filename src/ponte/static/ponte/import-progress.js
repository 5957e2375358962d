// Follows an import while it runs (core/import_detail.html): polls its state as JSON, shows
// the rows read and the progress, and reloads the page once the import has ended, to show
// its result or the reason it failed. Without JavaScript a <noscript> refresh does the same.
(function () {
  "use strict";
  const box = document.querySelector("[data-import-status-url]");
  if (!box) {
    return;
  }
  const every = 1500;
  // Grouped like the server writes it ("2.400"; Italian would not group four digits by default).
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined, { useGrouping: "always" });
  const show = (selector, text) => {
    const element = box.querySelector(selector);
    if (element) {
      element.textContent = text;
    }
  };
  async function poll() {
    try {
      const response = await fetch(box.dataset.importStatusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const job = await response.json();
        if (job.finished) {
          window.location.reload();
          return;
        }
        show("[data-import-label]", job.label);
        show("[data-import-rows]", numbers.format(job.rows));
        show("[data-import-percent]", String(job.percent));
        const bar = box.querySelector("[data-import-bar]");
        if (bar) {
          bar.value = job.percent;
        }
      }
    } catch (error) {
      // A network hiccup: the next poll tries again.
    }
    window.setTimeout(poll, every);
  }
  window.setTimeout(poll, every);
})();
