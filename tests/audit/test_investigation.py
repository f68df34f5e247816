"""Review built for "who sent links for customer X last week, and why?"."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sessions_app.models import AuditEvent, ChainVerification
from tests.support.audit_events import make_event
from tests.support.personas import make_user, signed_in

pytestmark = pytest.mark.django_db
INITECH = "ctm_01h8441jn5pcwrfhwh78jqt8hk"
OTHER = "ctm_01h8441jn5pcwrfhwh78jqt8zz"


def seqs(response: Any) -> list[int]:
    return [event.seq for event in response.context["page"].events]


@pytest.fixture
def attempts(agent: User) -> dict[str, AuditEvent]:
    """An attempt for Initech that succeeded, one that was denied (id only), and another customer's."""
    common: dict[str, Any] = {
        "actor": agent,
        "customer_id": INITECH,
        "subscription_ids": ["sub_01h8441jn5pcwrfhwh78jqt8aa"],
    }
    return {
        "created": make_event(
            action="portal_session.created",
            customer_email="buyer@initech.example",
            customer_name="Initech Procurement",
            reason="TICKET-41",
            **common,
        ),
        "denied": make_event(
            action="portal_session.requested", outcome="denied", reason="TICKET-42", **common
        ),
        "search": make_event(action="customer.search", actor=agent),
        "other": make_event(
            action="portal_session.created", actor=agent, customer_id=OTHER, customer_name="Globex"
        ),
    }


@pytest.mark.parametrize("text", ["initech", "PROCUREMENT", "tech Proc"])
def test_a_name_fragment_finds_every_event_of_that_customer_denied_ones_too(
    manager_client: Client, attempts: dict[str, AuditEvent], text: str
) -> None:
    found = seqs(manager_client.get("/audit/", {"customer": text}))
    assert attempts["created"].seq in found
    assert attempts["denied"].seq in found  # it records only the id
    assert attempts["other"].seq not in found


def test_an_email_finds_the_events_that_record_only_the_id(
    manager_client: Client, attempts: dict[str, AuditEvent]
) -> None:
    found = seqs(manager_client.get("/audit/", {"customer": "buyer@initech.example"}))
    assert {attempts["created"].seq, attempts["denied"].seq} <= set(found)
    assert attempts["other"].seq not in found


def test_the_actor_filter_ignores_case_and_offers_the_users_to_pick(
    manager_client: Client, attempts: dict[str, AuditEvent], agent: User
) -> None:
    agent.last_login = attempts["created"].created_at
    agent.save()
    response = manager_client.get("/audit/", {"actor": "AGENT"})
    assert attempts["created"].seq in seqs(response)
    body = response.content.decode()
    assert '<datalist id="audit-actors">' in body
    assert '<option value="agent">' in body


def test_a_row_shows_name_subscriptions_reason_and_links_to_the_event(
    manager_client: Client, attempts: dict[str, AuditEvent]
) -> None:
    body = manager_client.get("/audit/", {"customer": INITECH}).content.decode()
    seq = attempts["created"].seq
    assert "Initech Procurement" in body
    assert "sub_01h8441jn5pcwrfhwh78jqt8aa" in body
    assert "TICKET-41" in body
    assert f'href="/audit/{seq}/"' in body
    assert '<td class="mono action">portal_session.created</td>' in body


def test_links_for_this_customer_lists_every_attempt_and_outcome_newest_first(
    manager_client: Client, attempts: dict[str, AuditEvent]
) -> None:
    found = seqs(manager_client.get("/audit/", {"customer": INITECH, "links": "on"}))
    assert found == [attempts["denied"].seq, attempts["created"].seq]


def test_the_reviewers_own_page_views_are_hidden_unless_asked_for(
    manager_client: Client, attempts: dict[str, AuditEvent]
) -> None:
    manager_client.get("/audit/")
    actions = {e.action for e in manager_client.get("/audit/").context["page"].events}
    assert "audit.view" not in actions
    shown = {e.action for e in manager_client.get("/audit/", {"views": "on"}).context["page"].events}
    assert "audit.view" in shown
    only = {e.action for e in manager_client.get("/audit/", {"action": "audit.view"}).context["page"].events}
    assert only == {"audit.view"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"customer": "x"}, "customer", "at least 2 letters"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to", "The end date is before the start date"),
    ],
)
def test_a_bad_filter_under_htmx_shows_its_error_beside_the_field_and_no_events(
    manager_client: Client, attempts: dict[str, AuditEvent], params: dict[str, str], field: str, message: str
) -> None:
    response = manager_client.get("/audit/", params, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx would drop a 400 and leave the old list
    body = response.content.decode()
    assert f'id="id_{field}-error"' in body
    assert message in body
    assert "<tbody>" not in body
    assert "TICKET-41" not in body


def test_a_bad_filter_without_javascript_is_a_400_page_with_the_error_beside_the_field(
    manager_client: Client, attempts: dict[str, AuditEvent]
) -> None:
    response = manager_client.get("/audit/", {"customer": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_customer-error"' in body
    assert "TICKET-41" not in body


def test_verify_now_checks_from_the_anchor_and_is_audited(
    manager_client: Client, attempts: dict[str, AuditEvent], manager: User
) -> None:
    assert "Verify now" in manager_client.get("/audit/").content.decode()
    response = manager_client.post("/audit/verify/", follow=True)
    assert "Chain intact" in response.content.decode()
    event = AuditEvent.objects.filter(action="audit.verify").get()
    assert (event.actor, event.outcome, event.details["damages"]) == (manager, "success", 0)
    manager_client.post("/audit/verify/")
    latest = ChainVerification.objects.order_by("-checked_at").first()
    assert latest is not None
    assert latest.first_seq > 1


def test_verify_now_needs_post_csrf_and_the_managers_permission(
    client: Client, agent: User, manager: User
) -> None:
    assert signed_in(client, agent).post("/audit/verify/").status_code == 403
    assert "Verify now" not in client.get("/audit/").content.decode()
    signed_in(client, manager)
    assert client.get("/audit/verify/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("manager2", role="Support manager"))
    assert strict.post("/audit/verify/").status_code == 403
    assert not AuditEvent.objects.filter(action="audit.verify").exists()


@pytest.mark.parametrize("text", ["00", "nobody@example.com"])
def test_a_customer_that_matches_nothing_shows_an_empty_list(
    manager_client: Client, attempts: dict[str, AuditEvent], text: str
) -> None:
    response = manager_client.get("/audit/", {"customer": text})
    assert response.status_code == 200
    assert seqs(response) == []
