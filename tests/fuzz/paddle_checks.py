"""What Paddle accepts, written from its API reference rather than from the console's own validators.

`violations(requests)` names every recorded emulator request that Paddle's formats would reject
(or that the console should never send): a fuzz case asserts there are none.
"""

import re
from collections.abc import Callable, Iterable

from paddle_emulator import RecordedRequest

_ID = r"[a-z0-9]{26}"
CUSTOMER_ID = re.compile(rf"ctm_{_ID}")
SUBSCRIPTION_ID = re.compile(rf"sub_{_ID}")
_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+")
MAX_SEARCH = 100  # Paddle's maxLength for `search` and each `email`
MAX_PORTAL_SUBSCRIPTIONS = 25

_PATHS = {
    "GET": [
        re.compile(r"/customers"),
        re.compile(rf"/customers/ctm_{_ID}"),
        re.compile(rf"/customers/ctm_{_ID}/payment-methods"),
        re.compile(r"/subscriptions"),
        re.compile(r"/transactions"),
        re.compile(rf"/subscriptions/sub_{_ID}"),
    ],
    "POST": [re.compile(rf"/customers/ctm_{_ID}/portal-sessions")],
}
_QUERY: dict[str, Callable[[str], bool]] = {
    "email": lambda v: len(v) <= MAX_SEARCH and _EMAIL.fullmatch(v) is not None,
    "search": lambda v: 0 < len(v) <= MAX_SEARCH,
    "status": lambda v: set(v.split(",")) <= {"active", "archived"},
    # An array, `explode: false`: a comma-separated list of ids (the search's subscription counts).
    "customer_id": lambda v: all(CUSTOMER_ID.fullmatch(c) for c in v.split(",")),
    "per_page": lambda v: v.isdigit() and 1 <= int(v) <= 200,
    "after": lambda v: (CUSTOMER_ID.fullmatch(v) or SUBSCRIPTION_ID.fullmatch(v)) is not None,
}

# List transactions has its own statuses and a smaller page (`per_page_transaction_query`: 30).
_TRANSACTION_QUERY: dict[str, Callable[[str], bool]] = {
    **_QUERY,
    "status": lambda v: (
        set(v.split(",")) <= {"draft", "ready", "billed", "paid", "completed", "canceled", "past_due"}
    ),
    "per_page": lambda v: v.isdigit() and 1 <= int(v) <= 30,
    "order_by": lambda v: re.fullmatch(r"(id|created_at|updated_at|billed_at)\[(ASC|DESC)\]", v) is not None,
}


def _body_violation(body: object) -> str | None:
    if not isinstance(body, dict) or set(body) != {"subscription_ids"}:
        return "body is not {subscription_ids: [...]}"
    ids = body["subscription_ids"]
    if (
        not isinstance(ids, list)
        or len(ids) > MAX_PORTAL_SUBSCRIPTIONS
        or len(set(map(str, ids))) != len(ids)
    ):
        return "subscription_ids: not a list of at most 25 distinct ids"
    if not all(isinstance(i, str) and SUBSCRIPTION_ID.fullmatch(i) for i in ids):
        return "subscription_ids: a malformed id"
    return None


def violations(requests: Iterable[RecordedRequest]) -> list[str]:
    """One line per request that does not conform to Paddle's formats."""
    found = []
    for r in requests:
        where = f"{r.method} {r.path!r}"
        if not any(p.fullmatch(r.path) for p in _PATHS.get(r.method, [])):
            found.append(f"{where}: not an endpoint the console calls")
        checks = _TRANSACTION_QUERY if r.path == "/transactions" else _QUERY
        for key, value in r.query.items():
            check = checks.get(key)
            if check is None or not check(value):
                found.append(f"{where}: query {key}={value!r}")
        if r.method == "POST" and (problem := _body_violation(r.body)):
            found.append(f"{where}: {problem}")
    return found
