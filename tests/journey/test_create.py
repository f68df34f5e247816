"""Steps 5 and 6: creating the links once, refusing every bad or replayed submission."""

import re
import time
from collections.abc import Callable
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app import audit
from sessions_app.links import confirmation
from sessions_app.models import AuditEvent
from tests.support.journey import (
    assert_refused,
    assert_sent_back,
    confirm,
    create,
    expected_links,
    html_text,
    paddle_posts,
    portal_links,
    refuse_audit_inserts,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("either_sign_in")]


def test_the_links_are_shown_once_with_copy_buttons_and_safe_attributes(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token)
    html = response.content.decode()
    assert response.status_code == 200
    links = portal_links(html)
    assert len(links) == expected_links(emulator, customer_id, subscription_ids)
    assert all("token=pga_" in link for link in links)
    assert html.count('target="_blank" rel="noreferrer noopener"') == len(links)
    assert html.count("data-copy=") == len(links)
    assert f'data-visible-seconds="{settings.PORTAL_LINKS_VISIBLE_SECONDS}"' in html
    assert "cannot be shown again" in html
    assert "Created <time" in html


def test_the_links_page_is_never_cached_and_sends_no_referrer(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token)
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
    assert response["Pragma"] == "no-cache"
    assert response["Referrer-Policy"] == "no-referrer"


def test_creating_links_calls_paddle_once_and_audits_request_and_result(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str], agent: User
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    create(agent_client, customer_id, subscription_ids, token=token, reason="TICKET-42 wants to cancel")
    [post] = paddle_posts(emulator)
    assert post.path == f"/customers/{customer_id}/portal-sessions"
    assert isinstance(post.body, dict)
    assert sorted(post.body["subscription_ids"]) == sorted(subscription_ids)
    requested, created = AuditEvent.objects.filter(action__startswith="portal_session.").order_by("seq")
    assert requested.action == "portal_session.requested"
    assert created.action == "portal_session.created"
    for event in (requested, created):
        assert (event.actor, event.customer_id, event.reason) == (
            agent,
            customer_id,
            "TICKET-42 wants to cancel",
        )
        assert sorted(event.subscription_ids) == sorted(subscription_ids)
    assert re.fullmatch(r"cpls_[a-z0-9]{26}", created.paddle_session_id)
    assert created.paddle_request_id
    assert requested.details["attempt"] == created.details["attempt"]


