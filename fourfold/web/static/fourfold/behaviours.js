// Small behaviours that pages ask for with data attributes, since the Content-Security-Policy
// allows no script in the page itself (no onchange= and the like):
//   data-submit-on-change  a select that sends its form when a choice is made
//   data-select-on-focus   a field whose text is selected when it takes the focus (to copy it)
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.requestSubmit();
    }
  });
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-focus")) {
      field.select();
    }
  });
})();
