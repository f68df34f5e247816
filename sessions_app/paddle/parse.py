"""Paddle JSON bodies into the frozen dataclasses of `types`, strictly, keeping only what we show.

Only the named keys are read, so `management_urls` (live tokens) never reach an object. A body
of the wrong shape raises `InvalidResponse`, whose message names the place but never a value
(values can be emails or portal URLs).
"""

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

from .ids import (
    CUSTOMER_ID_RE,
    PAYMENT_METHOD_ID_RE,
    PORTAL_SESSION_ID_RE,
    SUBSCRIPTION_ID_RE,
    TRANSACTION_ID_RE,
)
from .types import (
    BillingCycle,
    Customer,
    PaymentAttempt,
    PaymentMethod,
    Period,
    PortalSession,
    ScheduledChange,
    Subscription,
    SubscriptionItem,
    SubscriptionLinks,
    Transaction,
)

# RFC 3339 as Paddle sends it: 0-6 fractional digits (more are tolerated and truncated).
_TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$",
    re.ASCII,
)
_URL_RE = re.compile(r"^https?://[^\s]+$", re.ASCII)


class InvalidResponse(ValueError):
    """A Paddle body that does not have the shape we rely on."""


Json = Mapping[str, Any]
T = TypeVar("T")


def envelope_data(body: object) -> object:
    """The `data` member of a success envelope."""
    return _get(_object(body, "body"), "data", "body")


def request_id(body: object) -> str:
    """`meta.request_id`, or "" when absent (Paddle omits `meta` on some errors)."""
    meta = body.get("meta") if isinstance(body, Mapping) else None
    value = meta.get("request_id") if isinstance(meta, Mapping) else None
    return value if isinstance(value, str) else ""


def customer(data: object) -> Customer:
    obj = _object(data, "customer")
    return Customer(
        id=_id(obj, "id", CUSTOMER_ID_RE, "customer"),
        name=_optional_str(obj, "name", "customer"),
        email=_str(obj, "email", "customer"),
        status=_str(obj, "status", "customer"),
        locale=_str(obj, "locale", "customer"),
        created_at=_time(obj, "created_at", "customer"),
        custom_data=_custom_data(obj.get("custom_data")),
    )


def _custom_data(value: object) -> tuple[tuple[str, str], ...]:
    """Paddle's `custom_data` (an object or null): its scalar members as text, others dropped."""
    if not isinstance(value, Mapping):
        return ()
    return tuple(
        (str(key), str(item).lower() if isinstance(item, bool) else str(item))
        for key, item in value.items()
        if isinstance(item, str | int | float | bool)
    )


def subscription(data: object) -> Subscription:
    obj = _object(data, "subscription")
    where = "subscription"
    return Subscription(
        id=_id(obj, "id", SUBSCRIPTION_ID_RE, where),
        customer_id=_id(obj, "customer_id", CUSTOMER_ID_RE, where),
        status=_str(obj, "status", where),
        currency_code=_str(obj, "currency_code", where),
        collection_mode=_str(obj, "collection_mode", where),
        billing_cycle=_billing_cycle(_get(obj, "billing_cycle", where), f"{where}.billing_cycle"),
        current_billing_period=_optional(obj, "current_billing_period", where, _period),
        next_billed_at=_optional_time(obj, "next_billed_at", where),
        scheduled_change=_optional(obj, "scheduled_change", where, _scheduled_change),
        paused_at=_optional_time(obj, "paused_at", where),
        canceled_at=_optional_time(obj, "canceled_at", where),
        items=tuple(_item(item, f"{where}.items[{n}]") for n, item in enumerate(_list(obj, "items", where))),
    )


def portal_session(data: object, *, request_id: str) -> PortalSession:
    obj = _object(data, "portal_session")
    where = "portal_session"
    urls = _object(_get(obj, "urls", where), f"{where}.urls")
    general = _object(_get(urls, "general", f"{where}.urls"), f"{where}.urls.general")
    return PortalSession(
        id=_id(obj, "id", PORTAL_SESSION_ID_RE, where),
        customer_id=_id(obj, "customer_id", CUSTOMER_ID_RE, where),
        created_at=_time(obj, "created_at", where),
        overview_url=_url(general, "overview", f"{where}.urls.general"),
        subscriptions=tuple(
            _links(links, f"{where}.urls.subscriptions[{n}]")
            for n, links in enumerate(_list(urls, "subscriptions", f"{where}.urls"))
        ),
        request_id=request_id,
    )


