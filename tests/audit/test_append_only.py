"""The audit table cannot be changed: triggers refuse UPDATE, DELETE and TRUNCATE; one module appends."""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, transaction

from sessions_app.models import AuditEvent
from tests.support.audit_bypass import raw_sql
from tests.support.audit_events import make_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def events() -> list[AuditEvent]:
    return [make_event(actor_username=f"user{i}", reason=f"TICKET-{i}") for i in range(3)]


def assert_refused(change: Callable[[], object]) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change()


def unchanged(events: list[AuditEvent]) -> bool:
    stored = list(AuditEvent.objects.order_by("seq").values_list("seq", "reason", "hash"))
    return stored == [(e.seq, e.reason, e.hash) for e in events]


def test_queryset_update_is_refused(events: list[AuditEvent]) -> None:
    assert_refused(lambda: AuditEvent.objects.filter(seq=events[0].seq).update(reason="changed"))
    assert unchanged(events)


def test_queryset_delete_is_refused(events: list[AuditEvent]) -> None:
    assert_refused(lambda: AuditEvent.objects.all().delete())
    assert unchanged(events)


def test_saving_an_existing_event_is_refused(events: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(seq=events[1].seq)
    event.reason = "changed"
    assert_refused(event.save)
    assert unchanged(events)


def test_deleting_an_event_instance_is_refused(events: list[AuditEvent]) -> None:
    assert_refused(AuditEvent.objects.get(seq=events[2].seq).delete)
    assert unchanged(events)


def test_raw_sql_update_and_delete_are_refused(events: list[AuditEvent]) -> None:
    assert_refused(lambda: raw_sql("UPDATE sessions_app_auditevent SET reason = 'x'"))
    assert_refused(lambda: raw_sql("DELETE FROM sessions_app_auditevent WHERE seq = %s", [events[0].seq]))
    assert unchanged(events)


@pytest.mark.postgres_only
def test_truncate_is_refused_on_postgresql(events: list[AuditEvent]) -> None:
    # Check the deferred foreign keys of this test's inserts now, or PostgreSQL refuses the
    # TRUNCATE for having pending trigger events before ours can run.
    raw_sql("SET CONSTRAINTS ALL IMMEDIATE")
    assert_refused(lambda: raw_sql("TRUNCATE sessions_app_auditevent"))
    assert unchanged(events)


def test_appending_still_works(events: list[AuditEvent]) -> None:
    make_event()
    assert AuditEvent.objects.count() == len(events) + 1


def test_only_the_audit_module_writes_audit_events() -> None:
    writes = re.compile(
        r"AuditEvent\.objects\.(create|bulk_create|get_or_create|update_or_create|update|delete)\b"
        r"|(?<!class )AuditEvent\(|INSERT INTO sessions_app_auditevent"
    )
    offenders = []
    for package in ("sessions_app", "portal_admin"):
        for path in Path(settings.BASE_DIR, package).rglob("*.py"):
            if path.name == "record.py" and path.parent.name == "audit":
                continue
            text = path.read_text()
            if writes.search(text) or ("AuditEvent" in text and re.search(r"\.save\(", text)):
                offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []
