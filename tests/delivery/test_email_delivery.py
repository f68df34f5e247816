"""Delivery to the email on file: the requester check, the email, its failures, the helpdesk link."""

import hashlib
import re
import socket
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.context import RequestContext
from sessions_app.links import requester, service
from sessions_app.links.refusals import RequesterMismatch
from sessions_app.links.requester import Delivery
from sessions_app.models import AuditEvent, RedemptionToken
from tests.support.journey import assert_sent_back, confirm, confirm_page, create, paddle_posts
from tests.support.mail import Mailbox
from tests.support.step_up import FreshProof

pytestmark = pytest.mark.django_db

EMAILED_RE = re.compile(r"Sent to \w•••@[\w.\-]+ at \d\d:\d\d; expires tomorrow \d\d:\d\d")


def test_a_match_is_trimmed_and_case_insensitive_but_folds_no_plus_or_dots() -> None:
    on_file = "Avery.Quinn@Example.com"
    assert requester.check(requester_email="  avery.quinn@example.COM ", email_on_file=on_file).matches
    assert not requester.check(requester_email="averyquinn@example.com", email_on_file=on_file).matches
    assert not requester.check(requester_email="avery.quinn+x@example.com", email_on_file=on_file).matches
    assert not requester.check(requester_email="", email_on_file="").matches
    assert requester.masked("avery@example.com") == "a•••@example.com"


def test_a_matching_requester_chooses_email_and_the_smtp_server_receives_one_message_to_the_email_on_file(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    email_on_file: str,
    mailbox: Mailbox,
    settings: Settings,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        requester_email=email_on_file.upper(),
        delivery="email",
    )

    assert response.status_code == 200
    assert EMAILED_RE.search(response.content.decode())
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    assert paddle_posts(emulator) == []  # nothing is created until the customer clicks
    [message] = mailbox.messages
    assert message.rcpt_tos == (email_on_file,)
    assert message.message["To"] == email_on_file
    assert message.message["From"] == settings.DEFAULT_FROM_EMAIL
    assert "billing portal" in message.message["Subject"]
    url = message.redemption_url
    assert url.startswith(f"{settings.PUBLIC_BASE_URL}/r/")
    assert url in message.part("text/html")
    raw = message.raw.decode()
    assert "/portal/" not in raw
    assert "pga_" not in raw
    token_in_url = url.rstrip("/").rsplit("/", 1)[1]
    assert len(token_in_url) == 43  # 256 bits, URL-safe base64
    [stored] = RedemptionToken.objects.all()
    assert stored.token_hash == hashlib.sha256(token_in_url.encode()).hexdigest()
    assert (stored.customer_id, stored.subscription_ids, stored.used_at) == (
        customer_id,
        subscription_ids,
        None,
    )
    rows = list(
        AuditEvent.objects.filter(customer_id=customer_id, action__startswith="portal_").order_by("seq")
    )
    assert [row.action for row in rows] == ["portal_link.email_requested", "portal_link.emailed"]
    for row in rows:
        assert row.details["channel"] == "email"
        assert row.details["requester_email"] == email_on_file.upper()
        assert row.details["requester_match"] is True
        assert row.details["attempt"] == stored.attempt


def test_a_mismatch_offers_only_email_delivery_on_the_confirm_page(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    page = agent_client.post(
        f"/customers/{customer_id}/portal-session/confirm/",
        {"subscription_ids": subscription_ids, "requester_email": "stranger@example.net"},
        follow=True,
    ).content.decode()

    assert 'value="email" checked' in page
    assert 'value="show"' not in page
    assert "does not match the email on file" in page


def test_without_the_approval_rule_a_mismatch_asking_to_be_shown_the_links_is_refused_and_audited(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    mailbox: Mailbox,
    settings: Settings,
) -> None:
    settings.APPROVAL_ON_SHOW_MISMATCH = False  # with it on, a manager may approve (tests/approvals)
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        requester_email="stranger@example.net",
        delivery="show",
    )

    page = assert_sent_back(agent_client, response, customer_id, "does not match the email on file", emulator)
    assert 'value="show"' not in page.content.decode()  # only email is offered now
    assert mailbox.messages == []
    [refused] = AuditEvent.objects.filter(action="portal_session.failed")
    assert (refused.outcome, refused.error_code) == ("denied", "requester_mismatch")
    assert refused.details["requester_email"] == "stranger@example.net"
    assert refused.details["requester_match"] is False


