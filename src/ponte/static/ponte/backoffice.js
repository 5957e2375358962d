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
