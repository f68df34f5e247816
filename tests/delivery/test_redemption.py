"""The emailed link's page `/r/<token>/`: GET changes nothing, POST creates the links once."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent, RedemptionToken
from tests.support.journey import confirm, create, expected_links, paddle_posts, portal_links
from tests.support.mail import Mailbox

pytestmark = pytest.mark.django_db

NO_LONGER_WORKS = "This link no longer works. Please ask support again."


@pytest.fixture
def emailed_path(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str], mailbox: Mailbox
) -> str:
    """An agent emails the customer a link; its path on the console."""
    token = confirm(agent_client, customer_id, subscription_ids)
    assert (
        create(agent_client, customer_id, subscription_ids, token=token, delivery="email").status_code == 200
    )
    [message] = mailbox.messages
    return "/r/" + message.redemption_url.split("/r/", 1)[1]


def test_a_get_shows_one_button_and_changes_nothing_so_mail_scanners_use_nothing_up(
    emailed_path: str, emulator: Emulator
) -> None:
    rows_before = AuditEvent.objects.count()
    requests_before = len(emulator.requests)
    for _ in range(3):
        response = Client().get(emailed_path)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Open your billing portal" in html
        assert html.count("<button") == 1
        assert "Customers" not in html
        assert "Audit log" not in html
        assert "<script" not in html

    assert AuditEvent.objects.count() == rows_before
    assert len(emulator.requests) == requests_before
    assert RedemptionToken.objects.get().used_at is None


def test_a_post_creates_the_links_once_with_the_links_pages_headers_and_a_second_post_no_longer_works(
    emailed_path: str, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    customer = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="CustomerMail/1.0")
    button = customer.get(emailed_path)
    csrf = customer.cookies["csrftoken"].value
    response = customer.post(emailed_path, {"csrfmiddlewaretoken": csrf})

    assert response.status_code == 200
    links = portal_links(response.content.decode())
    assert len(links) == expected_links(emulator, customer_id, subscription_ids)
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Pragma"] == "no-cache"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "default-src 'none'" in button["Content-Security-Policy"]
    assert len(paddle_posts(emulator)) == 1
    created = AuditEvent.objects.get(action="portal_session.created")
    assert (created.actor_id, created.actor_username, created.customer_id) == (None, "customer", customer_id)
    assert created.details["channel"] == "email"
    assert created.details["requester_match"] is True
    assert (created.client_ip, created.user_agent) == ("127.0.0.1", "CustomerMail/1.0")
    assert created.reason == "TICKET-42"

    again = customer.post(emailed_path, {"csrfmiddlewaretoken": csrf})
    assert again.status_code == 410
    assert NO_LONGER_WORKS in again.content.decode()
    assert len(paddle_posts(emulator)) == 1


def test_used_expired_unknown_and_malformed_tokens_get_one_identical_page(
    emailed_path: str, emulator: Emulator
) -> None:
    client = Client()
    assert client.post(emailed_path).status_code == 200  # used from here on
    expired_token = "E" * 43
    RedemptionToken.objects.update(used_at=None)  # reuse the row as an expired one below
    row = RedemptionToken.objects.get()
    row.expires_at = timezone.now() - timedelta(seconds=1)
    row.save()
    paths = {
        "expired": emailed_path,
        "unknown": f"/r/{expired_token}/",
        "malformed": "/r/not-a-token/",
    }
    bodies = set()
    for path in paths.values():
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 410, path
            bodies.add(response.content.decode().replace(path, ""))
    assert len(bodies) == 1
    assert NO_LONGER_WORKS in bodies.pop()
    assert len(paddle_posts(emulator)) == 1


def test_redemption_attempts_are_rate_limited_per_ip(emailed_path: str, settings: Settings) -> None:
    settings.REDEMPTION_ATTEMPTS_PER_MINUTE = 3
    statuses = [Client().get(f"/r/{'x' * 43}/").status_code for _ in range(4)]
    assert statuses == [410, 410, 410, 429]
    assert Client(REMOTE_ADDR="127.0.0.2").get(emailed_path).status_code == 200


def test_a_switched_off_console_refuses_the_click_and_keeps_the_link_usable(
    emailed_path: str, emulator: Emulator, settings: Settings
) -> None:
    settings.KILL_SWITCH_ON = True
    response = Client().post(emailed_path)
    assert response.status_code == 503
    assert paddle_posts(emulator) == []
    settings.KILL_SWITCH_ON = False
    assert Client().post(emailed_path).status_code == 200


def test_the_only_page_reachable_without_signing_in_is_the_emailed_link(emailed_path: str) -> None:
    anonymous = Client()
    assert anonymous.get(emailed_path).status_code == 200
    for path in ("/customers/", "/audit/"):
        assert anonymous.get(path).status_code == 302