def payment_method(data: object) -> PaymentMethod:
    """A `customer-payment-method`; of a card only brand, last 4 and expiry (no cardholder name),
    of PayPal nothing (its `email` is personal data the page does not need)."""
    obj = _object(data, "payment_method")
    where = "payment_method"
    card = obj.get("card")
    card_obj = _object(card, f"{where}.card") if card is not None else None
    return PaymentMethod(
        id=_id(obj, "id", PAYMENT_METHOD_ID_RE, where),
        customer_id=_id(obj, "customer_id", CUSTOMER_ID_RE, where),
        type=_str(obj, "type", where),
        card_brand=_str(card_obj, "type", f"{where}.card") if card_obj else None,
        last4=_last4(card_obj, f"{where}.card") if card_obj else None,
        expiry_month=_whole(card_obj, "expiry_month", f"{where}.card") if card_obj else None,
        expiry_year=_whole(card_obj, "expiry_year", f"{where}.card") if card_obj else None,
        origin=_str(obj, "origin", where),
        saved_at=_time(obj, "saved_at", where),
    )


def transaction(data: object) -> Transaction:
    obj = _object(data, "transaction")
    where = "transaction"
    details = _object(_get(obj, "details", where), f"{where}.details")
    totals = _object(_get(details, "totals", f"{where}.details"), f"{where}.details.totals")
    subscription_id = obj.get("subscription_id")
    return Transaction(
        id=_id(obj, "id", TRANSACTION_ID_RE, where),
        customer_id=None
        if obj.get("customer_id") is None
        else _id(obj, "customer_id", CUSTOMER_ID_RE, where),
        status=_str(obj, "status", where),
        subscription_id=None
        if subscription_id is None
        else _id(obj, "subscription_id", SUBSCRIPTION_ID_RE, where),
        collection_mode=_str(obj, "collection_mode", where),
        currency_code=_str(obj, "currency_code", where),
        grand_total=_str(totals, "grand_total", f"{where}.details.totals"),
        balance=_str(totals, "balance", f"{where}.details.totals"),
        created_at=_time(obj, "created_at", where),
        billed_at=_optional_time(obj, "billed_at", where),
        payments=tuple(
            _attempt(item, f"{where}.payments[{n}]")
            for n, item in enumerate(obj.get("payments") or [])  # absent on some older bodies
        ),
    )


def _attempt(data: object, where: str) -> PaymentAttempt:
    obj = _object(data, where)
    details = obj.get("method_details")
    card = _object(details, f"{where}.method_details").get("card") if details is not None else None
    card_obj = _object(card, f"{where}.method_details.card") if card is not None else None
    return PaymentAttempt(
        status=_str(obj, "status", where),
        error_code=_optional_str(obj, "error_code", where),
        created_at=_time(obj, "created_at", where),
        card_brand=_str(card_obj, "type", f"{where}.method_details.card") if card_obj else None,
        last4=_last4(card_obj, f"{where}.method_details.card") if card_obj else None,
    )


def pagination_next(body: object) -> tuple[bool, str]:
    """`(has_more, next)` from `meta.pagination` of a list body."""
    meta = _object(_get(_object(body, "body"), "meta", "body"), "meta")
    pagination = _object(_get(meta, "pagination", "meta"), "meta.pagination")
    has_more = _get(pagination, "has_more", "meta.pagination")
    if not isinstance(has_more, bool):
        raise InvalidResponse("meta.pagination.has_more: expected a boolean")
    return has_more, _str(pagination, "next", "meta.pagination")


def _item(data: object, where: str) -> SubscriptionItem:
    obj = _object(data, where)
    price = _object(_get(obj, "price", where), f"{where}.price")
    unit_price = _object(_get(price, "unit_price", f"{where}.price"), f"{where}.price.unit_price")
    product = obj.get("product")
    # Paddle omits `product` with some includes; the price still names its product id.
    if product is None:
        product_name = _str(price, "product_id", f"{where}.price")
    else:
        product_name = _str(_object(product, f"{where}.product"), "name", f"{where}.product")
    price_name = _optional_str(price, "name", f"{where}.price") or _str(
        price, "description", f"{where}.price"
    )
    return SubscriptionItem(
        product_name=product_name,
        price_name=price_name,
        quantity=_int(obj, "quantity", where),
        unit_amount=_str(unit_price, "amount", f"{where}.price.unit_price"),
        currency_code=_str(unit_price, "currency_code", f"{where}.price.unit_price"),
        billing_cycle=_optional(price, "billing_cycle", f"{where}.price", _billing_cycle),
    )


