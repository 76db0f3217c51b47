// Every list table reads on a phone: below 640px its rows become cards, and each cell shows the
// label of its column (app.css), taken here from the table's own header row. One pattern for every
// table, including rows that htmx swaps in later.
(function () {
  function label(root) {
    root.querySelectorAll("table.list").forEach(function (table) {
      var headers = [];
      table.querySelectorAll("thead tr:first-child th").forEach(function (th) {
        for (var i = 0; i < (th.colSpan || 1); i++) headers.push(th.textContent.trim());
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.colSpan === 1 && !cell.hasAttribute("data-label") && headers[column]) cell.setAttribute("data-label", headers[column]);
          column += cell.colSpan || 1;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSwap", function (event) { label(event.target.closest("table") ? event.target.closest("table").parentNode : event.target); });
})();
