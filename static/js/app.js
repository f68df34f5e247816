// Small progressive enhancements; everything works without this file.
// htmx sends the CSRF token from <body data-csrf-token> (no inline script: the CSP forbids it).
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.body.dataset.csrfToken;
  if (token) event.detail.headers["X-CSRFToken"] = token;
});

// Live search: refusals (400) and Paddle failures come back as fragments meant to be shown in
// targets marked data-swap-errors; a sign-in page (expired session) replaces the whole page.
const SWAPPED_ERROR_STATUSES = [400, 404, 502, 503, 504];
document.addEventListener("htmx:beforeSwap", (event) => {
  const { target, xhr } = event.detail;
  const loginUrl = target.dataset.loginUrl;
  if (loginUrl && xhr.responseURL && new URL(xhr.responseURL).pathname === loginUrl) {
    event.detail.shouldSwap = false;
    window.location.assign(loginUrl);
    return;
  }
  if (event.detail.isError && target.hasAttribute("data-swap-errors") && SWAPPED_ERROR_STATUSES.includes(xhr.status)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The one-time links page has its own file: static/js/links.js.

// Narrow screens stack table rows (app.css): each cell is labelled with its column's heading.
function labelTableCells(root) {
  root.querySelectorAll("table").forEach((table) => {
    const headings = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    table.querySelectorAll("tbody tr").forEach((row) => {
      Array.from(row.cells).forEach((cell, index) => {
        if (headings[index] && !cell.hasAttribute("colspan")) cell.dataset.label = headings[index];
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", () => labelTableCells(document));
document.addEventListener("htmx:afterSwap", (event) => labelTableCells(event.detail.target));
