// Calibration practice pages: each sample answer's key stays shut until a score is picked for it, then
// opens with a line saying how the pick compares. Nothing is recorded or sent; without JavaScript the keys
// are ordinary disclosures.
(function () {
  "use strict";
  function start() {
    document.querySelectorAll("fieldset.lk-practice").forEach(function (group) {
      if (group.dataset.lkReady) return;
      group.dataset.lkReady = "1";
      var key = group.parentElement.querySelector("details.lk-key");
      var next = group.nextElementSibling;
      while (next && !(next.matches && next.matches("details.lk-key"))) next = next.nextElementSibling;
      key = next || key;
      if (!key) return;
      key.hidden = true;
      var result = group.querySelector(".lk-practice-result");
      group.addEventListener("change", function (event) {
        var picked = Number(event.target.value), scored = Number(group.dataset.key);
        var gap = Math.abs(picked - scored);
        result.textContent = "You scored " + picked + "; the key is " + scored + (gap === 0 ? ": the same."
          : ": " + gap + " point" + (gap > 1 ? "s" : "") + (picked > scored ? " higher" : " lower") + ". Read why below.");
        key.hidden = false;
        key.open = true;
      });
    });
  }
  if (window.document$) window.document$.subscribe(start);
  else window.addEventListener("load", start);
})();
