// spendcalc report: click a column heading to sort the table (no server, no libraries).
// Numbers sort by the exact value in data-v (largest first on the first click); empty
// cells always go last; text sorts A-Z first.
(function () {
  "use strict";
  function key(cell) {
    var v = cell.getAttribute("data-v");
    if (v === null) { return cell.textContent.trim().toLowerCase(); }
    return v === "" ? null : parseFloat(v);
  }
  function sortBy(table, th, col) {
    var numeric = th.classList.contains("n");
    var current = th.getAttribute("aria-sort");
    var asc = current ? current !== "ascending" : !numeric;
    var body = table.querySelector("tbody.sort");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[col]), y = key(b.cells[col]);
      if (x === null || y === null) {
        return x === y ? a.dataset.i - b.dataset.i : (x === null ? 1 : -1);
      }
      var order = typeof x === "string" ? x.localeCompare(y) : x - y;
      return (asc ? order : -order) || a.dataset.i - b.dataset.i;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(th.parentNode.cells, function (other) {
      other.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = th.querySelector("button");
      if (button) { button.addEventListener("click", function () { sortBy(table, th, col); }); }
    });
  });
}());
