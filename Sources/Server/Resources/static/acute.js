// The acute pages' small helpers (the pages work without them): the live clock since last
// known well on the answer, the NIHSS item calculator's total on the form, and printing the
// handover.
(function () {
  var clock = document.getElementById("since-lkw");
  if (clock) {
    var lkw = Number(clock.getAttribute("data-lkw"));
    if (isFinite(lkw)) {
      var tick = function () {
        var minutes = Math.max(0, Math.floor((Date.now() - lkw) / 60000));
        var hours = Math.floor(minutes / 60);
        clock.textContent = (hours > 0 ? hours + " h " : "") + (minutes % 60) + " min";
      };
      tick();
      setInterval(tick, 1000);
    }
  }
  // The NIHSS items' total: shown as items are scored, and put in the NIHSS field only when a
  // score changes and every item is scored (never on load: a total typed and refused stays as
  // typed until the items are scored again).
  var items = document.querySelectorAll("select[data-nihss-item]");
  var total = document.getElementById("nihss-total");
  var field = document.querySelector("input[name='nihss']");
  function sum(fill) {
    var scored = 0, points = 0;
    items.forEach(function (item) {
      if (item.value === "") { return; }
      scored += 1;
      if (item.value !== "UN") { points += Number(item.value); }
    });
    if (total) {
      var of = (total.getAttribute("data-of") || "{scored}/{count}").replace("{scored}", scored).replace("{count}", items.length);
      total.textContent = scored === 0 ? "–" : points + " (" + of + ")";
    }
    if (fill && field && scored === items.length) { field.value = String(points); }
  }
  items.forEach(function (item) { item.addEventListener("change", function () { sum(true); }); });
  if (items.length > 0) { sum(false); }
  var print = document.getElementById("print-handover");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
