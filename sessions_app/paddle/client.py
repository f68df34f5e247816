"""The Paddle Billing HTTP client: one method per Paddle operation, on `requests`.

Retries, timeouts and the deadline live in one loop here (not in urllib3's Retry), so they behave
the same over http:// (the emulator) and https:// (Paddle). Log lines carry the method, the path
template, the status or error code, Paddle's request id, the attempt and the elapsed time: never
a body, a query string (it may hold an email) or a URL from a body (portal links are credentials).
"""

import http.cookiejar
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

from . import parse
from .errors import (
    FieldError,
    PaddleAuthError,
    PaddleError,
    PaddleNotFound,
    PaddlePortalUrlRefused,
    PaddleRateLimited,
    PaddleRejected,
    PaddleUnavailable,
)
from .ids import (
    MAX_QUERY_LENGTH,
    QueryKind,
    classify_query,
    require_customer_id,
    require_subscription_id,
)
from .types import Customer, PaymentMethod, PortalSession, Subscription, Transaction

log = logging.getLogger(__name__)

BACKOFF = (0.1, 0.2, 0.4)  # seconds before the 2nd, 3rd and 4th attempt
MAX_ATTEMPTS = len(BACKOFF) + 1
PAGE_SIZE = 200  # Paddle's maximum `per_page`
TRANSACTIONS_PAGE_SIZE = 30  # list-transactions' maximum `per_page`
TRANSACTION_STATUSES = ("draft", "ready", "billed", "paid", "completed", "canceled", "past_due")
MAX_PAGES = 50
MAX_PORTAL_SUBSCRIPTIONS = 25  # Paddle's `maxItems` for `subscription_ids`
# A free-text search shows at most this many customers (names, emails): enough to pick from,
# too few to browse the customer base with.
MAX_SEARCH_RESULTS = 20
# Paddle's portal hosts (PADDLE_API.md: customer-portal.paddle.com; sandbox- in the sandbox).
DEFAULT_PORTAL_HOSTS = frozenset({"customer-portal.paddle.com", "sandbox-customer-portal.paddle.com"})
PADDLE_API_ORIGINS = frozenset({"https://api.paddle.com", "https://sandbox-api.paddle.com"})
MAX_BODY_BYTES = 10 * 1024 * 1024
POOL_SIZE = 32
Params = dict[str, str | int]


class _Listed(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_Listed)  # a listed entity: its id is the next page's `after`
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,64}$", re.ASCII)  # fits AuditEvent.paddle_request_id
_FINAL_CODES = ("invalid_response", "deadline_exceeded")  # no point in asking again
_DEFAULT_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    429: "too_many_requests",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


