"""Gunicorn settings: `gunicorn -c gunicorn.conf.py portal_admin.wsgi`. Environment variables tune it."""

import ipaddress
import os

_port = os.environ.get("PORT")
bind = os.environ.get("GUNICORN_BIND") or (f"0.0.0.0:{_port}" if _port else "127.0.0.1:8000")

# Threads: a request spends most of its time waiting on Paddle, not on the CPU.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, staggered so they do not all restart at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# No runtime control socket: nothing should resize or reload workers from inside the host,
# and a read-only container has no $HOME to put it in.
control_socket_disable = True


def _trusted_proxies() -> str:
    """TRUSTED_PROXIES, the list the app believes forwarded headers from, as gunicorn wants it."""
    proxies = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
    networks = ",".join(str(ipaddress.ip_network(p, strict=False)) for p in proxies)
    legacy = os.environ.get("FORWARDED_ALLOW_IPS")
    if legacy is not None and legacy != os.environ.get("TRUSTED_PROXIES", ""):
        raise SystemExit(
            "FORWARDED_ALLOW_IPS is no longer read: set TRUSTED_PROXIES, which gunicorn and the app share."
        )
    return networks


# The proxies whose X-Forwarded-* headers gunicorn believes: the app's TRUSTED_PROXIES (none by
# default), so gunicorn's scheme and Django's SECURE_PROXY_SSL_HEADER agree on whom to believe.
forwarded_allow_ips = _trusted_proxies()

# Access log to stdout. `%(U)s` is the path without the query string: `?q=` may hold an
# email. The request id matches the app's log lines for the same request.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Gunicorn's own lines go out like the app's (JSON lines on stdout, through the redaction
# filter): its error log names the full request URI when a request fails.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": ["stdout"]},
    "filters": {"redact": {"()": "portal_admin.logging.RedactSecretsFilter"}},
    "formatters": {
        "json": {"()": "portal_admin.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["redact"],
            "formatter": os.environ.get("LOG_FORMAT", "json"),
        },
    },
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}
