"""Per-agent limits in the journey: a 429 page with the reset time, audited, and no Paddle call."""

import time
from datetime import UTC, datetime

import pytest
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.journey import (
    age_step_up,
    assert_sent_back,
    confirm,
    confirm_and_create,
    create,
    paddle_posts,
)
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_31st_link_creation_in_an_hour_gets_a_429_page_with_the_reset_time(
    agent_client: Client, customer_id: str, subscription_ids: list[str], emulator: Emulator
) -> None:
    # Thirty creations take a couple of seconds: do not let the clock hour turn in the middle.
    seconds_left_in_hour = 3600 - time.time() % 3600
    if seconds_left_in_hour < 15:
        time.sleep(seconds_left_in_hour + 1)
    for _ in range(30):
        assert confirm_and_create(agent_client, customer_id, subscription_ids).status_code == 200
    token = confirm(agent_client, customer_id, subscription_ids)
    calls_before = len(emulator.requests)

    response = create(agent_client, customer_id, subscription_ids, token=token)

    assert len(emulator.requests) == calls_before
    # Back on the confirm page with the work kept: the banner says why and until when.
    page = assert_sent_back(
        agent_client, response, customer_id, "You have created 30 portal sessions this hour"
    )
    assert len(paddle_posts(emulator)) == 30
    now = datetime.now(UTC)
    next_hour = now.replace(minute=0, second=0, microsecond=0).timestamp() + 3600
    assert datetime.fromtimestamp(next_hour, UTC).strftime("%H:%M UTC") in page.content.decode()
    assert "30 of 30</strong> this hour" in page.content.decode()
    event = AuditEvent.objects.get(action="portal_session.rate_limited")
    assert (event.outcome, event.customer_id, event.subscription_ids, event.reason) == (
        "denied",
        customer_id,
        subscription_ids,
        "TICKET-42",
    )
    assert (event.details["window"], event.details["limit"]) == ("hour", 30)
    assert AuditEvent.objects.filter(action="portal_session.requested").count() == 30


def test_the_day_limit_refuses_until_midnight_utc(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    settings.PORTAL_SESSIONS_PER_DAY = 2
    for _ in range(2):
        assert confirm_and_create(agent_client, customer_id, subscription_ids).status_code == 200

    response = confirm_and_create(agent_client, customer_id, subscription_ids)

    page = assert_sent_back(
        agent_client, response, customer_id, "You have created 2 portal sessions today (UTC)"
    )
    assert "00:00 UTC" in page.content.decode()
    assert len(paddle_posts(emulator)) == 2
    assert AuditEvent.objects.get(action="portal_session.rate_limited").details["window"] == "day"


def test_limits_are_per_agent(
    agent_client: Client,
    manager_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 1
    assert confirm_and_create(agent_client, customer_id, subscription_ids).status_code == 200
    limited = confirm_and_create(agent_client, customer_id, subscription_ids)
    assert_sent_back(agent_client, limited, customer_id, "Link limit reached")
    assert confirm_and_create(manager_client, customer_id, subscription_ids).status_code == 200


def test_bad_input_and_refused_passwords_use_no_quota(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 1
    token = confirm(agent_client, customer_id, subscription_ids)
    # Each refusal goes back to the confirm page (303) and counts nothing.
    assert create(agent_client, customer_id, subscription_ids, token="forged-token").status_code == 303
    assert create(agent_client, customer_id, subscription_ids, token=token[:-2] + "xx").status_code == 303
    assert create(agent_client, "ctm_" + "0" * 26, subscription_ids, token=token).status_code == 303
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    assert (
        create(agent_client, customer_id, subscription_ids, token=token, password="wrong").status_code == 303
    )
    assert (
        create(agent_client, customer_id, subscription_ids, token=token, password=PASSWORD).status_code == 200
    )
    assert not AuditEvent.objects.filter(action="portal_session.rate_limited").exists()
