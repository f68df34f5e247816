"""`/audit/` and `/audit/<seq>/`: who sees what, the filters, keyset pages, the chart and the badge."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_app.audit.chain import save_result, verify_chain
from sessions_app.audit.chart import daily_counts
from sessions_app.models import AuditEvent
from tests.support.audit_bypass import raw_sql, triggers_dropped
from tests.support.audit_events import make_event
from tests.support.personas import signed_in
from tests.support.responses import ClientResponse

pytestmark = pytest.mark.django_db
CUSTOMER = "ctm_01h8441jn5pcwrfhwh78jqt8hk"
OTHER_CUSTOMER = "ctm_01h8441jn5pcwrfhwh78jqt8zz"


def seqs(response: ClientResponse) -> list[int]:
    return [event.seq for event in response.context["page"].events]


# --- Who may open what ----------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/audit/", "/audit/export.csv", "/audit/1/"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("persona", "list_status", "export_status"),
    [
        ("outsider", 403, 403),
        ("superuser", 403, 403),
        ("agent", 200, 403),
        ("manager", 200, 200),
        ("auditor", 200, 200),
    ],
)
def test_each_persona_gets_its_status(
    request: pytest.FixtureRequest, client: Client, persona: str, list_status: int, export_status: int
) -> None:
    user = request.getfixturevalue(persona)
    own = make_event(actor=user)
    signed_in(client, user)
    assert client.get("/audit/").status_code == list_status
    assert client.get("/audit/export.csv").status_code == export_status
    assert client.get(f"/audit/{own.seq}/").status_code == list_status


def test_an_agent_sees_only_their_own_events(client: Client, agent: User, manager: User) -> None:
    mine = make_event(actor=agent)
    theirs = make_event(actor=manager)
    response = signed_in(client, agent).get("/audit/")
    assert mine.seq in seqs(response)
    assert theirs.seq not in seqs(response)
    assert {e.actor_username for e in response.context["page"].events} == {"agent"}
    assert client.get(f"/audit/{theirs.seq}/").status_code == 404
    assert client.get(f"/audit/{mine.seq}/").status_code == 200


@pytest.mark.parametrize("persona", ["manager", "auditor"])
def test_managers_and_auditors_see_everyones_events(
    request: pytest.FixtureRequest, client: Client, agent: User, persona: str
) -> None:
    agents_event = make_event(actor=agent)
    signed_in(client, request.getfixturevalue(persona))
    assert agents_event.seq in seqs(client.get("/audit/"))
    assert client.get(f"/audit/{agents_event.seq}/").status_code == 200


def test_opening_the_log_is_itself_audited_with_its_filters(client: Client, manager: User) -> None:
    signed_in(client, manager).get("/audit/", {"action": "customer.view", "customer": CUSTOMER})
    event = AuditEvent.objects.latest("seq")
    assert (event.action, event.actor, event.outcome) == ("audit.view", manager, "success")
    assert event.details == {"filters": {"action": "customer.view", "customer": CUSTOMER}, "before": None}


# --- Filters ----------------------------------------------------------------------------------
@pytest.fixture
def varied(agent: User, manager: User) -> dict[str, AuditEvent]:
    now = timezone.now()
    return {
        "search": make_event(actor=agent, at=now - timedelta(days=3), customer_email="ann@example.com"),
        "view": make_event(
            action="customer.view", actor=agent, at=now - timedelta(days=2), customer_id=CUSTOMER
        ),
        "failed": make_event(
            action="portal_session.failed",
            outcome="failure",
            actor=manager,
            at=now - timedelta(days=1),
            customer_id=OTHER_CUSTOMER,
            error_code="invalid_field",
        ),
        "login_failed": make_event(
            action="auth.login_failed", outcome="failure", actor_username="mallory", at=now
        ),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "agent"}, {"search", "view"}),
        ({"actor": "mallory"}, {"login_failed"}),
        ({"customer": CUSTOMER}, {"view"}),
        ({"customer": "ann@example.com"}, {"search"}),
        ({"action": "portal_session.failed"}, {"failed"}),
        ({"outcome": "failure"}, {"failed", "login_failed"}),
        ({"actor": "agent", "action": "customer.view"}, {"view"}),
    ],
)
def test_each_filter_narrows_the_table(
    client: Client, manager: User, varied: dict[str, AuditEvent], params: dict[str, str], expected: set[str]
) -> None:
    response = signed_in(client, manager).get("/audit/", params)
    assert response.status_code == 200
    assert set(seqs(response)) == {varied[name].seq for name in expected}


def test_the_date_range_includes_both_end_days(
    client: Client, manager: User, varied: dict[str, AuditEvent]
) -> None:
    today = timezone.now().date()
    params = {"from": str(today - timedelta(days=2)), "to": str(today - timedelta(days=1))}
    response = signed_in(client, manager).get("/audit/", params)
    assert set(seqs(response)) == {varied["view"].seq, varied["failed"].seq}


def test_a_range_with_no_events_shows_none(
    client: Client, manager: User, varied: dict[str, AuditEvent]
) -> None:
    response = signed_in(client, manager).get("/audit/", {"from": "2020-01-01", "to": "2020-01-31"})
    assert seqs(response) == []
    assert "No event matches these filters." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"customer": "b"}, "at least 2 letters of a name"),
        ({"customer": "ctm_short"}, "A customer id is ctm_ and 26"),
        ({"action": "customer.delete"}, "Select a valid choice"),
        ({"from": "2026-02-30"}, "Enter a valid date"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "The end date is before the start date"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "at most 366 days"),
        ({"before": "abc"}, "Enter a whole number"),
        ({"before": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_filters_get_a_clear_400(
    client: Client, manager: User, params: dict[str, str], message: str
) -> None:
    response = signed_in(client, manager).get("/audit/", params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert signed_in(client, manager).get("/audit/export.csv", params).status_code == 400


# --- Keyset pagination ---------------------------------------------------------------------------
def test_keyset_pages_walk_every_event_once_without_counting_or_offsets(
    client: Client, manager: User
) -> None:
    for i in range(120):
        make_event(actor_username=f"u{i}")
    signed_in(client, manager)
    seen: list[int] = []
    pages = 0
    url = "/audit/?action=customer.search"
    with CaptureQueriesContext(connection) as queries:
        while url:
            response = client.get(url)
            page = response.context["page"]
            seen += seqs(response)
            pages += 1
            assert len(page.events) <= 50
            url = f"/audit/?action=customer.search&before={page.next_before}" if page.next_before else ""
            if url:
                assert f"action=customer.search&amp;before={page.next_before}" in response.content.decode()
    assert pages == 3
    assert (
        seen
        == sorted(AuditEvent.objects.filter(action="customer.search").values_list("seq", flat=True))[::-1]
    )
    sql = [q["sql"].upper() for q in queries]
    assert not any("OFFSET" in s for s in sql)
    assert all("GROUP BY" in s for s in sql if "COUNT(" in s)


# --- htmx -------------------------------------------------------------------------------------
def test_htmx_gets_only_the_table_fragment_and_responses_vary_on_it(client: Client, manager: User) -> None:
    make_event()
    signed_in(client, manager)
    full = client.get("/audit/")
    fragment = client.get("/audit/", headers={"HX-Request": "true"})
    assert "HX-Request" in full["Vary"]
    assert "HX-Request" in fragment["Vary"]
    assert "<html" in full.content.decode()
    body = fragment.content.decode()
    assert "<html" not in body
    assert 'class="audit-table"' in body
    assert 'hx-get="/audit/"' in full.content.decode()


# --- The chart and the badge ----------------------------------------------------------------------
def test_the_chart_counts_each_day_and_action_in_the_last_30_days(client: Client, manager: User) -> None:
    today = timezone.now().date()
    noon = datetime.combine(today - timedelta(days=5), datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    make_event(at=noon - timedelta(days=40))  # outside the default range
    make_event(at=noon)
    make_event(at=noon + timedelta(minutes=1))
    make_event(action="customer.view", at=noon + timedelta(minutes=2))
    response = signed_in(client, manager).get("/audit/")
    chart = response.context["chart"]
    assert (chart.start, chart.end) == (today - timedelta(days=29), today)
    body = response.content.decode()
    day = f"{today - timedelta(days=5):%Y-%m-%d}"
    assert f"<title>{day} customer.search: 2</title>" in body
    assert f"<title>{day} customer.view: 1</title>" in body
    assert re.search(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#[0-9a-f]{6}">', body)
    legend = {entry.action: entry.total for entry in chart.legend}
    assert legend["customer.search"] == 2
    assert legend["customer.view"] == 1


def test_the_chart_follows_the_filtered_range(client: Client, manager: User) -> None:
    response = signed_in(client, manager).get("/audit/", {"from": "2026-01-01", "to": "2026-01-10"})
    chart = response.context["chart"]
    assert (str(chart.start), str(chart.end)) == ("2026-01-01", "2026-01-10")


def test_pages_carry_no_inline_styles(client: Client, manager: User) -> None:
    event = make_event(action="portal_session.created", paddle_session_id="cpls_01")
    signed_in(client, manager)
    for url in ("/audit/", f"/audit/{event.seq}/"):
        assert "style=" not in client.get(url).content.decode()


def test_the_badge_says_never_verified_then_verified_then_broken(client: Client, manager: User) -> None:
    make_event()
    make_event()
    signed_in(client, manager)
    assert "Chain never verified" in client.get("/audit/").content.decode()
    save_result(verify_chain())
    assert "Chain verified at" in client.get("/audit/").content.decode()
    with triggers_dropped():
        raw_sql("UPDATE sessions_app_auditevent SET reason = 'x' WHERE seq = 2")
    save_result(verify_chain())
    assert "Chain broken at seq 2" in client.get("/audit/").content.decode()


# --- One event ----------------------------------------------------------------------------------
def test_the_detail_page_shows_every_field(client: Client, manager: User, agent: User) -> None:
    event = make_event(
        action="portal_session.failed",
        outcome="failure",
        actor=agent,
        customer_id=CUSTOMER,
        customer_email="ann@example.com",
        subscription_ids=["sub_01h8441jn5pcwrfhwh78jqt8aa"],
        reason="TICKET-42",
        paddle_request_id="req_123",
        error_code="invalid_field",
        details={"attempt": "a1"},
    )
    body = signed_in(client, manager).get(f"/audit/{event.seq}/").content.decode()
    for text in (
        "portal_session.failed",
        "agent",
        CUSTOMER,
        "ann@example.com",
        "sub_01h8441jn5pcwrfhwh78jqt8aa",
        "TICKET-42",
        "req_123",
        "invalid_field",
        event.hash,
        event.prev_hash,
    ):
        assert text in body


def test_the_detail_page_links_the_events_of_the_same_attempt(
    client: Client, manager: User, agent: User
) -> None:
    fields: dict[str, Any] = {"actor": agent, "customer_id": CUSTOMER}
    requested = make_event(action="portal_session.requested", details={"attempt": "a1"}, **fields)
    make_event(action="portal_session.requested", details={"attempt": "a2"}, **fields)
    created = make_event(
        action="portal_session.created", paddle_session_id="cpls_01", details={"attempt": "a1"}, **fields
    )
    response = signed_in(client, manager).get(f"/audit/{requested.seq}/")
    assert [e.seq for e in response.context["related"]] == [created.seq]


def test_without_an_attempt_id_the_paddle_session_or_a_time_window_links_events(
    client: Client, manager: User, agent: User
) -> None:
    now = timezone.now()
    fields: dict[str, Any] = {"actor": agent, "customer_id": CUSTOMER}
    make_event(action="portal_session.requested", at=now - timedelta(minutes=10), **fields)
    requested = make_event(action="portal_session.requested", at=now, **fields)
    failed = make_event(
        action="portal_session.failed", outcome="failure", at=now + timedelta(seconds=2), **fields
    )
    make_event(action="portal_session.requested", at=now + timedelta(seconds=3), customer_id=OTHER_CUSTOMER)
    response = signed_in(client, manager).get(f"/audit/{requested.seq}/")
    assert [e.seq for e in response.context["related"]] == [failed.seq]


def test_opening_an_event_is_audited(client: Client, manager: User) -> None:
    event = make_event()
    signed_in(client, manager).get(f"/audit/{event.seq}/")
    latest = AuditEvent.objects.latest("seq")
    assert (latest.action, latest.details) == ("audit.view", {"seq": event.seq})


def test_days_that_are_over_are_counted_once_then_cached(db: None) -> None:
    now = timezone.now()
    today = now.date()
    old = make_event(at=now - timedelta(days=3))
    make_event(at=now)
    first = daily_counts(AuditEvent.objects.all(), today - timedelta(days=29), today)
    old.seq, old.hash = 100, "f" * 64  # a row back-dated as only a forger could: not seen
    old.save(force_insert=True)
    make_event()
    second = daily_counts(AuditEvent.objects.all(), today - timedelta(days=29), today)
    count = {(row["day"], row["action"]): row["n"] for row in second}
    assert count[(today - timedelta(days=3), "customer.search")] == 1
    assert count[(today, "customer.search")] == 2
    assert len(first) == len(second) == 2
