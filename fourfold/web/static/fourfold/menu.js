// The header's menus are <details> elements and work without this script; it only closes an
// open one when one clicks elsewhere or presses Escape, as menus do.
(function () {
  "use strict";
  function menus() {
    return document.querySelectorAll(".site-header details[open]");
  }
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) {
      var inside = menu.contains(event.target);
      // The navigation that the menu button shows lies beside the button, not in it.
      if (menu.classList.contains("nav-toggle")) {
        var nav = document.querySelector(".main-nav");
        inside = inside || (nav !== null && nav.contains(event.target));
      }
      if (!inside) {
        menu.open = false;
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    menus().forEach(function (menu) {
      menu.open = false;
      var summary = menu.querySelector("summary");
      if (summary !== null && menu.contains(document.activeElement)) {
        summary.focus();
      }
    });
  });
})();
