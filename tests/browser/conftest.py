"""One headless Debian Chromium per test session, driven by Playwright against `live_server`."""

import io
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext
from pytest_django.live_server_helper import LiveServer

from tests.support.personas import make_user

# The agent's widths for the journeys: a laptop and a phone.
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}


@pytest.fixture
def browser_agent(transactional_db: None) -> User:
    """An agent in a database that a transactional test may have flushed: roles are made again first."""
    call_command("bootstrap_roles", stdout=io.StringIO())
    return make_user("agent", role="Support agent")


@pytest.fixture(params=list(WIDTHS))
def sized_context(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[BrowserContext]:
    """A browser at one of the journey widths that may read and write the console's clipboard."""
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    yield context
    context.close()
