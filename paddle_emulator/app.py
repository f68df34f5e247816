"""The emulator: a WSGI app that answers the Paddle calls the console makes, as Paddle does.

PADDLE_API.md (the shared notes on Paddle) describes the behaviour it copies, and
EMULATOR_CONTRACT.md its interface. It also serves the portal page its links point at, and
control endpoints for tests.
"""

import collections
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl

from . import faults, portal
from .envelopes import PaddleError, Response, error_response, field_error, invalid_field, json_response
from .listing import comma_list, paginate
from .seed import STATUSES, build_dataset

DEFAULT_PERMISSIONS = frozenset(
    {
        "customer.read",
        "subscription.read",
        "customer_portal_session.write",
        "payment_method.read",
        "transaction.read",
    }
)
CUSTOMER_ID = re.compile(r"^ctm_[a-z\d]{26}$")
SUBSCRIPTION_ID = re.compile(r"^sub_[a-z\d]{26}$")
ADDRESS_ID = re.compile(r"^add_[a-z\d]{26}$")
TRANSACTION_ID = re.compile(r"^txn_[a-z\d]{26}$")
TRANSACTION_STATUSES = ("draft", "ready", "billed", "paid", "completed", "canceled", "past_due")
# The spec's `per_page_transaction_query`: default 30, maximum 30 (other lists: 50 and 200).
TRANSACTIONS_PER_PAGE = 30
# The auth scheme is case-insensitive (RFC 9110 §11.1): Paddle's Node SDK sends `bearer <key>`.
_BEARER = re.compile(r"^(?i:bearer) ([^\s]+)$")
MAX_SUBSCRIPTION_IDS = 25
REQUEST_LOG_SIZE = 10_000

WSGIEnviron = dict[str, Any]
StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    body: object | None
    time: float


@dataclass(frozen=True)
class _Request:
    environ: WSGIEnviron
    method: str
    path: str
    pairs: list[tuple[str, str]]
    query: dict[str, str]
    body: bytes
    request_id: str

    @property
    def base_url(self) -> str:
        """This emulator as the client reached it: links and `next` point back here."""
        env = self.environ
        host = env.get("HTTP_HOST") or f"{env['SERVER_NAME']}:{env['SERVER_PORT']}"
        return f"{env.get('wsgi.url_scheme', 'http')}://{host}"

    def header(self, name: str) -> str | None:
        return self.environ.get("HTTP_" + name.upper().replace("-", "_"))


