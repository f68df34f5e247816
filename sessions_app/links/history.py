"""A customer's recent link attempts, read from the audit log, and when they call for a warning.

Rows of one attempt share `details["attempt"]` (links/service.py); an emailed link's redemption
continues its attempt, so "redeemed" is a `portal_session.created` row by the customer in it.
One indexed query (customer id, newest first), capped.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from ..models import AuditEvent
from .requester import Delivery

DAYS = 30
MAX_ROWS = 500
CUSTOMER_ACTOR = "customer"  # as links/service.py names an emailed link's redeemer

_ACTIONS = (
    AuditEvent.Action.PORTAL_SESSION_REQUESTED,
    AuditEvent.Action.PORTAL_SESSION_CREATED,
    AuditEvent.Action.PORTAL_SESSION_FAILED,
    AuditEvent.Action.PORTAL_SESSION_RATE_LIMITED,
    AuditEvent.Action.PORTAL_LINK_EMAIL_REQUESTED,
    AuditEvent.Action.PORTAL_LINK_EMAILED,
    AuditEvent.Action.PORTAL_LINK_EMAIL_FAILED,
)


@dataclass(frozen=True)
class AttemptSummary:
    at: datetime
    agent: str
    channel: str  # "email", "show" or "" (refused before a delivery was known)
    requester_email: str
    requester_match: bool | None  # None: refused before the check ran
    outcome: str
    redeemed: bool | None  # None unless the link was emailed


@dataclass(frozen=True)
class LinkHistory:
    attempts: list[AttemptSummary]  # newest first
    last_day: int
    warn_above: int

    @property
    def any_mismatch(self) -> bool:
        return any(attempt.requester_match is False for attempt in self.attempts)

    @property
    def warning(self) -> bool:
        return self.last_day > self.warn_above or self.any_mismatch


def _outcome(event: AuditEvent) -> str:
    action, code = event.action, event.error_code
    if action == AuditEvent.Action.PORTAL_SESSION_CREATED:
        return "links shown"
    if action == AuditEvent.Action.PORTAL_LINK_EMAILED:
        return "emailed"
    if action == AuditEvent.Action.PORTAL_LINK_EMAIL_FAILED:
        return f"email failed ({code})"
    if action == AuditEvent.Action.PORTAL_SESSION_RATE_LIMITED:
        return "refused (rate limited)"
    if action == AuditEvent.Action.PORTAL_SESSION_FAILED:
        verb = "refused" if event.outcome == AuditEvent.Outcome.DENIED else "failed"
        return f"{verb} ({code})" if code else verb
    return "in progress"


def link_history(customer_id: str, *, now: datetime | None = None) -> LinkHistory:
    """The customer's link attempts of the last DAYS days, newest first, with the last day's count."""
    now = now or timezone.now()
    rows = list(
        AuditEvent.objects.filter(
            customer_id=customer_id, action__in=_ACTIONS, created_at__gte=now - timedelta(days=DAYS)
        )
        .only("seq", "created_at", "actor_username", "action", "outcome", "error_code", "details")
        .order_by("-seq")[:MAX_ROWS]
    )
    groups: dict[str, list[AuditEvent]] = {}
    for event in reversed(rows):  # oldest first within each attempt
        event_details = event.details if isinstance(event.details, dict) else {}
        groups.setdefault(str(event_details.get("attempt") or f"seq-{event.seq}"), []).append(event)

    attempts = []
    for events in groups.values():
        first = events[0]
        details: dict[str, object] = first.details if isinstance(first.details, dict) else {}
        by_agent = [e for e in events if e.actor_username != CUSTOMER_ACTOR] or events
        channel = str(details.get("channel", ""))
        match = details.get("requester_match")
        redeemed = any(
            e.action == AuditEvent.Action.PORTAL_SESSION_CREATED and e.actor_username == CUSTOMER_ACTOR
            for e in events
        )
        attempts.append(
            AttemptSummary(
                at=first.created_at,
                agent=by_agent[0].actor_username,
                channel=channel,
                requester_email=str(details.get("requester_email", "")),
                requester_match=match if isinstance(match, bool) else None,
                outcome=_outcome(by_agent[-1]),
                redeemed=redeemed if channel == Delivery.EMAIL else None,
            )
        )
    attempts.sort(key=lambda attempt: attempt.at, reverse=True)
    day_ago = now - timedelta(days=1)
    return LinkHistory(
        attempts=attempts,
        last_day=sum(1 for attempt in attempts if attempt.at >= day_ago),
        warn_above=settings.LINK_HISTORY_WARN_ABOVE,
    )
