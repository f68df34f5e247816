"""Shared fixtures: role personas, the Paddle emulator over loopback HTTP, a network guard."""

import _socket
import ipaddress
import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django import Settings

from paddle_emulator import Emulator, EmulatorServer, serve
from sessions_app.dependencies import forget_skips
from tests.support import harness
from tests.support.audit_bypass import empty_audit_log
from tests.support.mail import Mailbox
from tests.support.personas import PASSWORD, TEST_API_KEY, make_user


# --- Markers ----------------------------------------------------------------------------------
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`postgres_only` and `sqlite_only` tests are skipped on any other configured database."""
    only = {"postgres_only": "postgresql", "sqlite_only": "sqlite"}
    for item in items:
        for marker, vendor in only.items():
            if item.get_closest_marker(marker) is not None and connection.vendor != vendor:
                item.add_marker(
                    pytest.mark.skip(reason=f"needs {vendor} (the database is {connection.vendor})")
                )


# --- The network guard: only loopback may be reached from a test. ---------------------------
_real_connect = socket.socket.connect


def _guarded_connect(self: _socket.socket, address: Any) -> None:  # Any: as socket.connect takes it
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0] if isinstance(address, tuple) else str(address)
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise RuntimeError(f"test tried to reach {host!r}: only loopback is allowed")
    _real_connect(self, address)


@pytest.fixture(scope="session", autouse=True)
def network_guard() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]  # the guard is this very patch
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


# --- The Paddle emulator, once per test session; faults and counters reset per test. ---------
@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    server = serve(Emulator(api_key=TEST_API_KEY, seed=1), host="127.0.0.1", port=0)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def deployment_paddle() -> Iterator[EmulatorServer]:
    """Paddle with no rate limit of its own: the app's budget is what is under test."""
    server = serve(Emulator(harness.API_KEY, rate_limit_per_minute=10**6))
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer, settings: Settings) -> Iterator[Emulator]:
    """The emulator, reset, with the app's settings pointing at it."""
    settings.PADDLE_API_BASE_URL = emulator_server.base_url
    settings.PADDLE_API_KEY = TEST_API_KEY
    emulator_server.emulator.reset()
    yield emulator_server.emulator
    emulator_server.emulator.reset()


@pytest.fixture
def _django_db_helper(_django_db_helper: None) -> Iterator[None]:
    """Wraps pytest-django's database fixture: after a transactional test, empty the audit log.

    Its triggers refuse the DELETE/TRUNCATE with which Django flushes the tables; a rolled-back
    test (in an atomic block) needs nothing.
    """
    yield
    if not connection.in_atomic_block:
        empty_audit_log()


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    forget_skips()  # a test's dead cache must not leave the next one skipping the search's counts
    yield
    cache.clear()


# --- Personas ---------------------------------------------------------------------------------
@pytest.fixture
def agent(db: None) -> User:
    return make_user("agent", role="Support agent")


@pytest.fixture
def manager(db: None) -> User:
    return make_user("manager", role="Support manager")


@pytest.fixture
def auditor(db: None) -> User:
    return make_user("auditor", role="Auditor")


@pytest.fixture
def outsider(db: None) -> User:
    """Signed in, but with no role."""
    return make_user("outsider")


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


@pytest.fixture
def agent_client(client: Client, agent: User) -> Client:
    client.force_login(agent)
    return client


@pytest.fixture
def manager_client(manager: User) -> Client:
    """A browser of its own, so that a test may use it beside `agent_client`."""
    client = Client()
    client.force_login(manager)
    return client


# --- The emulator's example customer ----------------------------------------------------------
@pytest.fixture
def customer_id(emulator: Emulator) -> str:
    """The example customer with a subscription in every status."""
    return emulator.examples()["all_statuses"]


@pytest.fixture
def subscription_ids(emulator: Emulator, customer_id: str) -> list[str]:
    """Two of that customer's subscriptions."""
    return [s["id"] for s in emulator.subscriptions_of(customer_id)][:2]


# --- Playwright: one headless Debian Chromium per test process, for every browser test -------
# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test body
# are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(5000)
    return page


# --- A real SMTP server on loopback, once per test session; emptied per test. -----------------
@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    server = Mailbox()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox, settings: Settings) -> Iterator[Mailbox]:
    """The SMTP server, emptied, with the app sending through it (not Django's test outbox)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.host
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    smtp_server.clear()
    yield smtp_server
    smtp_server.clear()