class Emulator:
    """Paddle's customers, subscriptions, payment methods, transactions and portal-session endpoints,
    seeded and in memory."""

    def __init__(
        self,
        api_key: str,
        *,
        seed: int = 1,
        latency_ms: float = 0,
        token_ttl_seconds: float = 900,
        rate_limit_per_minute: int = 240,
        permissions: frozenset[str] = DEFAULT_PERMISSIONS,
        foreign_subscription_ids: str = "reject",
    ) -> None:
        if foreign_subscription_ids not in ("reject", "ignore"):
            raise ValueError("foreign_subscription_ids must be 'reject' or 'ignore'")
        self.api_key = api_key
        self.seed = seed
        self.latency_ms = latency_ms
        self.rate_limit_per_minute = rate_limit_per_minute
        self.permissions = permissions
        # What Paddle does with ids of another customer's subscriptions is not documented:
        # "reject" answers 400 invalid_field (the default), "ignore" leaves them out of the links.
        self.foreign_subscription_ids = foreign_subscription_ids
        self.data = build_dataset(seed)
        self.tokens = portal.TokenStore(token_ttl_seconds)
        self._lock = threading.Lock()
        self._faults: list[faults.Fault] = []
        # Bounded, so a long demo or benchmark run does not grow without limit.
        self._requests: collections.deque[RecordedRequest] = collections.deque(maxlen=REQUEST_LOG_SIZE)
        self._hits: dict[str, collections.deque[float]] = {}
        self._routes: list[tuple[str, re.Pattern[str], str, Callable[..., Response]]] = [
            ("GET", re.compile(r"/customers"), "customer.read", self._list_customers),
            ("GET", re.compile(r"/customers/([^/]+)"), "customer.read", self._get_customer),
            (
                "GET",
                re.compile(r"/customers/([^/]+)/payment-methods"),
                "payment_method.read",
                self._list_payment_methods,
            ),
            ("GET", re.compile(r"/transactions"), "transaction.read", self._list_transactions),
            ("GET", re.compile(r"/subscriptions"), "subscription.read", self._list_subscriptions),
            ("GET", re.compile(r"/subscriptions/([^/]+)"), "subscription.read", self._get_subscription),
            (
                "POST",
                re.compile(r"/customers/([^/]+)/portal-sessions"),
                "customer_portal_session.write",
                self._create_portal_session,
            ),
        ]

    # --- The Python interface for tests ---------------------------------------------------------
    def reset(self) -> None:
        """Forget faults, recorded requests and the rate-limit window."""
        with self._lock:
            self._faults.clear()
            self._requests.clear()
            self._hits.clear()

    def add_fault(
        self,
        path_pattern: str,
        *,
        kind: str,
        method: str | None = None,
        status: int | None = None,
        code: str | None = None,
        latency_ms: float = 0,
        retry_after: int | None = None,
        times: int | None = None,
    ) -> None:
        """Make requests whose path matches `path_pattern` (fnmatch) misbehave; see faults.KINDS.

        `times`: only the next N matching requests, then normal answers; None: every one.
        """
        fault = faults.Fault(path_pattern, kind, method, status, code, latency_ms, retry_after, times)
        with self._lock:
            self._faults.append(fault)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def examples(self) -> dict[str, str]:
        return dict(self.data.examples)

    def customer(self, customer_id: str) -> dict[str, Any]:
        return json.loads(json.dumps(self.data.customers_by_id[customer_id]))  # type: ignore[no-any-return]

    def subscriptions_of(self, customer_id: str) -> list[dict[str, Any]]:
        return json.loads(json.dumps(self.data.subscriptions_by_customer.get(customer_id, ())))  # type: ignore[no-any-return]

    def payment_methods_of(self, customer_id: str) -> list[dict[str, Any]]:
        return json.loads(json.dumps(self.data.payment_methods_by_customer.get(customer_id, ())))  # type: ignore[no-any-return]

    def transactions_of(self, customer_id: str) -> list[dict[str, Any]]:
        return json.loads(json.dumps(self.data.transactions_by_customer.get(customer_id, ())))  # type: ignore[no-any-return]

    # --- WSGI -------------------------------------------------------------------------------------
    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        request = self._read(environ)
        if request.path.startswith("/portal/"):
            response = self._portal_page(request)
        elif request.path.startswith("/_emulator/"):
            response = self._guarded(request, self._control)
        else:
            response = self._api(request)
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(response.status_line, headers)
        if response.trickle_seconds > 0:
            return _trickle(response.body, response.trickle_seconds)
        return [response.body]

    @staticmethod
    def _read(environ: WSGIEnviron) -> _Request:
        length = environ.get("CONTENT_LENGTH") or "0"
        body = environ["wsgi.input"].read(int(length)) if length.isdigit() and int(length) else b""
        pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return _Request(
            environ=environ,
            method=environ["REQUEST_METHOD"].upper(),
            path=environ.get("PATH_INFO") or "/",
            pairs=pairs,
            query=dict(pairs),
            body=body,
            request_id=str(uuid.uuid4()),
        )

    def _api(self, request: _Request) -> Response:
        try:
            parsed: object | None = json.loads(request.body) if request.body else None
        except ValueError:
            parsed = None
        with self._lock:
            self._requests.append(
                RecordedRequest(request.method, request.path, request.query, parsed, time.time())
            )
            fault = next((f for f in self._faults if f.matches(request.method, request.path)), None)
            if fault is not None and fault.times is not None:
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
        if fault is not None:
            return faults.apply(fault, lambda: self._guarded(request, self._paddle), request.request_id)
        return self._guarded(request, self._paddle)

    def _guarded(self, request: _Request, handler: Callable[[_Request], Response]) -> Response:
        try:
            return handler(request)
        except PaddleError as error:
            return error_response(error, request.request_id)

    def _paddle(self, request: _Request) -> Response:
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        self._count_against_rate_limit(request.environ.get("REMOTE_ADDR", ""))
        self._authenticate(request)
        for method, pattern, permission, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                if permission not in self.permissions:
                    raise PaddleError(403, "forbidden")
                return handler(request, *match.groups())
        raise PaddleError(404, "invalid_url")

    def _count_against_rate_limit(self, client: str) -> None:
        """Paddle's per-IP limit over a sliding minute."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(client, collections.deque())
            while hits and hits[0] <= now - 60:
                hits.popleft()
            if len(hits) >= self.rate_limit_per_minute:
                retry_after = max(1, int(hits[0] + 60 - now + 0.999))
                raise PaddleError(429, "too_many_requests", headers=[("Retry-After", str(retry_after))])
            hits.append(now)

    def _authenticate(self, request: _Request) -> None:
        header = request.header("Authorization")
        if not header:
            raise PaddleError(403, "authentication_missing")
        match = _BEARER.match(header)
        if match is None:
            raise PaddleError(403, "authentication_malformed")
        if match.group(1) != self.api_key:
            raise PaddleError(403, "invalid_token")

    # --- Paddle's endpoints -------------------------------------------------------------------------
    def _list_customers(self, request: _Request) -> Response:
        q = request.query
        ids = comma_list(q, "id", pattern=CUSTOMER_ID)
        emails = comma_list(q, "email", max_length=100)
        statuses = comma_list(q, "status", allowed=("active", "archived")) or ["active"]
        search = q.get("search", "").lower()
        if len(search) > 100:
            raise invalid_field(field_error("search", "maximum length of 100 exceeded"))
        # Email matching is exact but ignores case (Paddle does not document case handling).
        wanted_emails = {e.lower() for e in emails} if emails else None
        matches = [
            c
            for c in self.data.customers
            if c["status"] in statuses
            and (ids is None or c["id"] in ids)
            and (wanted_emails is None or str(c["email"]).lower() in wanted_emails)
            and (not search or any(search in str(c[k] or "").lower() for k in ("id", "name", "email")))
        ]
        return self._page(request, matches, render=lambda c: c)

    def _get_customer(self, request: _Request, customer_id: str) -> Response:
        customer = self._find_customer(customer_id, field="customer_id")
        return json_response(
            200, {"data": customer, "meta": {"request_id": request.request_id}}, request.request_id
        )

    def _list_subscriptions(self, request: _Request) -> Response:
        q = request.query
        customer_ids = comma_list(q, "customer_id", pattern=CUSTOMER_ID)
        ids = comma_list(q, "id", pattern=SUBSCRIPTION_ID)
        statuses = comma_list(q, "status", allowed=STATUSES)  # no default: every status
        if customer_ids is not None and len(customer_ids) == 1:
            candidates = self.data.subscriptions_by_customer.get(customer_ids[0], ())
        else:
            candidates = self.data.subscriptions
        matches = [
            s
            for s in candidates
            if (customer_ids is None or s["customer_id"] in customer_ids)
            and (ids is None or s["id"] in ids)
            and (statuses is None or s["status"] in statuses)
        ]
        tokens: dict[str, str | None] = {}
        return self._page(request, matches, render=lambda s: self._render_subscription(request, s, tokens))

    def _list_payment_methods(self, request: _Request, customer_id: str) -> Response:
        """A customer's saved payment methods; an unknown customer is 404 as on the other customer paths."""
        self._find_customer(customer_id, field="customer_id")
        q = request.query
        address_ids = comma_list(q, "address_id", pattern=ADDRESS_ID)
        supports_checkout = q.get("supports_checkout", "")
        if supports_checkout not in ("", "true", "false"):
            raise invalid_field(field_error("supports_checkout", "must be true or false"))
        matches = [
            m  # every seeded method (cards and PayPal) can be presented at checkout
            for m in self.data.payment_methods_by_customer.get(customer_id, ())
            if (address_ids is None or m["address_id"] in address_ids) and supports_checkout != "false"
        ]
        return self._page(request, matches, render=lambda m: m)

    def _list_transactions(self, request: _Request) -> Response:
        q = request.query
        customer_ids = comma_list(q, "customer_id", pattern=CUSTOMER_ID)
        ids = comma_list(q, "id", pattern=TRANSACTION_ID)
        statuses = comma_list(q, "status", allowed=TRANSACTION_STATUSES)
        subscription_ids = comma_list(q, "subscription_id")
        for value in subscription_ids or ():
            if value != "null" and not SUBSCRIPTION_ID.match(value):
                raise invalid_field(field_error("subscription_id", f"invalid id format: {value[:40]!r}"))
        if customer_ids is not None and len(customer_ids) == 1:
            candidates = self.data.transactions_by_customer.get(customer_ids[0], ())
        else:
            candidates = self.data.transactions
        matches = [
            t
            for t in candidates
            if (customer_ids is None or t["customer_id"] in customer_ids)
            and (ids is None or t["id"] in ids)
            and (statuses is None or t["status"] in statuses)
            and (subscription_ids is None or str(t["subscription_id"] or "null") in subscription_ids)
        ]
        return self._page(
            request,
            matches,
            render=lambda t: t,
            per_page=TRANSACTIONS_PER_PAGE,
            order_fields=("id", "created_at"),  # ids are time-ordered: the same order
        )

    def _get_subscription(self, request: _Request, subscription_id: str) -> Response:
        if not SUBSCRIPTION_ID.match(subscription_id):
            raise invalid_field(field_error("subscription_id", "invalid id format"))
        subscription = self.data.subscriptions_by_id.get(subscription_id)
        if subscription is None:
            raise PaddleError(404, "not_found", f"Subscription {subscription_id} not found.")
        data = self._render_subscription(request, subscription, {})
        return json_response(
            200, {"data": data, "meta": {"request_id": request.request_id}}, request.request_id
        )

    def _create_portal_session(self, request: _Request, customer_id: str) -> Response:
        content_type = (request.environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise PaddleError(415, "unsupported_media_type")
        try:
            body = json.loads(request.body) if request.body.strip() else {}
        except ValueError as error:
            raise PaddleError(400, "bad_request") from error
        if not isinstance(body, dict):
            raise PaddleError(400, "bad_request")
        self._find_customer(customer_id, field="customer_id")
        subscription_ids = self._check_subscription_ids(body, customer_id)
        data = portal.session_data(
            request.base_url,
            self.data.portal_ids[customer_id],
            customer_id,
            subscription_ids,
            self.tokens.issue(customer_id),
        )
        return json_response(
            201, {"data": data, "meta": {"request_id": request.request_id}}, request.request_id
        )

    # --- Helpers ----------------------------------------------------------------------------------------
    def _find_customer(self, customer_id: str, *, field: str) -> Mapping[str, object]:
        if not CUSTOMER_ID.match(customer_id):
            raise invalid_field(field_error(field, "invalid id format"))
        customer = self.data.customers_by_id.get(customer_id)
        if customer is None:
            raise PaddleError(404, "not_found", f"Customer {customer_id} not found.")
        return customer

    def _check_subscription_ids(self, body: Mapping[str, object], customer_id: str) -> list[str]:
        """Paddle's schema for the body (no other keys; at most 25 unique `sub_` ids), plus ownership."""
        errors = [field_error(key, "unknown field") for key in body if key != "subscription_ids"]
        ids = body.get("subscription_ids", [])
        if not isinstance(ids, list):
            raise invalid_field(*errors, field_error("subscription_ids", "must be an array"))
        for n, sid in enumerate(ids):
            if not isinstance(sid, str) or not SUBSCRIPTION_ID.match(sid):
                errors.append(field_error(f"subscription_ids[{n}]", "invalid id format"))
        if len(ids) > MAX_SUBSCRIPTION_IDS:
            errors.append(
                field_error(
                    "subscription_ids",
                    f"maximum of {MAX_SUBSCRIPTION_IDS} items exceeded. provided {len(ids)}",
                )
            )
        if len({json.dumps(i) for i in ids}) != len(ids):
            errors.append(field_error("subscription_ids", "items must be unique"))
        if errors:
            raise invalid_field(*errors)
        owned = {str(s["id"]) for s in self.data.subscriptions_by_customer.get(customer_id, ())}
        foreign = [(n, sid) for n, sid in enumerate(ids) if sid not in owned]
        if foreign and self.foreign_subscription_ids == "reject":
            raise invalid_field(
                *(
                    field_error(
                        f"subscription_ids[{n}]",
                        f"subscription {sid} does not belong to customer {customer_id}",
                    )
                    for n, sid in foreign
                )
            )
        return [sid for sid in ids if sid in owned]

    def _render_subscription(
        self, request: _Request, subscription: Mapping[str, object], tokens: dict[str, str | None]
    ) -> dict[str, object]:
        """The subscription with `management_urls`: one token per customer per response, as with a key
        that may write portal sessions (Paddle then hands out live links with every read)."""
        customer_id = str(subscription["customer_id"])
        if customer_id not in tokens:
            allowed = "customer_portal_session.write" in self.permissions
            tokens[customer_id] = self.tokens.issue(customer_id) if allowed else None
        urls = portal.management_urls(
            request.base_url, self.data.portal_ids[customer_id], subscription, tokens[customer_id]
        )
        rendered = dict(subscription)
        rendered["management_urls"] = urls
        return rendered

    def _page(
        self,
        request: _Request,
        matches: Sequence[Mapping[str, object]],
        *,
        render: Callable[[Any], object],
        per_page: int | None = None,
        order_fields: Sequence[str] = ("id",),
    ) -> Response:
        """A list answer; `per_page`: this list's default and maximum where they are not 50 and 200."""
        limits = {"default_per_page": per_page, "max_per_page": per_page} if per_page else {}
        data, pagination = paginate(
            matches,
            query=request.query,
            query_pairs=request.pairs,
            page_url=request.base_url + request.path,
            skip_count=(request.header("Skip-Count") or "").lower() == "true",
            render=render,
            order_fields=order_fields,
            **limits,
        )
        meta = {"request_id": request.request_id, "pagination": pagination}
        return json_response(200, {"data": data, "meta": meta}, request.request_id)

    # --- Not Paddle: the customer's browser, and the test harness -----------------------------------
    def _portal_page(self, request: _Request) -> Response:
        portal_id = request.path.removeprefix("/portal/")
        customer_id = self.tokens.customer_for(request.query.get("token", ""))
        if (
            request.method != "GET"
            or customer_id is None
            or self.data.portal_ids.get(customer_id) != portal_id
        ):
            return portal.expired_page()
        return portal.portal_page(
            customer=self.data.customers_by_id[customer_id],
            subscriptions=self.data.subscriptions_by_customer.get(customer_id, ()),
            action=request.query.get("action", ""),
            subscription_id=request.query.get("subscription_id", ""),
        )

    def _control(self, request: _Request) -> Response:
        self._authenticate(request)
        rid = request.request_id
        if (request.method, request.path) == ("POST", "/_emulator/reset"):
            self.reset()
            return json_response(200, {"data": {"reset": True}, "meta": {"request_id": rid}}, rid)
        if (request.method, request.path) == ("POST", "/_emulator/faults"):
            try:
                options = json.loads(request.body or b"{}")
                if not isinstance(options, dict):
                    raise TypeError
                self.add_fault(**options)
            except (ValueError, TypeError) as error:
                raise PaddleError(400, "bad_request", f"Invalid fault: {error}") from error
            return json_response(201, {"data": options, "meta": {"request_id": rid}}, rid)
        if (request.method, request.path) == ("GET", "/_emulator/requests"):
            log = [
                {k: v for k, v in asdict(r).items() if k in ("method", "path", "query")}
                for r in self.requests
            ]
            return json_response(200, log, rid)
        raise PaddleError(404, "invalid_url")


def _trickle(body: bytes, seconds: float, pieces: int = 10) -> Iterator[bytes]:
    """The body in `pieces` parts spread over `seconds` ("slow_body")."""
    size = max(1, -(-len(body) // pieces))
    chunks = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    for n, chunk in enumerate(chunks):
        if n:
            time.sleep(seconds / len(chunks))
        yield chunk
