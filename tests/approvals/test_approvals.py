"""Four eyes: risky link requests wait for another person's approval, which is used once, in time."""

import html
import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.context import RequestContext
from sessions_app.links import approvals, service
from sessions_app.links.refusals import ApprovalRefused, ApprovalRequired
from sessions_app.links.requester import Delivery
from sessions_app.links.step_up import StepUpOutcome
from sessions_app.models import ApprovalRequest, AuditEvent
from tests.support.journey import (
    age_step_up,
    assert_sent_back,
    confirm,
    confirm_page,
    create,
    paddle_posts,
    portal_links,
)
from tests.support.mail import Mailbox
from tests.support.outages import DEAD_REDIS
from tests.support.responses import ClientResponse

pytestmark = pytest.mark.django_db

REASON = "TICKET-900"


class FreshProof:
    """A step-up proof made just now, as a non-view caller of the service passes it."""

    def proved_at(self) -> float | None:
        return time.time()

    def prove(self) -> StepUpOutcome:
        return StepUpOutcome(proved=True)


def _ask(
    client: Client,
    customer_id: str,
    subscription_ids: list[str],
    *,
    requester_email: str,
    delivery: str = "show",
) -> ClientResponse:
    """Confirm the ticks, then send the confirm page's fields to the approval request."""
    token = confirm(client, customer_id, subscription_ids)
    return client.post(
        f"/approvals/request/{customer_id}/",
        {
            "subscription_ids": subscription_ids,
            "reason": REASON,
            "confirmation_token": token,
            "requester_email": requester_email,
            "delivery": delivery,
        },
    )


def _asked(
    client: Client, customer_id: str, subscription_ids: list[str], emulator: Emulator
) -> ApprovalRequest:
    email = str(emulator.customer(customer_id)["email"])
    response = _ask(client, customer_id, subscription_ids, requester_email=email)
    assert response.status_code == 302, response.content
    row = ApprovalRequest.objects.get()
    assert response["Location"] == f"/approvals/{row.pk}/"
    return row


def _decide(
    client: Client, row: ApprovalRequest, decision: str = "approve", note: str = "ok, VIP"
) -> ClientResponse:
    return client.post(
        f"/approvals/{row.pk}/",
        {"action": "decide", "decision": decision, "note": note, "content_hash": row.content_hash},
    )


def _complete(client: Client, row: ApprovalRequest) -> ClientResponse:
    return client.post(f"/approvals/{row.pk}/", {"action": "complete"})


def _ask_fields(page: str) -> dict[str, str | list[str]]:
    """What the confirm page banner's "ask a manager" form posts."""
    form = page.split('id="ask-approval"', 1)[1].split("</form>", 1)[0]
    found = [
        (name, html.unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)
    ]
    fields: dict[str, str | list[str]] = {name: value for name, value in found if name != "subscription_ids"}
    fields["subscription_ids"] = [value for name, value in found if name == "subscription_ids"]
    return fields


def _actions(**filters: object) -> list[tuple[str, str, str]]:
    return [(e.action, e.outcome, e.error_code) for e in AuditEvent.objects.filter(**filters).order_by("seq")]


def test_the_confirm_page_of_a_vip_customer_says_why_and_offers_to_ask_a_manager_instead_of_create(
    agent_client: Client, vip_customer_id: str, vip_subscription_ids: list[str]
) -> None:
    page = confirm_page(agent_client, vip_customer_id, vip_subscription_ids).content.decode()

    assert 'id="approval-rules"' in page
    assert "marked high-value at Paddle" in page
    assert "Ask a manager to approve" in page
    assert "Create links</button>" not in page


