// Countdowns, shared: the one-time links page's (links.js) and the timers of the confirm page and
// the step-up field (declared in the HTML with data-countdown-* attributes, started here).
// Screen readers hear a countdown only at meaningful moments, never every second. Without this
// file each page still shows the absolute time ("valid until 14:05 UTC"), and the server decides.
window.consoleCountdown = (() => {
  // Emptied first, so the same words twice in a row are announced twice.
  function announce(region, text) {
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  function leftText(seconds) {
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
  }

  function spokenLeft(seconds) {
    if (seconds >= 60 && seconds % 60 === 0) {
      const minutes = seconds / 60;
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} seconds`;
  }

  // Ticks once a second until `seconds` (from now) have passed: onTick(left) while some are left,
  // onMoment(at) once as each of `moments` (seconds left, e.g. [60, 10]) is reached, then onEnd().
  function start({ seconds, moments = [], onTick = () => {}, onMoment = () => {}, onEnd = () => {} }) {
    const deadline = Date.now() + seconds * 1000;
    const reached = new Set();
    let interval = 0;
    const tick = () => {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      if (left === 0) {
        window.clearInterval(interval);
        onEnd();
        return;
      }
      onTick(left);
      moments.forEach((at) => {
        if (left <= at && !reached.has(at) && seconds > at) {
          reached.add(at);
          onMoment(at);
        }
      });
    };
    interval = window.setInterval(tick, 1000);
    tick();
  }

  // The confirm page's reload: the confirm page's GET with the form's current ticks, reason,
  // requester and delivery (never the password), so a renewed confirmation keeps the work.
  function withCurrentWork(link) {
    const form = link.closest("form");
    if (!form) return;
    const url = new URL(link.href, window.location.href);
    const fields = new URLSearchParams();
    form.querySelectorAll("input[name=subscription_ids]").forEach((input) => fields.append("subscription_ids", input.value));
    const value = (selector) => { const input = form.querySelector(selector); return input ? input.value.trim() : ""; };
    [["requester_email", value("#requester_email")], ["ticket", value("#reason")], ["delivery", value("input[name=delivery]:checked")]]
      .forEach(([name, text]) => { if (text) fields.append(name, text); });
    url.search = fields.toString();
    link.href = url.toString();
  }

  // <p data-countdown-seconds="600" data-countdown-announcer="id" data-countdown-soon="left to …"
  //    data-countdown-ended="id" data-countdown-require="id">… <span data-countdown-shown hidden>
  //    (<span data-countdown-left></span> left)</span></p>: counts down, says "1 minute left to …"
  // at one minute, and at the end hides the count, shows the element `ended` names, announces its
  // text and makes the field `require` names required.
  function declared(element) {
    const seconds = Number(element.dataset.countdownSeconds);
    if (!(seconds > 0)) return;
    const region = document.getElementById(element.dataset.countdownAnnouncer || "");
    const shown = element.querySelector("[data-countdown-shown]");
    const left = element.querySelector("[data-countdown-left]");
    if (shown) shown.hidden = false;
    start({
      seconds,
      moments: [60],
      onTick: (remaining) => { if (left) left.textContent = leftText(remaining); },
      onMoment: (at) => announce(region, `${spokenLeft(at)} ${element.dataset.countdownSoon || "left."}`),
      onEnd: () => {
        if (shown) shown.hidden = true;
        const ended = document.getElementById(element.dataset.countdownEnded || "");
        if (ended) {
          ended.hidden = false;
          announce(region, (ended.querySelector("p") || ended).textContent.trim());
        }
        const field = document.getElementById(element.dataset.countdownRequire || "");
        if (field) field.required = true;
      },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-countdown-seconds]").forEach(declared);
    const reload = document.getElementById("confirmation-reload");
    if (reload) reload.addEventListener("click", () => withCurrentWork(reload));
  });

  return { announce, leftText, spokenLeft, start };
})();
