"""Reading the audit log: who sees what, the filters, keyset pages and an event's related events.

No query here counts the table or skips rows with OFFSET: pages are `seq < before`, newest first,
and a date range becomes a seq range (created_at never decreases along the chain).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from .. import roles
from ..models import AuditEvent
from ..permissions import has_role_permission

PAGE_SIZE = 50
MAX_RANGE_DAYS = 366
# Dates outside this span hold no event and would overflow `date` arithmetic at the calendar's ends.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2999, 12, 31)
ATTEMPT_WINDOW = timedelta(minutes=2)
# The columns the table shows; the detail page loads the whole row.
TABLE_FIELDS = (
    "seq",
    "created_at",
    "actor_username",
    "action",
    "outcome",
    "customer_id",
    "customer_email",
    "customer_name",
    "subscription_ids",
    "reason",
    "error_code",
    "paddle_session_id",
)
_CUSTOMER_ID = re.compile(r"ctm_[a-z0-9]{26}")
# A name fragment or an email matches at most this many customers (each then by its id index).
MAX_MATCHED_CUSTOMERS = 50
MIN_NAME_FRAGMENT = 2
ACTOR_CHOICES_MAX = 500


class AuditFilterForm(forms.Form):
    """The review filters, as GET parameters: actor, customer, action, outcome, from, to (and before)."""

    actor = forms.CharField(
        required=False,
        max_length=150,
        label="Actor",
        widget=forms.TextInput(attrs={"list": "audit-actors", "autocomplete": "off"}),
    )
    customer = forms.CharField(
        required=False,
        max_length=320,
        label="Customer (id, email or name)",
        help_text="A ctm_ id, an email address, or part of the customer's name.",
    )
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditEvent.Action.choices])
    outcome = forms.ChoiceField(required=False, choices=[("", "Any outcome"), *AuditEvent.Outcome.choices])
    links = forms.BooleanField(required=False, label="Link attempts only")
    views = forms.BooleanField(required=False, label="Show audit.view rows")
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `from` is a keyword, so these two are added here rather than declared above.
        for name, label in (("from", "From"), ("to", "To")):
            widget = forms.DateInput(attrs={"type": "date"})
            self.fields[name] = forms.DateField(required=False, label=label, widget=widget)

    def clean_customer(self) -> str:
        value: str = " ".join(self.cleaned_data["customer"].split())
        if value.startswith("ctm_") and not _CUSTOMER_ID.fullmatch(value):
            raise forms.ValidationError("A customer id is ctm_ and 26 lowercase letters or digits.")
        if value and "@" not in value and len(value) < MIN_NAME_FRAGMENT:
            raise forms.ValidationError(
                f"Enter a customer id, an email address or at least {MIN_NAME_FRAGMENT} letters of a name."
            )
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        for name, day in (("from", start), ("to", end)):
            if day and not EARLIEST_DATE <= day <= LATEST_DATE:
                self.add_error(name, f"Choose a date between {EARLIEST_DATE} and {LATEST_DATE}.")
        if self.errors:
            return cleaned
        if start and end and start > end:
            self.add_error("to", "The end date is before the start date.")
        elif start and (end or timezone.now().date()) - start > timedelta(days=MAX_RANGE_DAYS - 1):
            self.add_error("from", f"Choose a range of at most {MAX_RANGE_DAYS} days.")
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The filters that were given (not `before`), for queries and for the audit event's details."""
        return {
            name: self.cleaned_data[name]
            for name in ("actor", "customer", "action", "outcome", "links", "views", "from", "to")
            if self.cleaned_data.get(name)
        }


def errors_text(form: forms.Form) -> str:
    """The form's errors on one line, e.g. `customer: Enter a customer id …`."""
    return "; ".join(
        f"{field}: {' '.join(str(error) for error in errors)}" for field, errors in form.errors.items()
    )


def filters_for_details(filters: dict[str, Any]) -> dict[str, str]:
    """The filters as JSON-safe strings, as an `audit.view` / `audit.export` event records them."""
    return {
        name: value.isoformat() if isinstance(value, date) else str(value) for name, value in filters.items()
    }


def can_see_all(user: AbstractBaseUser | AnonymousUser) -> bool:
    return has_role_permission(user, roles.VIEW_ALL_AUDIT)


def visible_events(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AuditEvent]:
    """Managers and auditors see every event; everyone else only the events they did themselves."""
    events = AuditEvent.objects.all()
    return events if can_see_all(user) else events.filter(actor_id=user.pk)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _first_seq_from(moment: datetime) -> int | None:
    """The first row written at or after `moment` (one step down the created_at index)."""
    return (
        AuditEvent.objects.filter(created_at__gte=moment)
        .order_by("created_at", "seq")
        .values_list("seq", flat=True)
        .first()
    )


