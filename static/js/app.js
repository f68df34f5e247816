// Small progressive enhancements; everything works without this file.
// htmx sends the CSRF token from <body data-csrf-token> (no inline script: the CSP forbids it).
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.body.dataset.csrfToken;
  if (token) event.detail.headers["X-CSRFToken"] = token;
});