class _DropQueryStrings(logging.Filter):
    """urllib3 logs every request line with its full URL, so `?email=…`: cut query strings off."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(a.split("?", 1)[0] if isinstance(a, str) else a for a in record.args)
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_DropQueryStrings())


@dataclass(frozen=True)
class CustomerMatches:
    """One page of a customer search, and whether Paddle has more matches than it showed."""

    customers: list[Customer]
    more: bool = False


@dataclass(frozen=True)
class _Reply:
    status: int
    body: object  # the decoded JSON
    request_id: str


class PaddleClient:
    """A Paddle Billing API client with a pooled session; safe to share between threads."""

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str,
        connect_timeout: float = 3.0,
        read_timeout: float = 10.0,
        deadline: float = 20.0,
        max_retry_after: float = 5.0,
        throttle: Callable[[], None] | None = None,
        portal_hosts: Iterable[str] = DEFAULT_PORTAL_HOSTS,
    ) -> None:
        if not api_key or not api_key.isprintable():
            raise ValueError("api_key must be a non-empty printable string")
        if not re.fullmatch(r"https?://[^/?#\s]+", base_url.rstrip("/")):
            raise ValueError("base_url must be an http(s) origin such as https://api.paddle.com")
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.max_retry_after = max_retry_after
        self._throttle = throttle
        self.portal_hosts = frozenset(host.lower() for host in portal_hosts)
        self._session = requests.Session()
        # No .netrc (it would replace our Authorization header), no proxy variables, no cookies.
        self._session.trust_env = False
        self._session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        # A kept-alive connection per concurrent call: a gunicorn worker's threads, two calls each
        # on the customer page. Past the pool's size, each call would connect anew.
        self._session.mount("http://", HTTPAdapter(max_retries=0, pool_maxsize=POOL_SIZE))
        self._session.mount("https://", HTTPAdapter(max_retries=0, pool_maxsize=POOL_SIZE))
        self._session.headers.update(
            {
                "Authorization": f"Bearer {api_key}",
                "Paddle-Version": "1",
                "Accept": "application/json",
                "User-Agent": "paddle-portal-console",
            }
        )

    def __repr__(self) -> str:
        return f"PaddleClient(base_url={self.base_url!r})"

    def close(self) -> None:
        self._session.close()

    # --- Operations ---------------------------------------------------------------------------
    def find_customers(self, query: str, *, limit: int = MAX_SEARCH_RESULTS) -> list[Customer]:
        """Customers by email, `ctm_` id, `sub_` id or free text: https://developer.paddle.com/api-reference/customers/list-customers"""
        return self.search_customers(query, limit=limit).customers

    def search_customers(self, query: str, *, limit: int = MAX_SEARCH_RESULTS) -> CustomerMatches:
        """Like `find_customers`, and whether Paddle holds more matches than `limit` (one page asked)."""
        query = query.strip()
        if not query or len(query) > MAX_QUERY_LENGTH:
            raise ValueError(f"a search needs 1 to {MAX_QUERY_LENGTH} characters")
        if not 1 <= limit <= MAX_SEARCH_RESULTS:
            raise ValueError(f"limit must be between 1 and {MAX_SEARCH_RESULTS}")
        deadline_at = self._deadline_at()
        kind = classify_query(query)
        if kind is QueryKind.MALFORMED_ID:
            raise ValueError(
                "this looks like a Paddle id but is not one (prefix and 26 lowercase letters or digits)"
            )
        if kind is QueryKind.CUSTOMER_ID:
            return CustomerMatches(self._customer_or_nothing(query, deadline_at))
        if kind is QueryKind.SUBSCRIPTION_ID:
            try:
                subscription = self._get_subscription(query, deadline_at)
            except PaddleNotFound:
                return CustomerMatches([])
            return CustomerMatches(self._customer_or_nothing(subscription.customer_id, deadline_at))
        # `search=` is fuzzy and has matched the wrong customer for an email: emails go to `email=`.
        criterion = {"email": query} if kind is QueryKind.EMAIL else {"search": query}
        reply = self._send(
            "GET",
            "/customers",
            params={**criterion, "status": "active,archived", "per_page": limit},
            deadline_at=deadline_at,
        )
        with _parsing(reply):
            customers = [parse.customer(item) for item in _data_list(reply)][:limit]
            has_more, _next = parse.pagination_next(reply.body)
        return CustomerMatches(customers, more=has_more)

    def get_customer(self, customer_id: str) -> Customer:
        """One customer: https://developer.paddle.com/api-reference/customers/get-customer"""
        return self._get_customer(customer_id, self._deadline_at())

    def get_subscription(self, subscription_id: str) -> Subscription:
        """One subscription: https://developer.paddle.com/api-reference/subscriptions/get-subscription"""
        return self._get_subscription(subscription_id, self._deadline_at())

    def list_subscriptions(self, customer_id: str, *, per_page: int = PAGE_SIZE) -> list[Subscription]:
        """Every subscription of a customer, all statuses, all pages: https://developer.paddle.com/api-reference/subscriptions/list-subscriptions"""
        return self.list_subscriptions_of([customer_id], per_page=per_page)

    def list_subscriptions_of(
        self, customer_ids: Sequence[str], *, per_page: int = PAGE_SIZE
    ) -> list[Subscription]:
        """Every subscription of these customers in one listing (`customer_id=a,b,…`), all pages."""
        if isinstance(customer_ids, str):
            raise TypeError("customer_ids must be a sequence of ids, not a string")
        wanted = [require_customer_id(c) for c in customer_ids]
        if not wanted:
            return []
        if not 1 <= per_page <= PAGE_SIZE:
            raise ValueError(f"per_page must be between 1 and {PAGE_SIZE}")
        return self._every_page(
            "/subscriptions",
            f"{self.base_url}/subscriptions",
            {"customer_id": ",".join(wanted), "per_page": per_page},
            parse.subscription,
            owner=lambda s: s.customer_id in wanted,
            what="subscriptions",
        )

    def list_payment_methods(self, customer_id: str) -> list[PaymentMethod]:
        """A customer's saved payment methods, all pages (permission `payment_method.read`): https://developer.paddle.com/api-reference/payment-methods/list-payment-methods"""
        require_customer_id(customer_id)
        return self._every_page(
            "/customers/{id}/payment-methods",
            f"{self.base_url}/customers/{customer_id}/payment-methods",
            {"per_page": PAGE_SIZE},
            parse.payment_method,
            owner=lambda m: m.customer_id == customer_id,
            what="payment methods",
        )

    def list_transactions(self, customer_id: str, statuses: Sequence[str]) -> list[Transaction]:
        """A customer's most recent transactions in `statuses`, newest first: one page of Paddle's
        maximum of 30 (permission `transaction.read`): https://developer.paddle.com/api-reference/transactions/list-transactions"""
        require_customer_id(customer_id)
        if isinstance(statuses, str) or not statuses:
            raise TypeError("statuses must be a non-empty sequence of statuses, not a string")
        unknown = set(statuses) - set(TRANSACTION_STATUSES)
        if unknown:
            raise ValueError(f"unknown transaction statuses: {sorted(unknown)}")
        reply = self._send(
            "GET",
            "/transactions",
            params={
                "customer_id": customer_id,
                "status": ",".join(statuses),
                "order_by": "id[DESC]",  # ids sort by creation time: newest first
                "per_page": TRANSACTIONS_PAGE_SIZE,
            },
            deadline_at=self._deadline_at(),
        )
        with _parsing(reply):
            transactions = [parse.transaction(item) for item in _data_list(reply)]
        _check_owner(transactions, lambda t: t.customer_id == customer_id, "transactions", reply)
        return transactions

    def _every_page(
        self,
        path: str,
        first_page: str,
        params: Params,
        parse_item: Callable[[object], _T],
        *,
        owner: Callable[[_T], bool],
        what: str,
    ) -> list[_T]:
        """Every item of a list, following `next` page by page under one deadline; each item must
        pass `owner` (Paddle listing another customer's entity would be a bug we must not show)."""
        deadline_at = self._deadline_at()
        url = first_page
        page_params: Params | None = params
        items: list[_T] = []
        for _ in range(MAX_PAGES):
            reply = self._send("GET", path, url=url, params=page_params, deadline_at=deadline_at)
            with _parsing(reply):
                page = [parse_item(item) for item in _data_list(reply)]
                has_more, next_url = parse.pagination_next(reply.body)
            _check_owner(page, owner, what, reply)
            items.extend(page)
            if not has_more or not page:
                return items
            # Follow `next` only on our own host: the bearer key goes wherever we send requests.
            if next_url.startswith(first_page + "?"):
                url, page_params = next_url, None
            else:
                url, page_params = first_page, {**params, "after": page[-1].id}
        raise PaddleUnavailable(f"more than {MAX_PAGES} pages of {what}", code="too_many_pages")

    def create_portal_session(self, customer_id: str, subscription_ids: Sequence[str]) -> PortalSession:
        """A customer portal session with deep links: https://developer.paddle.com/api-reference/customer-portals/create-customer-portal-session"""
        require_customer_id(customer_id)
        if isinstance(subscription_ids, str):
            raise TypeError("subscription_ids must be a sequence of ids, not a string")
        wanted = [require_subscription_id(s) for s in subscription_ids]
        if len(set(wanted)) != len(wanted):
            raise ValueError("subscription_ids must not repeat an id")
        if len(wanted) > MAX_PORTAL_SUBSCRIPTIONS:
            raise ValueError(f"at most {MAX_PORTAL_SUBSCRIPTIONS} subscriptions per portal session")
        reply = self._send(
            "POST",
            "/customers/{id}/portal-sessions",
            url=f"{self.base_url}/customers/{customer_id}/portal-sessions",
            body={"subscription_ids": wanted},
            deadline_at=self._deadline_at(),
        )
        with _parsing(reply):
            session = parse.portal_session(parse.envelope_data(reply.body), request_id=reply.request_id)
        returned = [links.subscription_id for links in session.subscriptions]
        if session.customer_id != customer_id:
            mismatch = "customer_mismatch"
        elif len(returned) != len(wanted) or set(returned) != set(wanted):
            mismatch = "subscription_mismatch"
        else:
            self._check_portal_urls(session, reply)
            return session
        raise PaddleUnavailable(
            "Paddle's portal session does not match the request; its links are withheld",
            code=mismatch,
            status=reply.status,
            request_id=reply.request_id,
        )

    def _check_portal_urls(self, session: PortalSession, reply: _Reply) -> None:
        """Every link must be https:// on a portal host, or (emulator only) on our own base URL's origin."""
        urls = [session.overview_url]
        for links in session.subscriptions:
            urls += [links.cancel, links.update_payment_method, *([links.view] if links.view else [])]
        emulator_origin = None if self.base_url in PADDLE_API_ORIGINS else self.base_url
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme == "https" and (parts.hostname or "") in self.portal_hosts and not parts.port:
                continue
            if emulator_origin is not None and f"{parts.scheme}://{parts.netloc}" == emulator_origin:
                continue
            raise PaddlePortalUrlRefused(
                "Paddle's portal links do not point at Paddle's customer portal; they are withheld",
                code="portal_url_refused",
                status=reply.status,
                request_id=reply.request_id,
            )

    def check_key(self) -> str:
        """A cheap authenticated call for the health check; returns Paddle's request id: https://developer.paddle.com/api-reference/customers/list-customers"""
        reply = self._send(
            "GET",
            "/customers",
            params={"per_page": 1},
            headers={"Skip-Count": "true"},
            deadline_at=self._deadline_at(),
        )
        with _parsing(reply):
            _data_list(reply)
        return reply.request_id

    # --- Single-entity helpers sharing an operation's deadline ------------------------------------
    def _get_customer(self, customer_id: str, deadline_at: float) -> Customer:
        require_customer_id(customer_id)
        reply = self._send(
            "GET", "/customers/{id}", url=f"{self.base_url}/customers/{customer_id}", deadline_at=deadline_at
        )
        with _parsing(reply):
            return parse.customer(parse.envelope_data(reply.body))

    def _get_subscription(self, subscription_id: str, deadline_at: float) -> Subscription:
        require_subscription_id(subscription_id)
        reply = self._send(
            "GET",
            "/subscriptions/{id}",
            url=f"{self.base_url}/subscriptions/{subscription_id}",
            deadline_at=deadline_at,
        )
        with _parsing(reply):
            return parse.subscription(parse.envelope_data(reply.body))

    def _customer_or_nothing(self, customer_id: str, deadline_at: float) -> list[Customer]:
        try:
            return [self._get_customer(customer_id, deadline_at)]
        except PaddleNotFound:
            return []

    def _deadline_at(self) -> float:
        return time.monotonic() + self.deadline

    # --- The retry loop -------------------------------------------------------------------------
    def _send(
        self,
        method: str,
        path: str,
        *,
        deadline_at: float,
        url: str | None = None,
        params: Params | None = None,
        body: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> _Reply:
        """One operation's HTTP exchange with retries; `path` is the template that is logged."""
        url = url or self.base_url + path
        data = None
        extra_headers = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode()
            extra_headers["Content-Type"] = "application/json"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            remaining = deadline_at - time.monotonic()
            if remaining <= 0:
                raise PaddleUnavailable("Paddle did not answer within the deadline", code="deadline_exceeded")
            if self._throttle is not None:
                self._throttle()
            started = time.monotonic()
            try:
                reply = self._exchange(method, url, params, data, extra_headers, remaining, deadline_at)
            except _Failure as failure:
                error, resend_safe = failure.error, failure.resend_safe
            else:
                _log_attempt(method, path, str(reply.status), reply.request_id, attempt, started)
                return reply
            _log_attempt(method, path, error.code, error.request_id, attempt, started)
            delay = self._retry_delay(error, attempt, may_resend=method == "GET" or resend_safe)
            if delay is None or time.monotonic() + delay >= deadline_at:
                raise error
            time.sleep(delay)
        raise AssertionError("unreachable: the last attempt either returns or raises")

    def _retry_delay(self, error: PaddleError, attempt: int, *, may_resend: bool) -> float | None:
        """Seconds to wait before another attempt, or None when this error is final."""
        if attempt >= MAX_ATTEMPTS:
            return None
        if isinstance(error, PaddleRateLimited):  # Paddle did not process a rate-limited request
            if error.retry_after is None:
                return BACKOFF[attempt - 1]
            return error.retry_after if error.retry_after <= self.max_retry_after else None
        transient = error.status is None or 500 <= error.status <= 599  # no status: the exchange failed
        if isinstance(error, PaddleUnavailable) and transient and error.code not in _FINAL_CODES:
            return BACKOFF[attempt - 1] if may_resend else None
        return None

    def _exchange(
        self,
        method: str,
        url: str,
        params: Params | None,
        data: bytes | None,
        headers: Mapping[str, str],
        remaining: float,
        deadline_at: float,
    ) -> _Reply:
        """One HTTP attempt: a `_Reply` for a 2xx with a JSON body, else a raised `_Failure`."""
        try:
            response = self._session.request(
                method,
                url,
                params=params,
                data=data,
                headers=headers,
                timeout=(min(self.connect_timeout, remaining), min(self.read_timeout, remaining)),
                allow_redirects=False,  # Paddle's API does not redirect; never carry the key elsewhere
                stream=True,  # read the body ourselves, bounded by the deadline and a size cap
            )
        except requests.RequestException as exc:
            raise _transport_failure(exc) from None
        with response:
            try:
                content = _read_body(response, self.read_timeout, deadline_at)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise _transport_failure(exc, sent=True) from None
            except PaddleError as error:
                raise _Failure(error) from None
            header_request_id = _clean_request_id(response.headers.get("Request-Id"))
            if 200 <= response.status_code < 300:
                try:
                    decoded = json.loads(content)
                except (ValueError, RecursionError):
                    raise _Failure(
                        PaddleUnavailable(
                            "Paddle's answer is not valid JSON",
                            code="invalid_response",
                            status=response.status_code,
                            request_id=header_request_id,
                        )
                    ) from None
                request_id = _clean_request_id(parse.request_id(decoded)) or header_request_id
                return _Reply(status=response.status_code, body=decoded, request_id=request_id)
            raise _Failure(_error_from(response.status_code, content, response.headers, header_request_id))


def _check_owner(items: Sequence[_T], owner: Callable[[_T], bool], what: str, reply: _Reply) -> None:
    if not all(owner(item) for item in items):
        raise PaddleUnavailable(
            f"Paddle listed {what} of another customer",
            code="customer_mismatch",
            status=reply.status,
            request_id=reply.request_id,
        )


class _Failure(Exception):
    """An attempt's typed error, and whether Paddle surely never saw the request."""

    def __init__(self, error: PaddleError, *, resend_safe: bool = False) -> None:
        super().__init__(error.code)
        self.error = error
        self.resend_safe = resend_safe


def _transport_failure(exc: Exception, *, sent: bool = False) -> _Failure:
    """The error for an exchange that failed on the wire; `sent`: the request surely went out."""
    # Messages of these exceptions hold the full URL (an email lookup's query string), so only
    # class names are kept, and callers raise `from None`.
    chain = _wrapped(exc)
    if not sent and any(isinstance(e, (requests.ConnectTimeout, NewConnectionError)) for e in chain):
        return _Failure(
            PaddleUnavailable(
                f"could not connect to Paddle ({type(chain[-1]).__name__})", code="connection_failed"
            ),
            resend_safe=True,
        )
    if any(isinstance(e, (requests.Timeout, ReadTimeoutError, TimeoutError)) for e in chain):
        return _Failure(PaddleUnavailable("Paddle did not answer in time", code="timeout"))
    return _Failure(
        PaddleUnavailable(
            f"the connection to Paddle failed ({type(chain[-1]).__name__})", code="connection_error"
        )
    )


def _wrapped(exc: Exception) -> list[BaseException]:
    """`exc` and what it wraps: requests wraps urllib3's MaxRetryError, which wraps the reason."""
    chain: list[BaseException] = [exc]
    inner = exc.args[0] if exc.args else None
    if isinstance(inner, BaseException):
        chain.append(inner)
        reason = getattr(inner, "reason", None)
        if isinstance(reason, BaseException):
            chain.append(reason)
    return chain


def _read_body(response: requests.Response, read_timeout: float, deadline_at: float) -> bytes:
    """The whole body, read as it arrives so that a trickling answer cannot outlast the deadline."""
    chunks: list[bytes] = []
    size = 0
    while True:
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise PaddleUnavailable("Paddle did not answer within the deadline", code="deadline_exceeded")
        # Looked up each time: once the body is complete, urllib3 hands the connection back to the
        # pool (connection None here), where another thread may take it or, the pool full, close it.
        sock = getattr(response.raw.connection, "sock", None)
        if sock is not None:  # each wait for the next piece ends at the deadline at the latest
            sock.settimeout(min(read_timeout, remaining))
        chunk = response.raw.read1(64 * 1024, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PaddleUnavailable("Paddle's answer is too large", code="invalid_response")
        chunks.append(chunk)


def _error_from(
    status: int, content: bytes, headers: Mapping[str, str], header_request_id: str
) -> PaddleError:
    """The typed error for a non-2xx answer; the body may be Paddle's envelope, HTML or empty."""
    try:
        envelope: object = json.loads(content)
    except (ValueError, RecursionError):
        envelope = None
    error = envelope.get("error") if isinstance(envelope, dict) else None
    if not isinstance(error, dict):
        error = {}
    common: dict[str, Any] = {
        "code": _text(error, "code")[:64] or _DEFAULT_CODES.get(status, f"http_{status}"),
        "status": status,
        "request_id": _clean_request_id(parse.request_id(envelope)) or header_request_id,
    }
    detail = _text(error, "detail")[:500] or f"Paddle answered HTTP {status}"
    if status == 404:
        return PaddleNotFound(detail, **common)
    if status in (401, 403):
        return PaddleAuthError(detail, **common)
    if status == 429:
        return PaddleRateLimited(detail, retry_after=_retry_after(headers.get("Retry-After")), **common)
    if 400 <= status < 500:
        return PaddleRejected(detail, field_errors=_field_errors(error.get("errors")), **common)
    if status < 500 or status > 599:  # 1xx/3xx: nothing Paddle's API sends
        common["code"] = "unexpected_status"
    return PaddleUnavailable(detail, **common)


def _text(obj: Mapping[str, object], key: str) -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _field_errors(value: object) -> tuple[FieldError, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        FieldError(field=item["field"], message=item["message"])
        for item in value
        if isinstance(item, dict)
        and isinstance(item.get("field"), str)
        and isinstance(item.get("message"), str)
    )


def _retry_after(value: str | None) -> float | None:
    """`Retry-After` as seconds: an integer, or an HTTP date (as Paddle's Go SDK accepts)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def _clean_request_id(value: object) -> str:
    return value if isinstance(value, str) and _REQUEST_ID_RE.fullmatch(value) else ""


def _data_list(reply: _Reply) -> list[object]:
    data = parse.envelope_data(reply.body)
    if not isinstance(data, list):
        raise parse.InvalidResponse("body.data: expected a list")
    return data


@contextmanager
def _parsing(reply: _Reply) -> Iterator[None]:
    """Turns a body of the wrong shape into PaddleUnavailable, never a KeyError or TypeError."""
    try:
        yield
    except parse.InvalidResponse as exc:
        raise PaddleUnavailable(
            f"Paddle's answer has an unexpected shape: {exc}",
            code="invalid_response",
            status=reply.status,
            request_id=reply.request_id,
        ) from None


def _log_attempt(method: str, path: str, outcome: str, request_id: str, attempt: int, started: float) -> None:
    log.info(
        "paddle %s %s -> %s request_id=%s attempt=%d elapsed_ms=%.0f",
        method,
        path,
        outcome,
        request_id or "-",
        attempt,
        (time.monotonic() - started) * 1000,
    )
