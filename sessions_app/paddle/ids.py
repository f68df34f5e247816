"""Paddle ids and agent queries: what may go into a URL, and what a search box query means.

Ids are validated before they reach a URL path: neither Paddle nor `requests` encodes path
parameters, so `ctm_x/../../` would otherwise address another endpoint.
"""

import enum
import re

# re.ASCII: without it `\d` also matches non-ASCII digits such as "٣".
CUSTOMER_ID_RE = re.compile(r"^ctm_[a-z\d]{26}$", re.ASCII)
SUBSCRIPTION_ID_RE = re.compile(r"^sub_[a-z\d]{26}$", re.ASCII)
PORTAL_SESSION_ID_RE = re.compile(r"^cpls_[a-z\d]{26}$", re.ASCII)
PAYMENT_METHOD_ID_RE = re.compile(r"^paymtd_[a-z\d]{26}$", re.ASCII)
TRANSACTION_ID_RE = re.compile(r"^txn_[a-z\d]{26}$", re.ASCII)

# Deliberately simple; commas are excluded because Paddle's `email=` filter is a comma list.
_EMAIL_RE = re.compile(r"^[^@\s,]+@[^@\s,]+\.[^@\s,.]+$")
MAX_QUERY_LENGTH = 100  # Paddle's maxLength for `search` and for each `email`


class QueryKind(enum.Enum):
    EMAIL = "email"
    CUSTOMER_ID = "customer_id"
    SUBSCRIPTION_ID = "subscription_id"
    TEXT = "text"
    MALFORMED_ID = "malformed_id"  # starts like an id but is not one


def is_customer_id(value: object) -> bool:
    return isinstance(value, str) and CUSTOMER_ID_RE.fullmatch(value) is not None


def is_subscription_id(value: object) -> bool:
    return isinstance(value, str) and SUBSCRIPTION_ID_RE.fullmatch(value) is not None


def is_email(value: str) -> bool:
    return len(value) <= MAX_QUERY_LENGTH and _EMAIL_RE.fullmatch(value) is not None


def normalize_query(query: str) -> str:
    """What an agent typed or pasted, made comparable: trimmed, and an id lower-cased.

    Paddle's ids are lower-case, so `CTM_01H8…` pasted from an upper-casing tool means
    `ctm_01h8…`. Emails and free text keep their case (only trimmed): Paddle's email filter is
    exact, and the local part of an email may be case-sensitive.
    """
    query = query.strip()
    return query.lower() if query[:4].lower() in ("ctm_", "sub_") else query


def classify_query(query: str) -> QueryKind:
    """What an agent typed: an email, a customer or subscription id, or free text."""
    query = query.strip()
    if is_customer_id(query):
        return QueryKind.CUSTOMER_ID
    if is_subscription_id(query):
        return QueryKind.SUBSCRIPTION_ID
    if query[:4].lower() in ("ctm_", "sub_"):
        return QueryKind.MALFORMED_ID
    if is_email(query):
        return QueryKind.EMAIL
    return QueryKind.TEXT


def require_customer_id(value: str) -> str:
    """`value` if it is a customer id, else ValueError (before it can reach a URL)."""
    if not is_customer_id(value):
        raise ValueError("not a Paddle customer id (ctm_ followed by 26 lowercase letters or digits)")
    return value


def require_subscription_id(value: str) -> str:
    """`value` if it is a subscription id, else ValueError (before it can reach a URL)."""
    if not is_subscription_id(value):
        raise ValueError("not a Paddle subscription id (sub_ followed by 26 lowercase letters or digits)")
    return value
