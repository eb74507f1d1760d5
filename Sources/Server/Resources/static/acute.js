// The live clock since last known well on the acute result page. No other script runs.
(function () {
  var clock = document.getElementById("since-lkw");
  if (!clock) { return; }
  var lkw = Number(clock.getAttribute("data-lkw"));
  if (!isFinite(lkw)) { return; }
  function tick() {
    var minutes = Math.max(0, Math.floor((Date.now() - lkw) / 60000));
    var hours = Math.floor(minutes / 60);
    clock.textContent = (hours > 0 ? hours + " h " : "") + (minutes % 60) + " min";
  }
  tick();
  setInterval(tick, 1000);
})();
