"""Nothing lost on failure: every refusal a retry can mend, and every Paddle failure, after the
confirm step sends the agent back to the confirm page (Post/Redirect/Get) with the ticks, reason,
requester and delivery kept, the problem in a banner and a new confirmation; terminal refusals
keep their own page; the step-up field shows up before the proof lapses; usage is shown, not counted.
"""

import html
import re
import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.journey import (
    BANNER_RE,
    age_step_up,
    assert_sent_back,
    confirm,
    confirm_and_create,
    confirm_page,
    create,
    expected_links,
    html_text,
    paddle_posts,
    portal_links,
    token_of,
)
from tests.support.mail import Mailbox
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db

PASSWORD_FIELD = 'name="password"'
REASON = "ZD-4711 card update"


def _confirm_path(customer_id: str) -> str:
    return f"/customers/{customer_id}/portal-session/confirm/"


def _query(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


def _input_value(page: str, name: str) -> str:
    match = re.search(rf'<input type="[a-z]+" id="{name}" name="{name}"[^>]* value="([^"]*)"', page)
    assert match is not None, name
    return html.unescape(match.group(1))


def _checked_delivery(page: str) -> str:
    match = re.search(r'name="delivery" value="(\w+)" checked', page)
    assert match is not None
    return match.group(1)


def _ticked(page: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="subscription_ids" value="([^"]+)">', page)


def _portal_rows(customer_id: str) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(customer_id=customer_id, action__startswith="portal_session.")
        .order_by("seq")
        .values_list("action", "outcome")
    )


def _confirm_views(customer_id: str) -> int:
    return AuditEvent.objects.filter(
        customer_id=customer_id, action="customer.view", details__page="confirm"
    ).count()