def test_creating_links_for_a_vip_customer_is_refused_with_a_button_that_asks_a_manager(
    agent_client: Client, emulator: Emulator, vip_customer_id: str, vip_subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, vip_customer_id, vip_subscription_ids)
    response = create(agent_client, vip_customer_id, vip_subscription_ids, token=token)

    # Back to the confirm page (a GET, so Back never resubmits), whose banner offers to ask.
    back = assert_sent_back(
        agent_client, response, vip_customer_id, "marked high-value at Paddle", emulator=emulator
    )
    page = back.content.decode()
    assert f'action="/approvals/request/{vip_customer_id}/"' in page
    assert _actions(action="portal_session.failed") == [
        ("portal_session.failed", "denied", "approval_required")
    ]
    # The banner's form asks with the page's fresh confirmation (the refused one stays unspent).
    asked = agent_client.post(f"/approvals/request/{vip_customer_id}/", _ask_fields(page))
    assert asked.status_code == 302
    row = ApprovalRequest.objects.get()
    assert (row.rules, row.delivery) == (["high_value"], "show")


def test_an_agent_asks_a_manager_approves_and_the_agent_gets_the_links_once(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    assert (row.status, row.rules, row.delivery, row.requester_match) == (
        "pending",
        ["high_value"],
        "show",
        True,
    )
    assert row.expires_at - row.created_at == timedelta(minutes=30)

    pending = manager_client.get("/approvals/").content.decode()
    assert f"/approvals/{row.pk}/" in pending
    assert 'id="approvals-badge"' in pending
    detail = manager_client.get(f"/approvals/{row.pk}/").content.decode()
    assert 'id="decide-form"' in detail
    assert 'id="link-history"' in detail

    assert _decide(manager_client, row).status_code == 302
    row.refresh_from_db()
    assert (row.status, row.decision_note) == ("approved", "ok, VIP")
    assert row.decided_at is not None
    assert row.expires_at - row.decided_at == timedelta(minutes=15)

    response = _complete(agent_client, row)
    assert response.status_code == 200, response.content
    assert len(portal_links(response.content.decode())) >= 1
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert len(paddle_posts(emulator)) == 1
    row.refresh_from_db()
    assert row.status == "used"

    second = _complete(agent_client, row)
    assert second.status_code == 409
    assert len(paddle_posts(emulator)) == 1

    story = [e.action for e in AuditEvent.objects.filter(details__approval=row.pk).order_by("seq")]
    assert story == [
        "approval.requested",
        "approval.approved",
        "approval.used",
        "portal_session.requested",
        "portal_session.created",
        "approval.used",  # the second completion, refused
    ]


def test_an_approved_email_delivery_sends_the_redemption_link_through_the_same_path(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
    mailbox: Mailbox,
) -> None:
    email = str(emulator.customer(vip_customer_id)["email"])
    assert (
        _ask(
            agent_client, vip_customer_id, vip_subscription_ids, requester_email=email, delivery="email"
        ).status_code
        == 302
    )
    row = ApprovalRequest.objects.get()
    _decide(manager_client, row)

    response = _complete(agent_client, row)

    # Emailed: a 303 to the page that says where it went (a GET: Back resubmits nothing).
    assert response.status_code == 303
    assert response["Location"] == f"/customers/{vip_customer_id}/portal-session/emailed/"
    assert "Sent to " in agent_client.get(response["Location"]).content.decode()
    assert [m.rcpt_tos for m in mailbox.messages] == [(email,)]
    assert paddle_posts(emulator) == []
    assert _actions(details__approval=row.pk)[-2:] == [
        ("portal_link.email_requested", "success", ""),
        ("portal_link.emailed", "success", ""),
    ]


def test_a_manager_cannot_approve_their_own_request_through_the_view(
    manager_client: Client, emulator: Emulator, vip_customer_id: str, vip_subscription_ids: list[str]
) -> None:
    row = _asked(manager_client, vip_customer_id, vip_subscription_ids, emulator)

    response = _decide(manager_client, row)

    assert response.status_code == 403
    assert "cannot decide your own request" in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.decider_id) == ("pending", None)
    assert _actions(action="approval.approved") == [("approval.approved", "denied", "own_request")]