def _links(data: object, where: str) -> SubscriptionLinks:
    obj = _object(data, where)
    return SubscriptionLinks(
        subscription_id=_id(obj, "id", SUBSCRIPTION_ID_RE, where),
        cancel=_url(obj, "cancel_subscription", where),
        update_payment_method=_url(obj, "update_subscription_payment_method", where),
        view=_url(obj, "view_subscription", where) if obj.get("view_subscription") is not None else None,
    )


def _billing_cycle(data: object, where: str) -> BillingCycle:
    obj = _object(data, where)
    return BillingCycle(interval=_str(obj, "interval", where), frequency=_int(obj, "frequency", where))


def _period(data: object, where: str) -> Period:
    obj = _object(data, where)
    return Period(starts_at=_time(obj, "starts_at", where), ends_at=_time(obj, "ends_at", where))


def _scheduled_change(data: object, where: str) -> ScheduledChange:
    obj = _object(data, where)
    return ScheduledChange(
        action=_str(obj, "action", where),
        effective_at=_time(obj, "effective_at", where),
        resume_at=_optional_time(obj, "resume_at", where),
    )


# --- Primitive readers: each names the place of a failure, never the value. ---------------------
def _object(value: object, where: str) -> Json:
    if not isinstance(value, Mapping):
        raise InvalidResponse(f"{where}: expected an object")
    return value


def _get(obj: Json, key: str, where: str) -> object:
    if key not in obj:
        raise InvalidResponse(f"{where}.{key}: missing")
    return obj[key]


def _list(obj: Json, key: str, where: str) -> list[object]:
    value = _get(obj, key, where)
    if not isinstance(value, list):
        raise InvalidResponse(f"{where}.{key}: expected a list")
    return value


def _str(obj: Json, key: str, where: str) -> str:
    value = _get(obj, key, where)
    if not isinstance(value, str):
        raise InvalidResponse(f"{where}.{key}: expected a string")
    return value


def _optional_str(obj: Json, key: str, where: str) -> str | None:
    return None if obj.get(key) is None else _str(obj, key, where)


def _int(obj: Json, key: str, where: str) -> int:
    value = _get(obj, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidResponse(f"{where}.{key}: expected an integer")
    return value


def _whole(obj: Json, key: str, where: str) -> int:
    """An integer that the spec types as `number` (a card's expiry month and year): 5 or 5.0."""
    value = _get(obj, key, where)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return _int(obj, key, where)


def _last4(obj: Json, where: str) -> str:
    value = _str(obj, "last4", where)
    if not (len(value) == 4 and value.isascii() and value.isdigit()):
        raise InvalidResponse(f"{where}.last4: not four digits")
    return value


def _id(obj: Json, key: str, pattern: re.Pattern[str], where: str) -> str:
    value = _str(obj, key, where)
    if pattern.fullmatch(value) is None:
        raise InvalidResponse(f"{where}.{key}: not a valid Paddle id")
    return value


def _url(obj: Json, key: str, where: str) -> str:
    # Only http(s): a `javascript:` URL from a broken upstream must never become a link.
    value = _str(obj, key, where)
    if _URL_RE.fullmatch(value) is None:
        raise InvalidResponse(f"{where}.{key}: not an http(s) URL")
    return value


def _time(obj: Json, key: str, where: str) -> datetime:
    value = _str(obj, key, where)
    match = _TIMESTAMP_RE.fullmatch(value)
    if match is None:
        raise InvalidResponse(f"{where}.{key}: not an RFC 3339 timestamp")
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    tz = UTC
    if not zulu:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        tz = timezone(-offset if sign == "-" else offset)
    try:
        parsed = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int((fraction or "0")[:6].ljust(6, "0")), tzinfo=tz,
        )  # fmt: skip
    except ValueError:
        raise InvalidResponse(f"{where}.{key}: not a valid date") from None
    return parsed.astimezone(UTC)


def _optional_time(obj: Json, key: str, where: str) -> datetime | None:
    return None if obj.get(key) is None else _time(obj, key, where)


def _optional(obj: Json, key: str, where: str, parse: Callable[[object, str], T]) -> T | None:
    value = obj.get(key)
    return None if value is None else parse(value, f"{where}.{key}")
