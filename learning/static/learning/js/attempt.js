// Shows the time left on a timed quiz and warns, through a polite live region, at 5 minutes,
// 2 minutes and 1 minute. The server enforces the deadline; the page works without this.
(function () {
  "use strict";
  var timer = document.querySelector("[data-timer]");
  if (!timer) return;
  var display = timer.querySelector("[data-timer-display]");
  var announce = timer.querySelector("[data-timer-announce]");
  var end = Date.now() + parseInt(timer.getAttribute("data-seconds-left"), 10) * 1000;
  var announced = {};
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    display.textContent = "(" + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + ")";
    [300, 120, 60].forEach(function (mark) {
      if (left <= mark && !announced[mark]) {
        announced[mark] = true;
        announce.textContent = mark <= 120
          ? timer.getAttribute("data-label-warning")
          : Math.ceil(left / 60) + " " + timer.getAttribute("data-label-minutes");
      }
    });
    if (left > 0) window.setTimeout(tick, 1000);
  }
  tick();
})();
