"""Paddle's response envelopes: `data` + `meta.request_id`, and the error envelope."""

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus

DOCS = "https://developer.paddle.com/errors/shared/"

# code -> (type, detail), worded as on each code's docs page (paddle-fixtures/docs-error-examples).
ERRORS: dict[str, tuple[str, str]] = {
    "bad_request": ("request_error", "Invalid request."),
    "invalid_field": ("request_error", "Request does not pass validation."),
    "authentication_missing": ("request_error", "Authentication header missing."),
    "authentication_malformed": (
        "request_error",
        "Authentication header included, but incorrectly formatted.",
    ),
    "invalid_token": ("request_error", "Invalid or revoked API key."),
    "forbidden": ("request_error", "You aren't permitted to perform this request."),
    "not_found": ("request_error", "Entity not found."),
    "invalid_url": ("request_error", "URL called is invalid."),
    "unsupported_media_type": ("request_error", 'Content-Type must be "application/json".'),
    "too_many_requests": (
        "api_error",
        "IP address exceeded the allowed rate limit. "
        "Retry after the number of seconds in the Retry-After header.",
    ),
    "internal_error": ("api_error", "Problem processing your request. The Paddle team has been notified."),
    "not_implemented": ("api_error", "HTTP method not recognized."),
    "bad_gateway": ("api_error", "Bad gateway."),
    "service_unavailable": ("api_error", "Service unavailable."),
}
CODE_FOR_STATUS = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    501: "not_implemented",
    502: "bad_gateway",
    503: "service_unavailable",
}
# Cloudflare's own statuses in front of api.paddle.com, unknown to http.HTTPStatus.
_CLOUDFLARE_PHRASES = {
    520: "Web Server Returned an Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
}


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    trickle_seconds: float = 0.0  # > 0: send the body in pieces over this long ("slow_body")

    @property
    def status_line(self) -> str:
        try:
            phrase = HTTPStatus(self.status).phrase
        except ValueError:
            phrase = _CLOUDFLARE_PHRASES.get(self.status, "Unknown")
        return f"{self.status} {phrase}"


@dataclass
class PaddleError(Exception):
    """Raised inside the emulator to answer with Paddle's error envelope."""

    status: int
    code: str
    detail: str | None = None
    errors: Sequence[dict[str, str]] = ()
    headers: Sequence[tuple[str, str]] = field(default=())


def field_error(name: str, message: str) -> dict[str, str]:
    return {"field": name, "message": message}


def invalid_field(*errors: dict[str, str]) -> PaddleError:
    return PaddleError(400, "invalid_field", errors=errors)


def json_response(
    status: int, payload: object, request_id: str, headers: Sequence[tuple[str, str]] = ()
) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(
        status,
        [("Content-Type", "application/json"), ("Request-Id", request_id), *headers],
        body,
    )


def error_payload(
    code: str,
    request_id: str,
    *,
    detail: str | None = None,
    errors: Sequence[dict[str, str]] = (),
    status: int = 400,
) -> dict[str, object]:
    kind, default_detail = ERRORS.get(
        code, ("api_error" if status >= 500 else "request_error", "Request failed.")
    )
    error: dict[str, object] = {
        "type": kind,
        "code": code,
        "detail": detail or default_detail,
        "documentation_url": DOCS + code,
    }
    if errors:
        error["errors"] = list(errors)
    return {"error": error, "meta": {"request_id": request_id}}


def error_response(error: PaddleError, request_id: str) -> Response:
    payload = error_payload(
        error.code, request_id, detail=error.detail, errors=error.errors, status=error.status
    )
    return json_response(error.status, payload, request_id, error.headers)