def in_date_range(events: QuerySet[AuditEvent], start: date | None, end: date | None) -> QuerySet[AuditEvent]:
    """Events from `start` to `end` inclusive (UTC days), bounded by seq so every index can serve it."""
    if start is not None:
        moment = _midnight(start)
        first = _first_seq_from(moment)
        if first is None:
            return events.none()
        events = events.filter(created_at__gte=moment, seq__gte=first)
    if end is not None:
        moment = _midnight(end + timedelta(days=1))
        events = events.filter(created_at__lt=moment)
        # The seq bound only guides the planner (created_at decides), so skip it for the future.
        after_end = _first_seq_from(moment) if moment <= timezone.now() else None
        if after_end is not None:
            events = events.filter(seq__lt=after_end)
    return events


def customer_ids_matching(text: str) -> list[str]:
    """The customer ids whose events carry this email, or a name containing this fragment."""
    if "@" in text:
        events = AuditEvent.objects.filter(customer_email=text)
    else:
        # PostgreSQL serves this from a trigram index on upper(customer_name) (migration 0006).
        events = AuditEvent.objects.filter(customer_name__icontains=text)
    ids = events.exclude(customer_id="").values_list("customer_id", flat=True).distinct()
    return list(ids.order_by()[:MAX_MATCHED_CUSTOMERS])


def actor_choices() -> list[str]:
    """Usernames to pick the actor from: the people who can appear in the log as actors."""
    user_model = get_user_model()
    field = user_model.USERNAME_FIELD
    users = user_model._default_manager.filter(last_login__isnull=False).order_by(field)
    return list(users.values_list(field, flat=True)[:ACTOR_CHOICES_MAX])


def matching_events(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Narrow `events` by every filter but the dates; each one has an index that leads with it."""
    if "actor" in filters:
        actor = filters["actor"].strip()
        user_model = get_user_model()
        user = (
            user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": actor})
            .values_list("pk", flat=True)
            .first()
        )
        events = events.filter(actor_id=user) if user is not None else events.filter(actor_username=actor)
    if "customer" in filters:
        customer = filters["customer"]
        if _CUSTOMER_ID.fullmatch(customer):
            events = events.filter(customer_id=customer)
        else:
            # By id: denied, failed and rate-limited events record the id and not always the email.
            # No match is `seq=0` (no row has it), not an empty IN, which the chart's SQL cannot compile.
            ids = customer_ids_matching(customer)
            same = Q(customer_id__in=ids) if ids else Q(seq=0)
            events = events.filter(same | Q(customer_email=customer) if "@" in customer else same)
    if "action" in filters:
        events = events.filter(action=filters["action"])
    elif filters.get("links"):
        events = events.filter(action__startswith="portal_session")
    elif not filters.get("views"):
        # A reviewer's own reading would otherwise fill the list.
        events = events.exclude(action=AuditEvent.Action.AUDIT_VIEW)
    if "outcome" in filters:
        events = events.filter(outcome=filters["outcome"])
    return events


def filtered_events(events: QuerySet[AuditEvent], filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """Narrow `events` by every filter, dates included."""
    return in_date_range(matching_events(events, filters), filters.get("from"), filters.get("to"))


@dataclass(frozen=True)
class Page:
    """One page of events, newest first; `next_before` is the `?before=` of the next (older) page."""

    events: list[AuditEvent]
    next_before: int | None


def keyset_page(events: QuerySet[AuditEvent], *, before: int | None, size: int = PAGE_SIZE) -> Page:
    """The `size` newest events below `before`, fetching one more to know whether more follow."""
    if before is not None:
        events = events.filter(seq__lt=before)
    rows = list(events.only(*TABLE_FIELDS).order_by("-seq")[: size + 1])
    has_more = len(rows) > size
    return Page(rows[:size], rows[size - 1].seq if has_more else None)


def related_events(event: AuditEvent, visible: QuerySet[AuditEvent]) -> list[AuditEvent]:
    """The other events of the same portal-session attempt (or approval request), oldest first.

    Same `details["attempt"]` (written by the portal service when it has one) or the same Paddle
    session id; failing both, the same actor's portal events for the same customer within
    ATTEMPT_WINDOW either side.
    """
    details = event.details if isinstance(event.details, dict) else {}
    approval = details.get("approval")
    if isinstance(approval, int) and not isinstance(approval, bool):
        # An approval's whole story: asked, decided, used, and the links made from it.
        story = visible.filter(details__approval=approval).exclude(seq=event.seq)
        return list(story.only(*TABLE_FIELDS).order_by("seq")[:PAGE_SIZE])
    if not event.action.startswith("portal_session"):
        return []
    same = Q()
    attempt = details.get("attempt")
    if attempt:
        same |= Q(customer_id=event.customer_id, details__attempt=attempt)
    if event.paddle_session_id:
        same |= Q(paddle_session_id=event.paddle_session_id)
    if not same:
        same = Q(
            actor_id=event.actor_id,
            customer_id=event.customer_id,
            action__startswith="portal_session",
            created_at__range=(event.created_at - ATTEMPT_WINDOW, event.created_at + ATTEMPT_WINDOW),
        )
    return list(visible.filter(same).exclude(seq=event.seq).only(*TABLE_FIELDS).order_by("seq")[:PAGE_SIZE])
