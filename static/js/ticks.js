// The customer page's tick boxes: a count, "select all eligible", "clear", and Paddle's limit of
// 25 subscriptions per portal session enforced before the form is sent. Progressive only: without
// this file the form still works and the server refuses more than 25 with the same advice.
(() => {
  "use strict";

  function setUp(form) {
    const max = Number(form.dataset.max) || 25;
    const boxes = Array.from(form.querySelectorAll('input[type=checkbox][name="subscription_ids"]'));
    const count = form.querySelector("#tick-count");
    const limit = form.querySelector("#tick-limit");
    const tools = form.querySelector(".tick-tools");
    if (!count || !limit || !tools || form.hasAttribute("data-links-off")) return; // kill switch: the server's text stays
    tools.hidden = false;

    const ticked = () => boxes.filter((box) => box.checked);
    const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

    // Boxes this script disabled at the limit (never the server's own disabled boxes).
    function holdBack(atLimit) {
      boxes.forEach((box) => {
        if (atLimit && !box.checked && !box.disabled) {
          box.disabled = true;
          box.dataset.heldBack = "";
        } else if (!atLimit && box.hasAttribute("data-held-back")) {
          box.disabled = false;
          delete box.dataset.heldBack;
        }
      });
    }

    function update() {
      const n = ticked().length;
      const text = `${n} of ${plural(boxes.length, "subscription")} ticked` +
        (n === 0 ? ": Continue gives the overview link only." : ".");
      // A polite status: only a changed text is announced, once per change, never per keystroke.
      if (count.textContent !== text) count.textContent = text;
      holdBack(n >= max);
      const rest = boxes.length - n;
      if (n >= max && rest > 0) {
        limit.textContent = `${max} is Paddle's limit per batch: continue with these, ` +
          `then come back for the other ${rest}.`;
      } else {
        limit.textContent = ""; // empty: not shown (app.css), and announced again when it returns
      }
    }

    // Eligible: the subscriptions whose links do something of their own. Paddle (and the server)
    // accept paused and canceled ones too, but their links only open the overview, which every
    // session has anyway: ticking them one by one stays possible, "select all" leaves them out.
    tools.querySelector("[data-tick-all]").addEventListener("click", () => {
      let n = ticked().length;
      boxes.forEach((box) => {
        if (n < max && !box.checked && !box.disabled && box.hasAttribute("data-eligible")) {
          box.checked = true;
          n += 1;
        }
      });
      update();
    });
    tools.querySelector("[data-tick-none]").addEventListener("click", () => {
      boxes.forEach((box) => { box.checked = false; });
      update();
    });
    form.addEventListener("change", (event) => {
      if (boxes.includes(event.target)) update();
    });
    form.addEventListener("submit", (event) => {
      const n = ticked().length;
      if (n <= max) return;
      event.preventDefault();
      limit.textContent = `${n} are ticked, more than Paddle's ${max} per batch: untick ${n - max}, ` +
        "continue, then come back for the rest.";
    });
    // Back/forward cache or a browser's form restoration may bring back other ticks.
    window.addEventListener("pageshow", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-ticks]").forEach(setUp);
  });
})();