def test_the_database_refuses_a_decider_who_is_the_requester(
    manager_client: Client,
    manager: User,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(manager_client, vip_customer_id, vip_subscription_ids, emulator)

    with pytest.raises(IntegrityError), transaction.atomic():
        ApprovalRequest.objects.filter(pk=row.pk).update(status="approved", decider=manager)
    row.refresh_from_db()
    assert row.status == "pending"


def test_an_agent_without_the_permission_cannot_decide_and_is_audited_as_denied(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(manager_client, vip_customer_id, vip_subscription_ids, emulator)

    response = _decide(agent_client, row)

    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == "pending"
    assert _actions(action="approval.approved") == [("approval.approved", "denied", "not_an_approver")]


def test_deciding_twice_gives_one_decision_and_a_clear_409(
    agent_client: Client,
    manager_client: Client,
    other_manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    assert _decide(manager_client, row, "deny", "not convinced").status_code == 302

    response = _decide(other_manager_client, row, "approve", "fine")

    assert response.status_code == 409
    assert "no longer pending (it is denied)" in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.decision_note) == ("denied", "not convinced")


def test_a_decision_needs_a_note(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)

    response = _decide(manager_client, row, note="  ")

    assert response.status_code == 400
    assert "A note is required" in response.content.decode()
    row.refresh_from_db()
    assert row.status == "pending"


def test_an_altered_content_hash_or_a_forged_request_id_is_refused(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    altered = manager_client.post(
        f"/approvals/{row.pk}/",
        {"action": "decide", "decision": "approve", "note": "x", "content_hash": "0" * 64},
    )
    forged = manager_client.post(
        f"/approvals/{row.pk + 1000}/",
        {"action": "decide", "decision": "approve", "note": "x", "content_hash": row.content_hash},
    )

    assert altered.status_code == 409
    assert forged.status_code == 404
    row.refresh_from_db()
    assert row.status == "pending"
    assert [code for _, _, code in _actions(action="approval.approved")] == [
        "approval_content_mismatch",
        "approval_unknown",
    ]


def test_another_agents_request_is_not_found_for_an_agent(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(manager_client, vip_customer_id, vip_subscription_ids, emulator)

    assert agent_client.get(f"/approvals/{row.pk}/").status_code == 404
    assert agent_client.post(f"/approvals/{row.pk}/", {"action": "withdraw"}).status_code == 404
    assert agent_client.post(f"/approvals/{row.pk}/", {"action": "complete"}).status_code == 404
    row.refresh_from_db()
    assert row.status == "pending"


def test_a_request_that_expired_before_a_decision_cannot_be_approved(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    ApprovalRequest.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _decide(manager_client, row)

    assert response.status_code == 409
    assert "expired before it was decided" in response.content.decode()
    row.refresh_from_db()
    assert (row.status, row.decider_id) == ("expired", None)
    assert _actions(details__approval=row.pk)[1:] == [
        ("approval.expired", "success", ""),
        ("approval.approved", "denied", "approval_expired"),
    ]


def test_an_approval_not_used_within_its_window_expires_and_offers_to_ask_again(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    _decide(manager_client, row)
    ApprovalRequest.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _complete(agent_client, row)

    assert response.status_code == 410
    page = response.content.decode()
    assert 'id="ask-again"' in page
    assert f"/customers/{vip_customer_id}/portal-session/confirm/?" in page
    assert paddle_posts(emulator) == []
    row.refresh_from_db()
    assert row.status == "expired"


@pytest.fixture
def canceled_at_paddle(emulator: Emulator, vip_customer_id: str) -> Iterator[None]:
    """Between approval and use, the customer's first subscription is canceled at Paddle."""
    record = emulator.data.subscriptions_by_customer[vip_customer_id][0]
    original = record["status"]
    yield None
    record["status"] = original


def test_a_request_whose_subscriptions_changed_at_paddle_after_approval_is_refused(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
    canceled_at_paddle: None,
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    _decide(manager_client, row)
    emulator.data.subscriptions_by_customer[vip_customer_id][0]["status"] = "canceled"

    response = _complete(agent_client, row)

    assert response.status_code == 409
    assert "changed at Paddle" in response.content.decode()
    assert paddle_posts(emulator) == []
    row.refresh_from_db()
    assert row.status == "approved"  # not used: nothing was created
    assert _actions(details__approval=row.pk)[-1] == ("approval.used", "denied", "approval_content_changed")


def test_the_kill_switch_stops_an_approved_request_at_completion(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
    settings: Settings,
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    _decide(manager_client, row)
    settings.KILL_SWITCH_ON = True

    assert _complete(agent_client, row).status_code == 503
    assert paddle_posts(emulator) == []
    row.refresh_from_db()
    assert row.status == "approved"


def test_the_agent_can_withdraw_a_pending_request_and_then_nobody_can_approve_it(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)

    assert agent_client.post(f"/approvals/{row.pk}/", {"action": "withdraw"}).status_code == 302
    assert _decide(manager_client, row).status_code == 409
    row.refresh_from_db()
    assert row.status == "withdrawn"
    mine = agent_client.get("/approvals/mine/", HTTP_HX_REQUEST="true")
    assert "withdrawn" in mine.content.decode()
    assert "<html" not in mine.content.decode()
    assert mine["Vary"].count("HX-Request") == 1


def test_a_mismatch_with_show_cannot_be_completed_without_approval_through_the_view(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    refused = create(
        agent_client, customer_id, subscription_ids, token=token, requester_email="stranger@example.net"
    )
    back = assert_sent_back(
        agent_client, refused, customer_id, "does not match the email on file", emulator=emulator
    )
    # The form below offers only email to a mismatch; the banner's form asks to show, as submitted.
    fields = _ask_fields(back.content.decode())
    assert (fields["delivery"], fields["requester_email"]) == ("show", "stranger@example.net")

    asked = agent_client.post(f"/approvals/request/{customer_id}/", fields)
    assert asked.status_code == 302
    row = ApprovalRequest.objects.get()
    assert (row.rules, row.requester_match) == (["show_mismatch"], False)
    assert _complete(agent_client, row).status_code == 409  # pending: not yet approved
    assert paddle_posts(emulator) == []

    _decide(manager_client, row)
    assert _complete(agent_client, row).status_code == 200
    assert len(paddle_posts(emulator)) == 1


def test_a_mismatch_with_show_cannot_be_completed_without_approval_through_the_service(
    agent: User, manager: User, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    context = RequestContext(actor=agent)
    plan = service.plan(context=context, customer_id=customer_id, subscription_ids=subscription_ids)
    with pytest.raises(ApprovalRequired) as required:
        service.issue(
            context=context,
            customer_id=customer_id,
            subscription_ids=subscription_ids,
            reason=REASON,
            confirmation_token=plan.confirmation_token,
            step_up=FreshProof(),
            requester_email="stranger@example.net",
            delivery=Delivery.SHOW,
        )
    assert required.value.rules == ["show_mismatch"]

    row = service.request_approval(
        context=context,
        customer_id=customer_id,
        subscription_ids=subscription_ids,
        reason=REASON,
        confirmation_token=plan.confirmation_token,
        step_up=FreshProof(),
        requester_email="stranger@example.net",
        delivery=Delivery.SHOW,
    )
    with pytest.raises(ApprovalRefused) as not_yet:
        service.complete_approval(context=context, request_id=row.pk, step_up=FreshProof())
    assert not_yet.value.code == "approval_not_approved"
    with pytest.raises(ApprovalRefused) as own:
        approvals.decide(
            context=context, request_id=row.pk, approve=True, note="me", content_hash=row.content_hash
        )
    assert own.value.status == 403
    assert paddle_posts(emulator) == []

    approvals.decide(
        context=RequestContext(actor=manager),
        request_id=row.pk,
        approve=True,
        note="ok",
        content_hash=row.content_hash,
    )
    issued = service.complete_approval(context=context, request_id=row.pk, step_up=FreshProof())
    assert isinstance(issued, service.IssuedLinks)
    assert len(paddle_posts(emulator)) == 1


def test_asking_when_no_rule_applies_is_refused_and_spends_nothing(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    response = _ask(
        agent_client,
        customer_id,
        subscription_ids,
        requester_email=str(emulator.customer(customer_id)["email"]),
    )

    assert response.status_code == 409
    assert "No rule requires" in response.content.decode()
    assert not ApprovalRequest.objects.exists()


def test_an_agent_over_the_hourly_quota_may_ask_and_complete_once_approved(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 0
    page = confirm_page(agent_client, customer_id, subscription_ids).content.decode()
    assert "used up this hour" in page
    token = confirm(agent_client, customer_id, subscription_ids)
    limited = create(agent_client, customer_id, subscription_ids, token=token)
    # Back on the confirm page, which offers to ask a manager instead of creating.
    back = assert_sent_back(agent_client, limited, customer_id, "ask a manager to approve it below")
    assert f'formaction="/approvals/request/{customer_id}/"' in back.content.decode()

    row = _asked(agent_client, customer_id, subscription_ids, emulator)
    assert row.rules == ["quota"]
    _decide(manager_client, row)

    assert _complete(agent_client, row).status_code == 200
    assert len(paddle_posts(emulator)) == 1


def test_each_rule_can_be_switched_off(
    agent_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
    settings: Settings,
) -> None:
    settings.APPROVAL_ON_HIGH_VALUE = False
    token = confirm(agent_client, vip_customer_id, vip_subscription_ids)

    assert create(agent_client, vip_customer_id, vip_subscription_ids, token=token).status_code == 200
    assert len(paddle_posts(emulator)) == 1


def test_approvers_are_emailed_when_asked_and_the_agent_when_decided_without_a_creating_link(
    agent_client: Client,
    agent: User,
    manager: User,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
    mailbox: Mailbox,
    django_capture_on_commit_callbacks: object,
) -> None:
    User.objects.filter(pk=manager.pk).update(email="boss@example.com")
    User.objects.filter(pk=agent.pk).update(email="agent@example.com")
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):  # type: ignore[operator]
        row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    with capture(execute=True):  # type: ignore[operator]
        _decide(manager_client, row)

    asked, decided = mailbox.messages
    assert asked.rcpt_tos == ("boss@example.com",)
    assert decided.rcpt_tos == ("agent@example.com",)
    for message in (asked, decided):
        body = message.part("text/plain")
        assert f"/approvals/{row.pk}/" in body
        assert "/r/" not in body
        assert "/portal" not in body
        assert str(emulator.customer(vip_customer_id)["email"]) not in body
    assert "approved" in decided.part("text/plain")


def test_the_audit_event_page_shows_the_approvals_whole_story_in_order(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    _decide(manager_client, row)
    _complete(agent_client, row)
    requested = AuditEvent.objects.get(action="approval.requested")

    page = manager_client.get(f"/audit/{requested.seq}/").content.decode()

    story = page.split('id="related-events"', 1)[1]
    assert f"approval request #{row.pk}" in story
    positions = [
        story.index(action) for action in ("approval.approved", "approval.used", "portal_session.created")
    ]
    assert positions == sorted(positions)


def test_completing_without_the_cache_says_so_and_leads_back_to_the_request_not_to_a_form(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
    settings: Settings,
) -> None:
    """The high-value rule does not lift the limits, so completing counts them: without the cache,
    a 503 (the approval unused) whose only ways on are links, not a form re-sending anything."""
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    _decide(manager_client, row)
    settings.CACHES = DEAD_REDIS
    cache.close()

    response = _complete(agent_client, row)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "cache service is unavailable" in page
    assert '<a class="button" href="/approvals/mine/">Your requests</a>' in page
    assert "<form" not in page.split("<main", 1)[1]
    assert paddle_posts(emulator) == []
    row.refresh_from_db()
    assert row.status == "approved"  # not used: it can be completed once the cache is back


def test_completing_with_a_lapsed_password_says_so_and_leads_back_to_the_request(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    vip_customer_id: str,
    vip_subscription_ids: list[str],
    settings: Settings,
) -> None:
    row = _asked(agent_client, vip_customer_id, vip_subscription_ids, emulator)
    _decide(manager_client, row)
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)

    response = _complete(agent_client, row)

    assert response.status_code == 403
    page = response.content.decode()
    assert "Password needed" in page
    assert '<a class="button" href="/approvals/mine/">Your requests</a>' in page
    assert "confirmation page" not in page
    row.refresh_from_db()
    assert row.status == "approved"