def test_the_customer_pages_ticks_redirect_to_the_confirm_page_as_a_get(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    email = str(emulator.customer(customer_id)["email"])
    response = agent_client.post(
        _confirm_path(customer_id),
        {"subscription_ids": subscription_ids, "ticket": "ZD-1", "requester_email": email},
    )

    assert response.status_code == 303
    assert urlsplit(response["Location"]).path == _confirm_path(customer_id)
    query = _query(response["Location"])
    assert (query["subscription_ids"], query["ticket"], query["requester_email"]) == (
        subscription_ids,
        ["ZD-1"],
        [email],
    )
    # The POST itself shows nothing and audits nothing: the GET is the page, audited once.
    assert _confirm_views(customer_id) == 0
    page = agent_client.get(response["Location"])
    assert page.status_code == 200
    assert _ticked(page.content.decode()) == subscription_ids
    assert _confirm_views(customer_id) == 1


def test_a_paddle_failure_at_creation_keeps_the_work_and_a_retry_creates_the_links(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    email = str(emulator.customer(customer_id)["email"])
    emulator.add_fault("/customers/*/portal-sessions", kind="error", method="POST", status=500, times=1)

    response = create(
        agent_client, customer_id, subscription_ids, token=token, reason=REASON, requester_email=email
    )

    # Back to the confirm page as a GET: the work in the URL, never a portal link.
    assert response.status_code == 303
    query = _query(response["Location"])
    assert (query["subscription_ids"], query["ticket"], query["requester_email"], query["delivery"]) == (
        subscription_ids,
        [REASON],
        [email],
        ["show"],
    )
    page = assert_sent_back(
        agent_client, response, customer_id, "Paddle could not be reached or answered badly"
    )
    text = page.content.decode()
    failed = AuditEvent.objects.get(action="portal_session.failed")
    banner = html_text(BANNER_RE.search(text).group(0))  # type: ignore[union-attr]
    assert banner.startswith("Paddle is unavailable Paddle could not be reached or answered badly.")
    assert f"Paddle error code {failed.error_code}; Paddle request id: {failed.paddle_request_id}." in banner
    assert "Error 502" not in text
    assert 'role="alert" id="confirm-banner"' in text
    assert _ticked(text) == subscription_ids
    assert _input_value(text, "reason") == REASON
    assert _input_value(text, "requester_email") == email
    assert _checked_delivery(text) == "show"
    fresh = token_of(page)
    assert fresh != token

    # The attempt is audited once (requested, failed); the page again is one more confirm view.
    assert _portal_rows(customer_id) == [
        ("portal_session.requested", "success"),
        ("portal_session.failed", "failure"),
    ]
    assert _confirm_views(customer_id) == 2

    retried = create(
        agent_client, customer_id, subscription_ids, token=fresh, reason=REASON, requester_email=email
    )
    assert retried.status_code == 200
    assert len(portal_links(retried.content.decode())) == expected_links(
        emulator, customer_id, subscription_ids
    )
    assert len(paddle_posts(emulator)) == 2
    # Nothing of it stays in the session: the banner is gone, and it never held a link.
    assert not any("/portal/" in str(value) for value in agent_client.session.values())


def test_the_banner_is_shown_once(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token, reason="")
    assert_sent_back(agent_client, response, customer_id, "Enter a reason")

    again = agent_client.get(response["Location"]).content.decode()
    assert 'id="confirm-banner"' not in again
    assert _ticked(again) == subscription_ids


def test_an_invalid_reason_keeps_the_ticks_and_the_requester(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        reason="r" * 201,
        requester_email="stranger@example.net",
        delivery="email",
    )

    page = assert_sent_back(agent_client, response, customer_id, "The reason is at most 200 characters long.")
    text = page.content.decode()
    assert _ticked(text) == subscription_ids
    assert _input_value(text, "reason") == "r" * 200  # what fits, to shorten
    assert _input_value(text, "requester_email") == "stranger@example.net"
    assert _checked_delivery(text) == "email"
    assert text.count("at most 200 characters") == 1  # said once, in the banner
    [refused] = _portal_rows(customer_id)
    assert refused == ("portal_session.failed", "denied")


def test_an_expired_confirmation_comes_back_with_a_new_one_that_works(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    long_ago = time.time() - settings.CONFIRMATION_TOKEN_SECONDS - 60
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        token = confirm(agent_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token, reason=REASON)

    page = assert_sent_back(agent_client, response, customer_id, "This confirmation has expired", emulator)
    assert "Confirmation expired" in page.content.decode()
    assert _input_value(page.content.decode(), "reason") == REASON
    retried = create(agent_client, customer_id, subscription_ids, token=token_of(page), reason=REASON)
    assert retried.status_code == 200
    assert len(paddle_posts(emulator)) == 1


def test_a_replayed_confirmation_says_it_was_used_and_creates_nothing(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    assert create(agent_client, customer_id, subscription_ids, token=token).status_code == 200

    replay = create(agent_client, customer_id, subscription_ids, token=token)

    page = assert_sent_back(agent_client, replay, customer_id, "This confirmation was already used")
    assert portal_links(page.content.decode()) == []
    assert len(paddle_posts(emulator)) == 1


def test_a_wrong_password_keeps_the_work_and_the_right_one_then_creates(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    token = confirm(agent_client, customer_id, subscription_ids)
    email = str(emulator.customer(customer_id)["email"])

    response = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        reason=REASON,
        requester_email=email,
        password="not my password",
    )

    page = assert_sent_back(agent_client, response, customer_id, "That password is not correct.", emulator)
    text = page.content.decode()
    assert "Your ticks, reason and requester are kept below" in html_text(text)
    assert PASSWORD_FIELD in text
    assert _ticked(text) == subscription_ids
    assert _input_value(text, "reason") == REASON
    assert _input_value(text, "requester_email") == email
    # The token was not spent by the refusal, but the page hands out a new one all the same.
    retried = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token_of(page),
        reason=REASON,
        requester_email=email,
        password=PASSWORD,
    )
    assert retried.status_code == 200
    assert len(paddle_posts(emulator)) == 1


def test_the_kill_switch_stays_terminal(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    settings.KILL_SWITCH_ON = True
    response = create(agent_client, customer_id, subscription_ids, token=token)
    assert response.status_code == 503
    assert "Link creation is switched off" in response.content.decode()


def test_an_emailed_link_redirects_to_a_page_that_says_where_it_went(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    mailbox: Mailbox,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    data = {
        "subscription_ids": subscription_ids,
        "reason": REASON,
        "confirmation_token": token,
        "requester_email": str(emulator.customer(customer_id)["email"]),
        "delivery": "email",
    }
    response = agent_client.post(f"/customers/{customer_id}/portal-session/", data)

    assert response.status_code == 303
    assert response["Location"] == f"/customers/{customer_id}/portal-session/emailed/"
    page = agent_client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert re.search(r"Sent to \w•••@[\w.\-]+ at \d\d:\d\d; expires", text)
    assert "/r/" not in text
    assert portal_links(text) == []
    # A reload shows it again without sending again; another customer has nothing to show.
    assert agent_client.get(response["Location"]).status_code == 200
    assert AuditEvent.objects.filter(action="portal_link.emailed").count() == 1
    other = emulator.examples()["no_subscriptions"]
    assert agent_client.get(f"/customers/{other}/portal-session/emailed/").status_code == 404


def test_the_password_field_shows_when_the_proof_would_lapse_before_the_confirmation(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    # Just signed in: the proof outlasts the confirmation, no field.
    assert PASSWORD_FIELD not in confirm_page(agent_client, customer_id, subscription_ids).content.decode()

    # Fresh now, but it lapses one minute before the confirmation would expire: the field shows,
    # optional for now, with the time it lapses.
    still_fresh_for = settings.CONFIRMATION_TOKEN_SECONDS // 60 - 1
    age_step_up(agent_client, settings.STEP_UP_MINUTES - still_fresh_for)
    page = confirm_page(agent_client, customer_id, subscription_ids)
    text = page.content.decode()
    assert PASSWORD_FIELD in text
    assert 'id="step-up-lapses"' in text
    field = re.search(r"<input[^>]*name=\"password\"[^>]*>", text)
    assert field is not None
    assert "required" not in field.group(0)

    # Left open until the proof lapsed: the password typed on that page is what lets it through.
    token = token_of(page)
    age_step_up(agent_client, still_fresh_for + 1)
    created = create(agent_client, customer_id, subscription_ids, token=token, password=PASSWORD)
    assert created.status_code == 200
    assert AuditEvent.objects.filter(action="auth.step_up", outcome="success").count() == 1


def test_a_wrong_password_typed_before_the_proof_lapses_is_not_ignored(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES - 1)  # fresh, but not for the whole token
    token = confirm(agent_client, customer_id, subscription_ids)

    response = create(agent_client, customer_id, subscription_ids, token=token, password="typo")

    assert_sent_back(agent_client, response, customer_id, "That password is not correct.", emulator)
    assert AuditEvent.objects.filter(action="auth.step_up", outcome="denied").count() == 1


def test_the_password_field_is_required_once_the_proof_has_lapsed(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    text = confirm_page(agent_client, customer_id, subscription_ids).content.decode()
    field = re.search(r"<input[^>]*name=\"password\"[^>]*>", text)
    assert field is not None
    assert "required" in field.group(0)
    assert 'id="step-up-lapses"' not in text


def test_the_confirm_page_shows_the_agents_usage_without_counting(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 30
    settings.PORTAL_SESSIONS_PER_DAY = 200
    for _ in range(2):
        assert confirm_and_create(agent_client, customer_id, subscription_ids).status_code == 200

    for _ in range(3):  # showing the page counts nothing
        text = confirm_page(agent_client, customer_id, subscription_ids).content.decode()
        usage = re.search(r'<p class="muted" id="link-usage">(.*?)</p>', text, re.S)
        assert usage is not None
        assert html_text(usage.group(1)) == (
            "Portal sessions you have created: 2 of 30 this hour · 2 of 200 today (UTC)."
        )
    # The links the links page will offer (paused and canceled ones: their overview page only).
    links = expected_links(emulator, customer_id, subscription_ids)
    assert f"1 portal session with {links} links" in text


def test_rate_limited_the_confirm_page_offers_to_ask_a_manager(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 1
    assert confirm_and_create(agent_client, customer_id, subscription_ids).status_code == 200
    token = confirm(agent_client, customer_id, subscription_ids)
    limited = create(agent_client, customer_id, subscription_ids, token=token, reason=REASON)

    page = assert_sent_back(agent_client, limited, customer_id, "You have created 1 portal session this hour")
    text = page.content.decode()
    assert "1 of 1</strong> this hour" in text
    assert _input_value(text, "reason") == REASON
    assert f'formaction="/approvals/request/{customer_id}/"' in text
    assert AuditEvent.objects.filter(action="portal_session.rate_limited").count() == 1


def test_a_requester_mismatch_comes_back_offering_only_email(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    settings.APPROVAL_ON_SHOW_MISMATCH = False  # with it on, a manager may approve instead
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        reason=REASON,
        requester_email="x@example.net",
    )

    page = assert_sent_back(agent_client, response, customer_id, "does not match the email on file", emulator)
    text = page.content.decode()
    assert "<h2>The requester does not match</h2>" in text
    assert _checked_delivery(text) == "email"
    assert 'value="show"' not in text
    assert _input_value(text, "requester_email") == "x@example.net"


def test_a_request_that_needs_approval_comes_back_with_the_rules_and_a_form_that_asks_as_submitted(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    """Links shown to a mismatching requester need a manager (APPROVAL_ON_SHOW_MISMATCH): the confirm
    page's form offers that requester only email, so the banner's own form asks as it was submitted."""
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        reason=REASON,
        requester_email="x@example.net",
        delivery="show",
    )

    page = assert_sent_back(
        agent_client, response, customer_id, "A manager must approve this first", emulator
    )
    text = page.content.decode()
    banner = html_text(BANNER_RE.search(text).group(0))  # type: ignore[union-attr]
    assert "needs a second person because: the links would be shown to the agent, but the requester" in banner
    assert _query(response["Location"])["delivery"] == ["show"]
    ask = text.split('id="ask-approval"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', ask))
    fresh = token_of(page)
    assert (fields["delivery"], fields["requester_email"], fields["reason"]) == (
        "show",
        "x@example.net",
        REASON,
    )
    assert fields["confirmation_token"] == fresh != token
    assert re.findall(r'name="subscription_ids" value="([^"]+)"', ask) == subscription_ids
    assert _checked_delivery(text) == "email"  # the form below: email only, to a mismatch
    assert [
        (row.action, row.outcome, row.error_code)
        for row in AuditEvent.objects.filter(action__startswith="portal_session.")
    ] == [("portal_session.failed", "denied", "approval_required")]

    asked = agent_client.post(
        f"/approvals/request/{customer_id}/",
        {**fields, "subscription_ids": subscription_ids},
    )
    assert asked.status_code == 302
    assert asked["Location"].startswith("/approvals/")
    assert paddle_posts(emulator) == []
