// Drag a card to the next column of the job's board: the same form as the card's button is sent, so the
// board works without this script (the button, by keyboard too) and the server decides as it always does.
(function () {
  "use strict";
  var board = document.querySelector("[data-board]");
  if (!board) { return; }
  var dragged = null;
  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest("[data-next]") : null;
    if (!card) { return; }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.application);
  });
  board.addEventListener("dragend", function () {
    dragged = null;
    board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  });
  board.addEventListener("dragover", function (event) {
    var column = event.target.closest ? event.target.closest(".board-column") : null;
    if (dragged && column && column.dataset.stage === dragged.dataset.next) {
      event.preventDefault();  // only the card's next stage accepts it
      column.classList.add("drop-target");
    }
  });
  board.addEventListener("dragleave", function (event) {
    var column = event.target.closest ? event.target.closest(".board-column") : null;
    if (column && !column.contains(event.relatedTarget)) { column.classList.remove("drop-target"); }
  });
  board.addEventListener("drop", function (event) {
    var column = event.target.closest ? event.target.closest(".board-column") : null;
    if (!dragged || !column || column.dataset.stage !== dragged.dataset.next) { return; }
    event.preventDefault();
    var form = dragged.querySelector("form");
    if (form) { form.submit(); }
  });
}());
