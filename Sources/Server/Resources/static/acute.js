// The acute pages' small helpers (the pages work without them): the live clock since last
// known well on the answer, the NIHSS item calculator's total on the form, "now" stamps, and
// printing the handover.
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
  var items = document.querySelectorAll("select[data-nihss-item]");
  var total = document.getElementById("nihss-total");
  var field = document.querySelector("input[name='nihss']");
  function sum() {
    var scored = 0, points = 0;
    items.forEach(function (item) {
      if (item.value === "") { return; }
      scored += 1;
      if (item.value !== "UN") { points += Number(item.value); }
    });
    if (total) { total.textContent = scored === 0 ? "–" : points + " (" + scored + " of " + items.length + " items)"; }
    if (field && scored === items.length) { field.value = String(points); }
  }
  items.forEach(function (item) { item.addEventListener("change", sum); });
  if (items.length > 0) { sum(); }
  // Clock times beside the minutes: a time of day becomes minutes before now (the latest past
  // moment at that time) or from now (the next one); "Now" stamps the moment it is pressed.
  function minutesOfDay(text) {
    var parts = text.split(":");
    return parts.length === 2 ? Number(parts[0]) * 60 + Number(parts[1]) : NaN;
  }
  function nowMinutes() { var now = new Date(); return now.getHours() * 60 + now.getMinutes(); }
  function target(name) { return document.querySelector("input[name='" + name + "']"); }
  document.querySelectorAll("input[data-ago-for]").forEach(function (clockField) {
    clockField.addEventListener("change", function () {
      var at = minutesOfDay(clockField.value), field = target(clockField.getAttribute("data-ago-for"));
      if (isFinite(at) && field) { field.value = String(((nowMinutes() - at) % 1440 + 1440) % 1440); }
    });
  });
  document.querySelectorAll("input[data-in-for]").forEach(function (clockField) {
    clockField.addEventListener("change", function () {
      var at = minutesOfDay(clockField.value), field = target(clockField.getAttribute("data-in-for"));
      if (isFinite(at) && field) { field.value = String(((at - nowMinutes()) % 1440 + 1440) % 1440); }
    });
  });
  document.querySelectorAll("button[data-now-for]").forEach(function (button) {
    button.addEventListener("click", function () {
      var name = button.getAttribute("data-now-for"), field = target(name);
      var clockField = document.querySelector("input[data-ago-for='" + name + "']");
      var now = new Date();
      if (clockField) { clockField.value = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2); }
      if (field) { field.value = "0"; }
    });
  });
  // The minutes are counted again from the clock times as the form is sent, so that a time
  // typed minutes before pressing Evaluate is not that many minutes too recent.
  var acuteForm = document.querySelector("form.acute");
  if (acuteForm) {
    acuteForm.addEventListener("submit", function () {
      document.querySelectorAll("input[data-ago-for], input[data-in-for]").forEach(function (clockField) {
        if (clockField.value !== "") { clockField.dispatchEvent(new Event("change")); }
      });
    });
  }
  var print = document.getElementById("print-handover");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
