"""Shared fixtures: role personas, the Paddle emulator over loopback HTTP, a network guard."""

import ipaddress
import socket
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from paddle_emulator import Emulator, EmulatorServer, serve
from tests.audit.bypass import empty_audit_log
from tests.mail import Mailbox

TEST_API_KEY = "pdl_sdbx_apikey_01test000000000000000000000_TestTestTestTestTestTe_Tst"
PASSWORD = "correct horse battery staple"

# --- The network guard: only loopback may be reached from a test. ---------------------------
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0] if isinstance(address, tuple) else str(address)
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise RuntimeError(f"test tried to reach {host!r}: only loopback is allowed")
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(scope="session", autouse=True)
def network_guard() -> Iterator[None]:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]


# --- The Paddle emulator, once per test session; faults and counters reset per test. ---------
@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorServer]:
    server = serve(Emulator(api_key=TEST_API_KEY, seed=1), host="127.0.0.1", port=0)
    yield server
    server.stop()


@pytest.fixture
def emulator(emulator_server: EmulatorServer, settings: object) -> Iterator[Emulator]:
    """The emulator, reset, with the app's settings pointing at it."""
    settings.PADDLE_API_BASE_URL = emulator_server.base_url  # type: ignore[attr-defined]
    settings.PADDLE_API_KEY = TEST_API_KEY  # type: ignore[attr-defined]
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
    yield
    cache.clear()


# --- Personas ---------------------------------------------------------------------------------
def make_user(username: str, *, role: str | None = None, **extra: object) -> User:
    """A user with PASSWORD, in the named role's group (if any)."""
    user = User.objects.create_user(username=username, password=PASSWORD, **extra)  # type: ignore[arg-type]
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


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


# --- A real SMTP server on loopback, once per test session; emptied per test. -----------------
@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    server = Mailbox()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox, settings: SettingsWrapper) -> Iterator[Mailbox]:
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
