"""On PostgreSQL every filtered review query can be served by an index (no sequential scan)."""

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from sessions_app.audit.review import (
    PAGE_SIZE,
    TABLE_FIELDS,
    filtered_events,
    matching_events,
    visible_events,
)
from sessions_app.models import AuditEvent
from tests.support.audit_bypass import raw_sql
from tests.support.audit_events import make_event

CUSTOMER = "ctm_01h8441jn5pcwrfhwh78jqt8hk"
TODAY = timezone.now().date()
FILTERS: list[dict[str, Any]] = [
    {},
    {"actor": "agent"},
    {"customer": CUSTOMER},
    {"customer": "ann@example.com"},
    {"action": "portal_session.failed"},
    {"outcome": "failure"},
    {"from": TODAY - timedelta(days=7), "to": TODAY},
    {"action": "customer.view", "from": TODAY - timedelta(days=7)},
]

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def no_seq_scans(db: None) -> None:
    """Make a sequential scan the planner's last resort, so one in a plan means no index fits."""
    for i in range(3):
        make_event(customer_id=CUSTOMER, customer_email="ann@example.com", actor_username=f"u{i}")
    raw_sql("ANALYZE sessions_app_auditevent")
    raw_sql("SET LOCAL enable_seqscan = off")


def assert_uses_an_index(plan: str) -> None:
    assert "Seq Scan" not in plan, plan
    assert "Index" in plan, plan


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "+".join(f) or "none")
@pytest.mark.parametrize("persona", ["manager", "agent"])
def test_the_page_query_uses_an_index(
    request: pytest.FixtureRequest, no_seq_scans: None, persona: str, filters: dict[str, Any]
) -> None:
    user: User = request.getfixturevalue(persona)
    events = filtered_events(visible_events(user), filters).filter(seq__lt=10**9)
    assert_uses_an_index(events.only(*TABLE_FIELDS).order_by("-seq")[: PAGE_SIZE + 1].explain())


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: "+".join(f) or "none")
def test_the_chart_query_uses_an_index(manager: User, no_seq_scans: None, filters: dict[str, Any]) -> None:
    events = matching_events(visible_events(manager), filters)
    ranged = filtered_events(events, {"from": TODAY - timedelta(days=29), "to": TODAY, **filters})
    chart = (
        ranged.order_by()
        .annotate(day=TruncDate("created_at"))
        .values("day", "action")
        .annotate(n=Count("seq"))
    )
    assert_uses_an_index(chart.explain())


def test_the_day_boundary_lookup_uses_an_index(no_seq_scans: None) -> None:
    plan = (
        AuditEvent.objects.filter(created_at__gte=datetime.combine(TODAY, time.min, tzinfo=UTC))
        .order_by("created_at", "seq")
        .values("seq")[:1]
        .explain()
    )
    assert_uses_an_index(plan)
