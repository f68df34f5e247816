"""Audit events at chosen times, appended the one legitimate way (`audit.record`)."""

from datetime import datetime
from typing import Any
from unittest import mock

from sessions_app import audit
from sessions_app.context import RequestContext
from sessions_app.models import AuditEvent


def make_event(
    *, action: str = "customer.search", outcome: str = "success", at: datetime | None = None, **fields: Any
) -> AuditEvent:
    """Append an event through `audit.record` by `actor` (default: the system), maybe as if written `at`."""
    actor = fields.pop("actor", None)
    fields["context"] = RequestContext(actor=actor) if actor is not None else None
    if at is None:
        return audit.record(action=action, outcome=outcome, **fields)
    with mock.patch("sessions_app.audit.record.timezone.now", return_value=at):
        return audit.record(action=action, outcome=outcome, **fields)
