"""Logging pieces: request context on every record, JSON lines, and a redaction safety net."""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")
user_var: ContextVar[str] = ContextVar("user", default="-")
path_var: ContextVar[str] = ContextVar("path", default="-")

# Portal links carry a `pga_` token; subscription bodies carry tokens in management URLs.
# Anything shaped like them is cut out, along with email addresses in query strings.
_REDACTIONS = (
    (re.compile(r"https?://[^\s\"'<>]*(?:customer-portal|buyer-portal|/portal/)[^\s\"'<>]*"), "[redacted portal url]"),
    (re.compile(r"pga_[A-Za-z0-9_\-.]+"), "[redacted token]"),
    (re.compile(r"([?&](?:q|email|search)=)[^&\s\"']*", re.IGNORECASE), r"\1[redacted]"),
    (re.compile(r"Bearer\s+[A-Za-z0-9_\-.]+"), "Bearer [redacted]"),
)


def redact(text: str) -> str:
    """Remove portal URLs, portal tokens, bearer keys and query-string emails from text."""
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
    """Rewrites the formatted message so no portal URL or token leaves the process."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
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
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
