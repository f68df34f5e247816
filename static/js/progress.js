// A progress indicator for anything slower than 300 ms: htmx requests (a bar at the top of the
// page and "Loading…" for screen readers), and a plain POST form's button ("Working…"). Quick
// answers show nothing, so the page does not flicker. Motion is dropped under
// prefers-reduced-motion (app.css).
(() => {
  "use strict";
  const DELAY_MS = 300;
  let pending = 0;
  let timer = null;
  let bar = null;
  let status = null;

  function show(on) {
    bar.hidden = !on;
    // Announced once when it appears; cleared afterwards so the next one is announced again.
    status.textContent = on ? "Loading…" : "";
  }

  document.addEventListener("DOMContentLoaded", () => {
    bar = document.createElement("div");
    bar.className = "progress-bar";
    bar.id = "progress-bar";
    bar.hidden = true;
    bar.setAttribute("aria-hidden", "true");
    status = document.createElement("div");
    status.className = "visually-hidden";
    status.id = "progress-status";
    status.setAttribute("role", "status");
    document.body.append(bar, status);
  });

  document.addEventListener("htmx:beforeRequest", () => {
    pending += 1;
    if (pending === 1 && bar) timer = window.setTimeout(() => show(true), DELAY_MS);
  });
  // afterRequest follows success, HTTP errors, network errors and timeouts alike.
  document.addEventListener("htmx:afterRequest", () => {
    pending = Math.max(0, pending - 1);
    if (pending === 0 && bar) {
      window.clearTimeout(timer);
      show(false);
    }
  });

  // Plain (non-htmx) POST forms, such as confirm and create: the button ignores further clicks
  // until the next page arrives (a second POST would spend the confirmation twice), and after
  // 300 ms it says "Working…".
  const sent = new Set(); // buttons whose form is on its way: a second click would send it again
  const labels = new Map(); // button -> its own child nodes while it says "Working…"
  const timers = new Map(); // button -> the 300 ms timer
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button");
    if (button && sent.has(button)) event.preventDefault();
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post") return;
    const button = event.submitter;
    if (!button || button.tagName !== "BUTTON" || sent.has(button)) return;
    sent.add(button);
    timers.set(button, window.setTimeout(() => {
      labels.set(button, Array.from(button.childNodes));
      button.textContent = "Working…";
      button.setAttribute("aria-disabled", "true");
    }, DELAY_MS));
  });
  // Back to a page kept in the back/forward cache: the buttons work again, with their labels.
  window.addEventListener("pageshow", () => {
    timers.forEach((timer) => window.clearTimeout(timer));
    labels.forEach((nodes, button) => {
      button.replaceChildren(...nodes);
      button.removeAttribute("aria-disabled");
    });
    timers.clear();
    labels.clear();
    sent.clear();
  });
})();
