"""One headless Debian Chromium per test session, driven by Playwright against `live_server`."""

import io
from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django.live_server_helper import LiveServer

from tests.support.browser import SCREENS, sign_in
from tests.support.personas import PASSWORD, make_user


@pytest.fixture
def roles(transactional_db: None) -> None:
    """The console's roles, made again in a database that a transactional test may have flushed."""
    call_command("bootstrap_roles", stdout=io.StringIO())


@pytest.fixture
def browser_agent(transactional_db: None) -> User:
    """An agent in a database that a transactional test may have flushed: roles are made again first."""
    call_command("bootstrap_roles", stdout=io.StringIO())
    return make_user("agent", role="Support agent")


@pytest.fixture(params=list(SCREENS))
def sized_context(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[BrowserContext]:
    """A browser at each of the journeys' widths, allowed to read and write the console's clipboard."""
    width, height = SCREENS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    yield context
    context.close()  # no keep-alive connection outlives the test's database


@pytest.fixture
def sized_page(sized_context: BrowserContext) -> Page:
    page = sized_context.new_page()
    page.set_default_timeout(5000)
    return page


@pytest.fixture
def agent_page(sized_page: Page, live_server: LiveServer, browser_agent: User) -> Page:
    """An agent signed in through the sign-in form, at each of the journeys' widths."""
    sign_in(sized_page, live_server.url)
    return sized_page


@pytest.fixture
def signed_in_page(browser: Browser, live_server: LiveServer) -> Iterator[Callable[[str, str], Page]]:
    """Opens a browser of its own for a user at one of SCREENS, signed in through the sign-in form
    (where it lands is the test's business); every browser is closed after the test, so no
    keep-alive connection outlives the test's database."""
    contexts: list[BrowserContext] = []

    def open_signed_in(username: str, screen: str) -> Page:
        width, height = SCREENS[screen]
        contexts.append(context := browser.new_context(viewport={"width": width, "height": height}))
        page = context.new_page()
        page.set_default_timeout(5000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield open_signed_in
    for context in contexts:
        context.close()
