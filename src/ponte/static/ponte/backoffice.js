// The staff menu is a <details> rendered open, so it works without JavaScript; on a phone it
// starts closed (this runs right after it, before the page is painted) and opens on a tap.
(function () {
  var menu = document.getElementById("staff-menu");
  if (menu && window.matchMedia("(max-width: 991.98px)").matches) {
    menu.open = false;
  }
})();
