"""Fault injection: make matching requests slow, failing, malformed or dropped."""

import fnmatch
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from .envelopes import CODE_FOR_STATUS, PaddleError, Response, error_response

KINDS = ("latency", "error", "html", "empty", "truncated", "garbage", "wrong_shape", "drop", "slow_body")
_DEFAULT_STATUS = {"error": 500, "html": 502, "empty": 522}
_CLOUDFLARE_HTML = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
    b"<hr><center>cloudflare</center></body></html>"
)


class DropConnection(Exception):
    """Raised by the app: the server closes the connection without answering."""


@dataclass
class Fault:
    path_pattern: str
    kind: str
    method: str | None = None
    status: int | None = None
    code: str | None = None
    latency_ms: float = 0
    retry_after: int | None = None
    times: int | None = None  # remaining matching requests; None = always

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of: {', '.join(KINDS)}")
        if self.times is not None and self.times < 1:
            raise ValueError("times must be at least 1")
        if self.status is None and self.kind in _DEFAULT_STATUS:
            self.status = _DEFAULT_STATUS[self.kind]
        if self.method:
            self.method = self.method.upper()

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and fnmatch.fnmatchcase(path, self.path_pattern)


def apply(fault: Fault, answer: Callable[[], Response], request_id: str) -> Response:
    """The response to a request that `fault` matched; `answer()` gives the normal one."""
    if fault.kind == "drop":
        raise DropConnection
    if fault.kind == "latency":
        time.sleep(fault.latency_ms / 1000)
        return answer()
    status = fault.status or 500
    if fault.kind == "error":
        headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
        code = fault.code or CODE_FOR_STATUS.get(status, "internal_error")
        return error_response(PaddleError(status, code, headers=headers), request_id)
    if fault.kind == "html":
        return Response(status, [("Content-Type", "text/html")], _CLOUDFLARE_HTML)
    if fault.kind == "empty":
        return Response(status, [], b"")
    response = answer()
    if fault.kind == "truncated":
        response.body = response.body[: len(response.body) // 2]
    elif fault.kind == "garbage":
        response.body = b"\x00\xff<<not json>>\x1f"
    elif fault.kind == "wrong_shape":
        response.body = _wrong_shape(response.body)
    elif fault.kind == "slow_body":
        response.trickle_seconds = fault.latency_ms / 1000
    return response


def _wrong_shape(body: bytes) -> bytes:
    """Valid JSON of the wrong shape: a list where an object belongs, or the reverse."""
    payload = json.loads(body)
    data = payload.get("data") if isinstance(payload, dict) else None
    payload = {"data": [data] if isinstance(data, dict) else "oops", "meta": payload.get("meta")}
    return json.dumps(payload).encode()
