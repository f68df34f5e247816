"""Logging pieces: request context on every record, JSON lines, and a redaction safety net."""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
user_var: ContextVar[str] = ContextVar("user", default="-")
path_var: ContextVar[str] = ContextVar("path", default="-")

# Portal links carry a `pga_` token, and subscription bodies carry tokens in management URLs
# on buyer-portal hosts. Anything shaped like them is cut out, with API keys and email-bearing
# query values. Code never logs these: this is the net behind it. Every pattern runs in linear
# time: a log line can be long, and a backtracking pattern would stall the request logging it.
_WORD = re.compile(r"[^\s\"'<>]+")
_PORTAL_MARKERS = ("customer-portal.", "buyer-portal.", "/portal/")
_REDACTIONS = (
    (re.compile(r"pga_[\w\-.~%]+"), "[redacted token]"),
    (re.compile(r"pdl_(?:live|sdbx)_apikey_\w+"), "[redacted api key]"),
    (re.compile(r"Bearer\s+[^\s\"',]+", re.I), "Bearer [redacted]"),
    (
        re.compile(r"([?&](?:q|email|search|token|next|requester|ticket)=)[^&\s\"'<>#]*", re.I),
        r"\1[redacted]",
    ),
    # An emailed link's path is a bearer credential until redeemed (sessions_app/links/delivery.py).
    (re.compile(r"/r/[A-Za-z0-9_\-]{16,}"), "/r/[redacted]"),
)


def _redact_portal_word(match: re.Match[str]) -> str:
    word = match.group(0).lower()
    return "[redacted portal url]" if any(marker in word for marker in _PORTAL_MARKERS) else match.group(0)


def redact(text: str) -> str:
    """Remove portal URLs, portal tokens, API keys and query-string emails from text."""
    lowered = text.lower()
    if any(marker in lowered for marker in _PORTAL_MARKERS):
        text = _WORD.sub(_redact_portal_word, text)
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class RequestContextFilter(logging.Filter):
    """Adds the request id, user and path (without query string) of the current request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.user = user_var.get()
        record.path = path_var.get()
        return True


class RedactSecretsFilter(logging.Filter):
    """Redacts the formatted message, the traceback and the stack, so no secret leaves the process."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Format once here: `args` may hold a URL or an exception whose str() carries one.
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        path = getattr(record, "path", None)
        if isinstance(path, str):
            record.path = redact(path)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, user, path."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user": getattr(record, "user", "-"),
            "path": getattr(record, "path", "-"),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)
