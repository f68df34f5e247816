"""The audit log's one write path: append a hash-chained event, and compute row hashes.

Every append runs in its own transaction under a lock that serializes appends across
processes (PostgreSQL: a transaction-scoped advisory lock; SQLite: the database write lock
taken by BEGIN IMMEDIATE), so the chain never forks.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import UTC
from ipaddress import IPv6Address, ip_address
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..context import RequestContext
from ..models import AuditEvent, AuditHead

Action = AuditEvent.Action
Outcome = AuditEvent.Outcome

GENESIS_HASH = "0" * 64
_ADVISORY_LOCK_KEY = 0x7061646C  # "padl": one lock for the whole chain

# The fields that the hash covers, in a fixed order; `hash` itself is not one of them.
HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_username",
    "action",
    "outcome",
    "customer_id",
    "customer_email",
    "subscription_ids",
    "reason",
    "paddle_session_id",
    "paddle_request_id",
    "error_code",
    "client_ip",
    "user_agent",
    "details",
    "prev_hash",
)
# Fields added later: hashed only when non-empty, so that rows written before they existed keep
# their hashes (an empty value and an absent key give the same canonical JSON).
OPTIONAL_HASHED_FIELDS = ("customer_name",)
ALL_HASHED_FIELDS = (*HASHED_FIELDS, *OPTIONAL_HASHED_FIELDS)


def canonical_json(values: Mapping[str, Any]) -> bytes:
    """The row's hashed fields as canonical JSON: sorted keys, no spaces, UTC timestamps."""
    payload = {}
    for name in HASHED_FIELDS:
        value = values[name]
        if name == "created_at":
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        payload[name] = value
    for name in OPTIONAL_HASHED_FIELDS:
        if values.get(name):
            payload[name] = values[name]
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_hash(values: Mapping[str, Any]) -> str:
    """HMAC-SHA256 under AUDIT_CHAIN_KEY of prev_hash followed by the row's canonical JSON."""
    message = values["prev_hash"].encode() + canonical_json(values)
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), message, hashlib.sha256).hexdigest()


def canonical_ip(raw: str) -> str | None:
    """One text per client: an IPv4-mapped IPv6 address as IPv4, without a zone (`%eth0`).

    The row stores and hashes this exact text, so what verification reads back is what was hashed.
    """
    try:
        address = ip_address(raw.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    # SQLite: the IMMEDIATE transaction already holds the database write lock.


def record(
    *,
    action: str,
    outcome: str,
    context: RequestContext | None,
    actor_username: str = "",
    customer_id: str = "",
    customer_email: str = "",
    customer_name: str = "",
    subscription_ids: Iterable[str] = (),
    reason: str = "",
    paddle_session_id: str = "",
    paddle_request_id: str = "",
    error_code: str = "",
    details: Mapping[str, Any] | None = None,
    with_change: bool = False,
) -> AuditEvent:
    """Append one event to the chain and commit it; raises if the database refuses.

    `context` says who acted and from where; None for the system itself (a management command),
    which may name the person behind it in `actor_username`.

    `with_change=True` appends inside the caller's transaction instead, so that a change to the
    console's own data and its record commit together or not at all.
    """
    user = context.user if context is not None else None
    values: dict[str, Any] = {
        "actor_id": user.pk if user is not None else None,
        "actor_username": user.get_username() if user is not None else actor_username,
        "action": str(action),
        "outcome": str(outcome),
        "customer_id": customer_id,
        "customer_email": customer_email,
        "customer_name": customer_name[:200],
        "subscription_ids": list(subscription_ids),
        "reason": reason,
        "paddle_session_id": paddle_session_id,
        "paddle_request_id": paddle_request_id,
        "error_code": error_code,
        "client_ip": canonical_ip(context.client_ip) if context is not None and context.client_ip else None,
        "user_agent": context.user_agent if context is not None else "",
        "details": dict(details or {}),
    }
    with transaction.atomic(durable=not with_change):
        _lock_chain()
        # The head table, not the last row: after rows were cut off the end, the chain goes on
        # above the gap (which verification reports) instead of quietly closing it.
        head = AuditHead.objects.filter(pk=1).values_list("seq", "hash", "created_at").first()
        if head is None:
            head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash", "created_at").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        # Never before the previous row, even if the clock steps back: the review pages map a
        # date range to a seq range.
        created_at = max(timezone.now(), head[2]) if head else timezone.now()
        values.update(seq=seq, prev_hash=prev_hash, created_at=created_at)
        event = AuditEvent(**values, hash=row_hash(values))
        event.save(force_insert=True)
        _advance_head(event)
    return event


def _advance_head(event: AuditEvent) -> None:
    """Move the high-water mark to this row (its triggers refuse to move it back)."""
    values = {"seq": event.seq, "hash": event.hash, "created_at": event.created_at}
    if not AuditHead.objects.filter(pk=1).update(**values):
        AuditHead.objects.create(pk=1, **values)
