"""Step 3: the customer page with every subscription, and what Paddle failures look like."""

import time
from typing import Any

import pytest
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("either_sign_in")]


def test_the_page_shows_the_customer_and_every_subscription_with_a_tick_box(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    response = agent_client.get(f"/customers/{customer_id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert emulator.customer(customer_id)["email"] in html
    subscriptions = emulator.subscriptions_of(customer_id)
    assert {s["status"] for s in subscriptions} >= {"active", "trialing", "past_due", "paused", "canceled"}
    for subscription in subscriptions:
        assert f'name="subscription_ids" value="{subscription["id"]}"' in html
        assert subscription["items"][0]["product"]["name"] in html


def test_prices_cycles_dates_and_scheduled_changes_are_readable(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    html = agent_client.get(f"/customers/{customer_id}/").content.decode()
    scheduled = next(s for s in emulator.subscriptions_of(customer_id) if s["scheduled_change"])
    item = scheduled["items"][0]
    amount = int(item["price"]["unit_price"]["amount"]) / 100
    assert f"{item['quantity']} \N{MULTIPLICATION SIGN} {scheduled['currency_code']} {amount:,.2f}" in html
    assert f"cancels on {scheduled['scheduled_change']['effective_at'][:10]}" in html
    assert " / month" in html or " / year" in html
    assert scheduled["next_billed_at"][:10] in html


def test_paused_and_canceled_subscriptions_say_their_links_open_the_overview(
    agent_client: Client, customer_id: str
) -> None:
    html = agent_client.get(f"/customers/{customer_id}/").content.decode()
    assert "Paused: its links open the overview page." in html
    assert "Canceled: its links open the overview page." in html


def test_yen_prices_have_no_minor_units(agent_client: Client, emulator: Emulator) -> None:
    customer_id = emulator.examples()["cjk_name"]
    item = emulator.subscriptions_of(customer_id)[0]["items"][0]
    html = agent_client.get(f"/customers/{customer_id}/").content.decode()
    assert f"JPY {int(item['price']['unit_price']['amount']):,}" in html


def test_a_customer_without_subscriptions_can_still_get_an_overview_link(
    agent_client: Client, emulator: Emulator
) -> None:
    html = agent_client.get(f"/customers/{emulator.examples()['no_subscriptions']}/").content.decode()
    assert "no subscriptions" in html
    assert "overview link only" in html


def test_the_view_is_audited(agent_client: Client, emulator: Emulator, customer_id: str) -> None:
    agent_client.get(f"/customers/{customer_id}/")
    event = AuditEvent.objects.get(action="customer.view")
    assert (event.outcome, event.customer_id) == ("success", customer_id)
    assert event.customer_email == emulator.customer(customer_id)["email"]


def test_customer_and_subscriptions_are_fetched_concurrently(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    emulator.add_fault("/customers/*", kind="latency", latency_ms=400)
    emulator.add_fault("/subscriptions*", kind="latency", latency_ms=400)
    started = time.monotonic()
    assert agent_client.get(f"/customers/{customer_id}/").status_code == 200
    assert time.monotonic() - started < 0.75  # one after the other would take 0.8 s


def test_an_unknown_customer_is_a_404_with_a_message(agent_client: Client, emulator: Emulator) -> None:
    response = agent_client.get("/customers/ctm_01zzzzzzzzzzzzzzzzzzzzzzzz/")
    assert response.status_code == 404
    assert "Paddle does not know this customer" in response.content.decode()
    assert AuditEvent.objects.get(action="customer.view").outcome == "failure"


def test_a_malformed_customer_id_never_reaches_paddle(agent_client: Client, emulator: Emulator) -> None:
    assert agent_client.get("/customers/ctm_123/").status_code == 404
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("fault", "status", "message"),
    [
        ({"kind": "error", "status": 500}, 502, "Paddle could not be reached or answered badly"),
        ({"kind": "html", "status": 502}, 502, "Paddle could not be reached or answered badly"),
        ({"kind": "error", "status": 403, "code": "invalid_token"}, 502, "Paddle key was refused"),
        ({"kind": "error", "status": 429, "retry_after": 30}, 503, "try again in 30 s"),
        ({"kind": "error", "status": 504, "code": "gateway_timeout"}, 504, "did not answer in time"),
    ],
)
def test_paddle_failures_get_a_clear_page_never_a_500(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    fault: dict[str, Any],
    status: int,
    message: str,
) -> None:
    emulator.add_fault("*", **fault)
    response = agent_client.get(f"/customers/{customer_id}/")
    assert response.status_code == status
    assert message.lower() in response.content.decode().lower()


def test_a_paddle_error_page_carries_paddles_request_id(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    emulator.add_fault("*", kind="error", status=500)
    response = agent_client.get(f"/customers/{customer_id}/")
    event = AuditEvent.objects.get(action="customer.view")
    assert event.paddle_request_id
    assert event.paddle_request_id in response.content.decode()


def test_a_rate_limited_answer_says_when_to_retry(
    agent_client: Client, emulator: Emulator, customer_id: str
) -> None:
    emulator.add_fault("*", kind="error", status=429, retry_after=30)
    assert agent_client.get(f"/customers/{customer_id}/")["Retry-After"] == "30"


def test_a_timeout_is_a_504(
    agent_client: Client, emulator: Emulator, customer_id: str, settings: Settings
) -> None:
    settings.PADDLE_READ_TIMEOUT = 0.2
    settings.PADDLE_DEADLINE = 0.5
    emulator.add_fault("*", kind="latency", latency_ms=700)
    response = agent_client.get(f"/customers/{customer_id}/")
    assert response.status_code == 504
