// The one-time links page (templates/portal/links.html): copy buttons, the countdown to hiding
// the links, and their removal. Without this file the links and the message are still there to
// select and copy by hand, and the server has already enforced every rule.
(() => {
  const COPIED_RESET_MS = 3000;
  // Screen readers hear the countdown at these seconds left, not every second.
  const ANNOUNCE_AT = [60, 10];

  const { leftText, spokenLeft, start } = window.consoleCountdown;  // countdown.js

  function announce(text) {
    window.consoleCountdown.announce(document.getElementById("links-announcer"), text);
  }

  // One "Copied" at a time: the button last used says so for a moment, every other one says "Copy".
  function setUpCopying(buttons) {
    let shown = null;
    let timer = 0;
    const reset = () => {
      if (shown) shown.button.textContent = shown.text;
      shown = null;
    };
    buttons.forEach(({ button, read, what }) => {
      const text = button.textContent;
      button.hidden = false;
      button.addEventListener("click", async () => {
        window.clearTimeout(timer);
        reset();
        try {
          await navigator.clipboard.writeText(read());
          button.textContent = "Copied";
          announce(`Copied ${what(button)}.`);
        } catch {
          button.textContent = "Copy failed";
          announce("Copy failed: select the text and copy it by hand.");
        }
        shown = { button, text };
        timer = window.setTimeout(reset, COPIED_RESET_MS);
      });
    });
  }

  function setUpCountdown(links) {
    const seconds = Number(links.dataset.visibleSeconds);
    if (!(seconds > 0)) return;
    const countdown = document.getElementById("links-countdown");
    const time = document.getElementById("links-countdown-time");
    if (countdown) countdown.hidden = false;
    start({
      seconds,
      moments: ANNOUNCE_AT,
      onTick: (left) => { if (time) time.textContent = leftText(left); },
      onMoment: (at) => announce(`${spokenLeft(at)} left before the links are hidden.`),
      onEnd: () => {
        links.remove();
        document.getElementById("links-hidden").hidden = false;
      },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const links = document.getElementById("portal-links");
    if (!links) return;
    if (navigator.clipboard) {
      const buttons = [];
      links.querySelectorAll("button[data-copy]").forEach((button) => {
        const link = document.getElementById(button.dataset.copy);
        if (!link) return;
        // The accessible name minus its "Copy link: ", e.g. "Cancel subscription, Lighthouse Starter (…)".
        const what = () => `link: ${button.getAttribute("aria-label").replace(/^Copy link: /, "")}`;
        buttons.push({ button, read: () => link.href, what });
      });
      const message = document.getElementById("copy-message");
      const text = message && document.getElementById(message.dataset.copyText);
      if (text) buttons.push({ button: message, read: () => text.value, what: () => "the message for the customer" });
      setUpCopying(buttons);
    }
    setUpCountdown(links);
  });
})();
