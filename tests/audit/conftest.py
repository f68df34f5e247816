"""Helpers for the audit tests: events at chosen times, signed-in clients."""

from datetime import datetime
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

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


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def postgres_only(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