def test_a_second_submit_creates_nothing_and_says_so(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    create(agent_client, customer_id, subscription_ids, token=token)
    replay = create(agent_client, customer_id, subscription_ids, token=token)
    page = assert_sent_back(agent_client, replay, customer_id, "used already")
    assert portal_links(page.content.decode()) == []
    assert len(paddle_posts(emulator)) == 1


def _other_customer_subscription(emulator: Emulator) -> str:
    subscription_id: str = emulator.subscriptions_of(emulator.examples()["html_name"])[0]["id"]
    return subscription_id


# Each case: how to build the submission from (owned subscription ids, a valid token, the emulator),
# the status, and a piece of the message.
BadSubmission = Callable[[list[str], str, Emulator], dict[str, object]]
BAD_SUBMISSIONS: list[tuple[str, BadSubmission, int, str]] = [
    (
        "26 subscriptions",
        lambda owned, token, em: {
            "subscription_ids": [f"sub_{i:026d}" for i in range(26)],
            "confirmation_token": token,
        },
        400,
        "at most 25",
    ),
    (
        "duplicate subscriptions",
        lambda owned, token, em: {"subscription_ids": [owned[0], owned[0]], "confirmation_token": token},
        400,
        "ticked twice",
    ),
    (
        "missing reason",
        lambda owned, token, em: {"subscription_ids": owned, "confirmation_token": token, "reason": "   "},
        303,
        "Enter a reason",
    ),
    (
        "201-character reason",
        lambda owned, token, em: {
            "subscription_ids": owned,
            "confirmation_token": token,
            "reason": "r" * 201,
        },
        303,
        "at most 200 characters",
    ),
    (
        "control characters in the reason",
        lambda owned, token, em: {
            "subscription_ids": owned,
            "confirmation_token": token,
            "reason": "T-1\x00",
        },
        303,
        "control characters",
    ),
    (
        "malformed requester email",
        lambda owned, token, em: {
            "subscription_ids": owned,
            "confirmation_token": token,
            "requester_email": "avery at example",
        },
        303,
        "not a valid email address",
    ),
    (
        "255-character requester email",
        lambda owned, token, em: {
            "subscription_ids": owned,
            "confirmation_token": token,
            "requester_email": "a" * 243 + "@example.com",
        },
        303,
        "at most 254 characters",
    ),
    (
        "missing requester email",
        lambda owned, token, em: {
            "subscription_ids": owned,
            "confirmation_token": token,
            "requester_email": "",
        },
        303,
        "Enter the requester's email",
    ),
    (
        "unknown delivery",
        lambda owned, token, em: {"subscription_ids": owned, "confirmation_token": token, "delivery": "fax"},
        303,
        "Choose how the links reach the customer",
    ),
    (
        "missing token",
        lambda owned, token, em: {"subscription_ids": owned, "confirmation_token": ""},
        303,
        "confirmation is missing",
    ),
    (
        "forged signature",
        lambda owned, token, em: {"subscription_ids": owned, "confirmation_token": token[:-4] + "AAAA"},
        303,
        "not valid",
    ),
    (
        "other subscription set",
        lambda owned, token, em: {"subscription_ids": owned[:1], "confirmation_token": token},
        303,
        "differ from the ones you confirmed",
    ),
    (
        "a subscription of another customer",
        lambda owned, token, em: {
            "subscription_ids": [*owned, _other_customer_subscription(em)],
            "confirmation_token": token,
        },
        303,
        "does not belong to this customer",
    ),
]


@pytest.mark.parametrize(
    ("build", "status", "message"),
    [case[1:] for case in BAD_SUBMISSIONS],
    ids=[case[0] for case in BAD_SUBMISSIONS],
)
def test_a_bad_submission_is_refused_with_a_message_and_no_paddle_write(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    build: BadSubmission,
    status: int,
    message: str,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    matching = {"requester_email": emulator.customer(customer_id)["email"], "delivery": "show"}
    data = {"reason": "TICKET-42", **matching, **build(subscription_ids, token, emulator)}
    response = agent_client.post(f"/customers/{customer_id}/portal-session/", data)
    if status == 303:  # a retry can mend it: back to the confirm page, which says why
        assert response.status_code == 303
        page = agent_client.get(response["Location"])
        assert message in html_text(page.content.decode())
        assert paddle_posts(emulator) == []
    else:
        assert_refused(response, status, message, emulator)
    assert portal_links(response.content.decode()) == []
    [refused] = AuditEvent.objects.filter(action__startswith="portal_session.")
    assert (refused.action, refused.outcome) == ("portal_session.failed", "denied")
    assert refused.error_code


def test_an_expired_confirmation_is_refused(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    eleven_minutes_ago = time.time() - settings.CONFIRMATION_TOKEN_SECONDS - 60
    with mock.patch("django.core.signing.time.time", return_value=eleven_minutes_ago):
        token = confirm(agent_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token)
    assert_sent_back(agent_client, response, customer_id, "This confirmation has expired", emulator)


def test_another_users_confirmation_is_refused(
    agent_client: Client,
    manager_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
) -> None:
    token = confirm(manager_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token)
    assert_sent_back(agent_client, response, customer_id, "made by another user", emulator)


def test_a_confirmation_for_another_customer_is_refused(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    other = emulator.examples()["no_subscriptions"]
    token = confirm(agent_client, other, [])
    response = create(agent_client, customer_id, [], token=token)
    assert_sent_back(agent_client, response, customer_id, "for another customer", emulator)


def test_a_subscription_of_another_customer_is_refused_even_with_a_signed_token(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str], agent: User
) -> None:
    """The confirm page never signs a foreign id; the create step checks ownership again anyway."""
    forged = [subscription_ids[0], _other_customer_subscription(emulator)]
    token = confirmation.issue(user=agent, customer_id=customer_id, subscription_ids=forged)
    response = create(agent_client, customer_id, forged, token=token, requester_email="a@example.com")
    assert_refused(response, 400, "does not belong to this customer", emulator)


def test_a_paddle_failure_shows_its_request_id_and_is_audited(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    emulator.add_fault("/customers/*/portal-sessions", kind="error", method="POST", status=500)
    response = create(agent_client, customer_id, subscription_ids, token=token)
    html = assert_sent_back(
        agent_client, response, customer_id, "Paddle could not be reached"
    ).content.decode()
    failed = AuditEvent.objects.get(action="portal_session.failed")
    assert failed.outcome == "failure"
    assert failed.error_code == "internal_error"
    assert failed.paddle_request_id
    assert failed.paddle_request_id in html
    assert portal_links(html) == []


def test_links_are_not_shown_when_their_creation_cannot_be_recorded(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    refuse_audit_inserts(audit.Action.PORTAL_SESSION_CREATED)
    response = create(agent_client, customer_id, subscription_ids, token=token)
    html = response.content.decode()
    assert response.status_code == 503
    assert "could not be recorded" in html
    assert "were not shown" in html
    assert portal_links(html) == []
    assert len(paddle_posts(emulator)) == 1


def test_nothing_reaches_paddle_when_the_request_cannot_be_recorded(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    refuse_audit_inserts(audit.Action.PORTAL_SESSION_REQUESTED)
    response = create(agent_client, customer_id, subscription_ids, token=token)
    assert_refused(response, 503, "nothing was created", emulator)
