"""The confirm page's timers, as the server renders them (static/js/countdown.js counts them down):
when the confirmation expires and, if the step-up proof lapses first, when it does, as absolute
times that work without JavaScript; and a reload link that renews the confirmation with the work.
"""

import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from tests.support.journey import age_step_up, confirm_page, token_of

pytestmark = pytest.mark.django_db

EXPIRY_RE = re.compile(
    r'<p class="muted" id="confirmation-expiry" data-countdown-seconds="(\d+)".*?</p>', re.S
)
TIME_RE = re.compile(r'<time datetime="([^"]+)">(\d\d:\d\d) UTC</time>')


def _expiry(text: str) -> tuple[int, datetime, str]:
    """The confirmation's seconds to count down, its expiry and the time shown."""
    found = EXPIRY_RE.search(text)
    assert found is not None, text
    when = TIME_RE.search(found.group(0))
    assert when is not None
    return int(found.group(1)), datetime.fromisoformat(when.group(1)), when.group(2)


def test_the_confirm_page_says_until_when_its_confirmation_is_valid(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    before = datetime.now(UTC)
    text = confirm_page(agent_client, customer_id, subscription_ids).content.decode()
    after = datetime.now(UTC)

    seconds, expires_at, shown = _expiry(text)
    assert seconds == settings.CONFIRMATION_TOKEN_SECONDS
    lifetime = timedelta(seconds=settings.CONFIRMATION_TOKEN_SECONDS)
    assert before + lifetime - timedelta(seconds=1) <= expires_at <= after + lifetime
    assert shown == expires_at.astimezone(UTC).strftime("%H:%M")
    assert 'id="confirm-announcer" class="visually-hidden" role="status"' in text
    assert re.search(r'<div class="notice notice-warning" id="confirmation-expired" hidden>', text)


def test_the_reload_link_renews_the_confirmation_with_the_work_and_carries_no_secret(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    email = str(emulator.customer(customer_id)["email"])
    work = {
        "subscription_ids": subscription_ids,
        "requester_email": [email],
        "ticket": ["ZD-1"],
        "delivery": ["email"],
    }
    page = agent_client.get(f"/customers/{customer_id}/portal-session/confirm/?{urlencode(work, doseq=True)}")
    text = page.content.decode()
    token = token_of(page)

    found = re.search(r'id="confirmation-reload" href="([^"]+)"', text)
    assert found is not None
    href = html.unescape(found.group(1))
    assert href.startswith(f"/customers/{customer_id}/portal-session/confirm/?")
    assert parse_qs(urlsplit(href).query) == work
    assert token not in href
    reloaded = agent_client.get(href).content.decode()
    assert 'value="ZD-1"' in reloaded
    assert f'value="{email}"' in reloaded
    assert token_of(agent_client.get(href)) != token


def test_a_step_up_proof_that_lapses_first_is_counted_down_and_then_makes_the_password_required(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES - 3)  # three minutes left, less than the token's

    text = confirm_page(agent_client, customer_id, subscription_ids).content.decode()

    lapses = re.search(
        r'<p class="muted" id="step-up-lapses" data-countdown-seconds="(\d+)"(.*?)</p>', text, re.S
    )
    assert lapses is not None
    assert 170 <= int(lapses.group(1)) <= 180
    assert 'data-countdown-ended="step-up-lapsed"' in lapses.group(2)
    assert 'data-countdown-require="id_password"' in lapses.group(2)
    assert TIME_RE.search(lapses.group(2))
    assert 'id="step-up-lapsed" hidden' in text
    assert 'id="id_password"' in text


def test_a_proof_that_outlasts_the_confirmation_shows_no_step_up_countdown(
    agent_client: Client, emulator: Emulator, customer_id: str, subscription_ids: list[str]
) -> None:
    text = confirm_page(agent_client, customer_id, subscription_ids).content.decode()

    assert 'id="step-up-lapses"' not in text
    assert len(re.findall("data-countdown-seconds", text)) == 1
