// Quiz attempt pages: a countdown for timed attempts. When the time is up the page's
// answers are sent (the server decides whether they still count).
(function () {
  "use strict";
  var timer = document.getElementById("quiz-timer");
  if (!timer) { return; }
  var shown = document.getElementById("quiz-timer-left");
  var announce = document.getElementById("quiz-timer-alert");
  var form = document.getElementById("attempt-form");
  var end = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
  // The words come from the page (data-say-*), so that they are in the reader's language.
  var say = timer.dataset;
  var warnings = [[300, say.sayFive || "5 minutes left."], [60, say.sayOne || "1 minute left."]];
  var sent = false;

  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    shown.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    while (warnings.length && left <= warnings[0][0]) {
      announce.textContent = warnings.shift()[1];
    }
    if (left === 0 && !sent && form) {
      sent = true;
      announce.textContent = say.sayUp || "Time is up. Sending your answers.";
      if (form.elements.namedItem("page")) {
        var go = document.createElement("input");
        go.type = "hidden";
        go.name = "go";
        go.value = "finish";
        form.appendChild(go);
      }
      form.submit();
    }
  }

  tick();
  window.setInterval(tick, 1000);
})();
