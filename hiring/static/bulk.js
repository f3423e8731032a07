// "Select all on this page" on the candidate list ticks and unticks the rows as well, and unticking a row unticks
// it. Without this script the form works the same: the server reads the ticked "select all" as every row of the
// page (hiring/forms/pipeline.py, BulkMoveForm.selected_ids).
(function () {
  "use strict";
  var form = document.querySelector("[data-bulk]");
  if (!form) { return; }
  var all = form.querySelector("[data-select-all]");
  var rows = Array.prototype.slice.call(form.querySelectorAll("td.pick input[type=checkbox]"));
  if (!all || !rows.length) { return; }
  all.addEventListener("change", function () {
    rows.forEach(function (box) { box.checked = all.checked; });
  });
  rows.forEach(function (box) {
    box.addEventListener("change", function () {
      all.checked = rows.every(function (b) { return b.checked; });
    });
  });
}());