def test_without_the_approval_rule_the_service_itself_refuses_to_show_links_to_a_mismatched_requester(
    agent: User, emulator: Emulator, customer_id: str, subscription_ids: list[str], settings: Settings
) -> None:
    settings.APPROVAL_ON_SHOW_MISMATCH = False
    context = RequestContext(actor=agent)
    plan = service.plan(
        context=context,
        customer_id=customer_id,
        subscription_ids=subscription_ids,
        requester_email="stranger@example.net",
        delivery=Delivery.SHOW,
    )
    assert plan.deliveries == (Delivery.EMAIL,)
    assert plan.delivery is Delivery.EMAIL

    with pytest.raises(RequesterMismatch):
        service.issue(
            context=context,
            customer_id=customer_id,
            subscription_ids=subscription_ids,
            reason="TICKET-1",
            confirmation_token=plan.confirmation_token,
            step_up=FreshProof(),
            requester_email="stranger@example.net",
            delivery=Delivery.SHOW,
        )
    assert paddle_posts(emulator) == []
    assert AuditEvent.objects.get(error_code="requester_mismatch").details["requester_match"] is False


@pytest.fixture
def odd_email_on_file(emulator: Emulator, customer_id: str) -> Iterator[None]:
    """Paddle allows odd data: the customer's email on file is not an address."""
    record = emulator.data.customers_by_id[customer_id]
    original = record["email"]
    record["email"] = "not an address"
    yield
    record["email"] = original


def test_an_invalid_email_on_file_refuses_email_delivery_with_a_clear_message(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    odd_email_on_file: None,
    mailbox: Mailbox,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        requester_email="not an address",
        delivery="email",
    )
    # The requester field itself must be an address: use one, which then mismatches.
    assert_sent_back(agent_client, response, customer_id, "not a valid email address")
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        requester_email="someone@example.com",
        delivery="email",
    )

    assert_sent_back(agent_client, response, customer_id, "email on file is empty or not a valid address")
    assert mailbox.messages == []
    assert not RedemptionToken.objects.exists()
    assert AuditEvent.objects.filter(error_code="email_on_file_unusable", outcome="denied").count() == 1


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_smtp() -> Iterator[int]:
    """A server that accepts connections and never says a word (a hung SMTP relay)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield int(server.getsockname()[1])
    server.close()


@pytest.mark.parametrize("fault", ["down", "silent"])
def test_an_smtp_failure_is_audited_invalidates_the_token_and_tells_the_agent_to_retry(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    email_on_file: str,
    mailbox: Mailbox,
    silent_smtp: int,
    settings: Settings,
    fault: str,
) -> None:
    settings.EMAIL_PORT = _closed_port() if fault == "down" else silent_smtp
    settings.EMAIL_TIMEOUT = 0.5
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token, delivery="email")

    page = assert_sent_back(agent_client, response, customer_id, "could not be sent")
    assert "submit again to send a fresh one" in page.content.decode()
    [failed] = AuditEvent.objects.filter(action="portal_link.email_failed")
    assert failed.outcome == "failure"
    # smtplib reports a read that timed out as a dropped connection.
    assert failed.error_code == ("ConnectionRefusedError" if fault == "down" else "SMTPServerDisconnected")
    [stored] = RedemptionToken.objects.all()
    assert stored.used_at is not None  # invalidated: whatever the server still delivers opens nothing

    settings.EMAIL_PORT = mailbox.port  # the retry sends one fresh, working link
    token = confirm(agent_client, customer_id, subscription_ids)
    assert (
        create(agent_client, customer_id, subscription_ids, token=token, delivery="email").status_code == 200
    )
    assert len(mailbox.messages) == 1
    assert RedemptionToken.objects.filter(used_at__isnull=True).count() == 1


def test_the_helpdesk_link_prefills_the_reason_and_the_requester_through_to_the_confirm_page(
    agent_client: Client, emulator: Emulator, customer_id: str, email_on_file: str
) -> None:
    search = agent_client.get(
        "/customers/", {"q": email_on_file, "ticket": "ZD-1234", "requester": email_on_file}
    ).content.decode()
    assert f"/customers/{customer_id}/?ticket=ZD-1234&amp;requester=" in search

    detail = agent_client.get(
        f"/customers/{customer_id}/", {"ticket": "ZD-1234", "requester": email_on_file}
    ).content.decode()
    assert '<input type="hidden" name="ticket" value="ZD-1234">' in detail
    assert f'<input type="hidden" name="requester_email" value="{email_on_file}">' in detail

    page = agent_client.post(
        f"/customers/{customer_id}/portal-session/confirm/",
        {"subscription_ids": [], "ticket": "ZD-1234", "requester_email": email_on_file},
        follow=True,
    ).content.decode()
    assert 'name="reason" required maxlength="200" autocomplete="off" value="ZD-1234"' in page
    assert f'value="{email_on_file}"' in page
    assert 'value="show"' in page  # a match: the agent may choose


def test_a_malformed_requester_from_the_helpdesk_is_left_out_with_a_message(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    detail = agent_client.get(f"/customers/{customer_id}/", {"requester": "not-an-email"}).content.decode()
    assert "not a valid email address" in detail
    assert 'name="requester_email"' not in detail

    page = confirm_page(agent_client, customer_id, [])
    assert page.status_code == 200
