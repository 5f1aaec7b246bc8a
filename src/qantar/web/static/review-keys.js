// The review page's keys: M, N, U and S press the button that says so (data-code), by
// the key's place on the keyboard, so a Kazakh or Russian layout works as a Latin one.
// Not while typing a note, not with a modifier (the browser's own shortcuts), and once.
"use strict";
(function () {
  var sent = false;
  document.addEventListener("keydown", function (event) {
    if (sent || event.ctrlKey || event.metaKey || event.altKey || event.repeat) {
      return;
    }
    var target = event.target;
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" ||
                   target.tagName === "SELECT" || target.isContentEditable)) {
      return;
    }
    var button = document.querySelector('form.decide button[data-code="' + event.code + '"]');
    if (button) {
      event.preventDefault();
      sent = true;
      button.click();  // submits the form with this button's decision, as a click would
    }
  });
})();
