// The main menu as a disclosure on narrow screens: without this script the menu is simply
// shown; with it, a "Menu" button opens and closes it below 768 px.
(function () {
  var button = document.querySelector(".menu-button");
  var nav = document.getElementById("site-nav");
  if (!button || !nav) return;
  var narrow = window.matchMedia("(max-width: 47.99rem)");

  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.toggleAttribute("data-closed", !open && narrow.matches);
  }

  button.hidden = false;
  set(false);
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  narrow.addEventListener("change", function () { set(false); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
})();
