"""Per-agent read limits: one agent's burst of searches or customer pages is stopped with a 429
before it reaches Paddle, and the others keep working on the budget it would have taken."""

import re
import time

import pytest
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app import read_limits
from sessions_app.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def within_one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's reads all fall in one window, 10 s into it, whenever the test runs."""
    now = time.time()
    monkeypatch.setattr(read_limits, "clock", lambda: now - now % 60 + 10)


def paddle_reads(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests if r.method == "GET")


def test_an_agent_past_the_search_limit_gets_a_429_with_the_reset_time_and_paddle_is_not_asked(
    agent_client: Client, emulator: Emulator, settings: Settings
) -> None:
    settings.SEARCHES_PER_MINUTE = 3

    statuses = [agent_client.get("/customers/", {"q": "Jo"}).status_code for _ in range(3)]
    refused = agent_client.get("/customers/", {"q": "Jo"})

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    page = refused.content.decode()
    assert "Too many lookups" in page
    assert re.search(r"Try again at <time[^>]*>\d\d:\d\d:\d\d UTC</time>", page)
    assert "no-store" in refused["Cache-Control"] or "max-age=0" in refused["Cache-Control"]
    assert paddle_reads(emulator) == 3 * 2  # each search: its customers, then their subscription counts
    assert AuditEvent.objects.filter(action="customer.search").count() == 3


def test_live_search_gets_the_refusal_as_a_fragment(
    agent_client: Client, emulator: Emulator, settings: Settings
) -> None:
    settings.SEARCHES_PER_MINUTE = 1
    agent_client.get("/customers/", {"q": "Jo"}, HTTP_HX_REQUEST="true")

    refused = agent_client.get("/customers/", {"q": "Jon"}, HTTP_HX_REQUEST="true")

    assert refused.status_code == 429
    assert "<html" not in refused.content.decode()
    assert "Slow down." in refused.content.decode()


def test_the_empty_search_page_is_not_counted(agent_client: Client, settings: Settings) -> None:
    settings.SEARCHES_PER_MINUTE = 1
    for _ in range(5):
        assert agent_client.get("/customers/").status_code == 200


def test_customer_pages_have_their_own_limit(
    agent_client: Client, emulator: Emulator, customer_id: str, settings: Settings
) -> None:
    settings.CUSTOMER_VIEWS_PER_MINUTE = 2

    statuses = [agent_client.get(f"/customers/{customer_id}/").status_code for _ in range(4)]

    assert statuses == [200, 200, 429, 429]
    assert agent_client.get("/customers/", {"q": "Jo"}).status_code == 200


def test_one_agent_hammering_cannot_starve_another_agents_searches(
    agent_client: Client, manager_client: Client, emulator: Emulator, settings: Settings
) -> None:
    # The finding: 240 searches in 1.5 s by one agent, then a manager got 503 budget_exhausted.
    settings.PADDLE_BUDGET_PER_MINUTE = 24  # two reads per search: customers, subscription counts
    settings.PADDLE_BUDGET_MAX_WAIT = 0
    settings.SEARCHES_PER_MINUTE = 5

    hammering = [agent_client.get("/customers/", {"q": "Jo"}).status_code for _ in range(60)]
    others = [manager_client.get("/customers/", {"q": "Jo"}).status_code for _ in range(5)]

    assert hammering == [200] * 5 + [429] * 55
    assert others == [200] * 5
    assert paddle_reads(emulator) == 20
