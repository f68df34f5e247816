"""The errors a Paddle call can end in: a small family, each carrying what Paddle told us."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


# The client's codes for "Paddle did not answer in time" (ours) and Paddle's own 504.
_TIMEOUT_CODES = frozenset({"timeout", "deadline_exceeded", "gateway_timeout"})


class PaddleError(Exception):
    """Base of every Paddle failure; `code`, `detail`, HTTP `status` and Paddle's `request_id`."""

    def __init__(
        self,
        detail: str,
        *,
        code: str = "",
        status: int | None = None,
        request_id: str = "",
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.status = status
        self.request_id = request_id

    @property
    def error_code(self) -> str:
        """What the audit log records: the code Paddle or the client gave, else the kind of error."""
        return self.code or type(self).__name__

    @property
    def timed_out(self) -> bool:
        """Paddle did not answer in time: the client's own timeout or deadline, or Paddle's 504."""
        return self.code in _TIMEOUT_CODES


class PaddleNotFound(PaddleError):
    """404: the customer or subscription does not exist (or the URL is invalid)."""


class PaddleRejected(PaddleError):
    """4xx other than auth, 404 and 429: Paddle refused the request; `field_errors` say why."""

    def __init__(
        self,
        detail: str,
        *,
        field_errors: tuple[FieldError, ...] = (),
        code: str = "",
        status: int | None = None,
        request_id: str = "",
    ) -> None:
        super().__init__(detail, code=code, status=status, request_id=request_id)
        self.field_errors = field_errors


class PaddleAuthError(PaddleError):
    """403: our API key is missing, malformed, revoked, or lacks a permission."""


class PaddleRateLimited(PaddleError):
    """429 (from Paddle, or our own shared budget): `retry_after` seconds to wait."""

    def __init__(
        self,
        detail: str,
        *,
        retry_after: float | None = None,
        code: str = "",
        status: int | None = None,
        request_id: str = "",
    ) -> None:
        super().__init__(detail, code=code, status=status, request_id=request_id)
        self.retry_after = retry_after


class PaddleUnavailable(PaddleError):
    """Paddle could not be reached or answered badly: timeout, connection error, 5xx/52x,
    a body we cannot read, or an answer that contradicts the request."""


class PaddlePortalUrlRefused(PaddleUnavailable):
    """A portal link that is not https:// on Paddle's customer-portal hosts (PADDLE_PORTAL_HOSTS)."""


__all__ = [
    "FieldError",
    "PaddleAuthError",
    "PaddleError",
    "PaddleNotFound",
    "PaddlePortalUrlRefused",
    "PaddleRateLimited",
    "PaddleRejected",
    "PaddleUnavailable",
]
