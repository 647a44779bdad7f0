// Progressive enhancements for lesson pages. Everything works without this script.
(function () {
  "use strict";
  // "Print this checklist": print only the checklist the button belongs to.
  document.querySelectorAll("[data-print-checklist]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var section = button.closest(".checklist-block");
      section.classList.add("print-target");
      document.body.classList.add("printing-one");
      window.print();
      document.body.classList.remove("printing-one");
      section.classList.remove("print-target");
    });
  });
})();
