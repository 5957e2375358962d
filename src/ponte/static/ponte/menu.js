/* The public main menu on small screens: Bootstrap Italia's collapsible navbar (.navbar-collapsable
   slides in as .expanded), opened by the hamburger button (click, touch, Enter or Space), closed by
   its close button, the overlay or Esc, with the focus kept inside while it is open and given back
   to the button when it closes, as Bootstrap Italia's NavBarCollapsible does. From 992 px the CSS
   shows the menu as a bar and the button is hidden. Without JavaScript the button does nothing and
   the menu stays closed on a phone, so the links are also in the footer's site map. */
(function () {
  "use strict";
  var toggle = document.querySelector("[data-ponte-menu-toggle]");
  var menu = document.querySelector("[data-ponte-menu]");
  if (!toggle || !menu) { return; }
  var FOCUSABLE = "a[href], button:not([disabled])";

  function isOpen() { return menu.classList.contains("expanded"); }

  function focusable() {
    return Array.prototype.filter.call(menu.querySelectorAll(FOCUSABLE), function (element) {
      return element.offsetParent !== null || element === document.activeElement;
    });
  }

  function open() {
    menu.style.display = "block"; // CSSOM, allowed by the style-src policy
    // The next frame: the slide-in transition starts from the closed position.
    window.requestAnimationFrame(function () {
      menu.classList.add("expanded");
      toggle.setAttribute("aria-expanded", "true");
      var first = menu.querySelector(".menu-wrapper a[href]");
      if (first) { first.focus(); }
    });
  }

  function close(giveFocusBack) {
    if (!isOpen()) { return; }
    menu.classList.remove("expanded");
    toggle.setAttribute("aria-expanded", "false");
    menu.style.display = "";
    if (giveFocusBack) { toggle.focus(); }
  }

  toggle.addEventListener("click", function () {
    if (isOpen()) { close(true); } else { open(); }
  });
  Array.prototype.forEach.call(menu.querySelectorAll("[data-ponte-menu-close]"), function (element) {
    element.addEventListener("click", function () { close(true); });
  });
  document.addEventListener("keydown", function (event) {
    if (!isOpen()) { return; }
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      close(true);
      return;
    }
    if (event.key !== "Tab") { return; }
    var items = focusable();
    if (!items.length) { return; }
    var first = items[0];
    var last = items[items.length - 1];
    if (!menu.contains(document.activeElement)) {
      event.preventDefault();
      first.focus();
    } else if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  window.matchMedia("(min-width: 992px)").addEventListener("change", function (query) {
    if (query.matches) { close(false); }
  });
}());
