// The staff menu is a <details> rendered open, so it works without JavaScript; on a phone it
// starts closed (this runs right after it, before the page is painted) and opens on a tap.
(function () {
  var menu = document.getElementById("staff-menu");
  if (menu && window.matchMedia("(max-width: 991.98px)").matches) {
    menu.open = false;
  }
})();

// A table wider than a phone scrolls sideways in its .table-responsive box: make the box
// reachable with the keyboard and name it after the table's caption (WCAG 2.1.1).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (caption) {
        box.setAttribute("aria-label", caption.textContent.trim());
      }
    }
  });
});

// A form sent back with errors whose fields are further down the page shows an error summary at
// the top (ponte/forms/error_summary.html): move the focus there, so the person sees it and a
// screen reader reads it, and let each of its links put the focus in its field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
});
