"""The links live only in the one response: not in the database, cache, session, messages or logs."""

import logging
import pickle
import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client

from paddle_emulator import Emulator
from tests.support.journey import confirm, create, portal_links
from tests.support.mail import Mailbox

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("either_sign_in")]

TOKEN_RE = re.compile(r"pga_[A-Za-z0-9_\-.]+")


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


@pytest.fixture
def debug_logs() -> Iterator[list[str]]:
    """Every log record of every logger, at DEBUG, as the application produced it (before redaction)."""
    capture = _Capture()
    loggers = [
        logging.getLogger(),
        *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict)),
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    # First in line: the configured handler's redaction filter rewrites records in place.
    logging.getLogger().handlers.insert(0, capture)
    yield capture.lines
    logging.getLogger().removeHandler(capture)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _database_text() -> Iterator[str]:
    for model in apps.get_models():
        for row in model._base_manager.all().values():
            yield repr(row)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (names from introspection)
            for row in cursor.fetchall():
                yield repr(row)


def _cache_text() -> Iterator[str]:
    for key, value in cache._cache.items():  # type: ignore[attr-defined]  # LocMemCache's private store (the tests' cache)
        yield key
        yield repr(value)
        yield repr(pickle.loads(value))  # noqa: S301 (our own cache)


def _session_text() -> Iterator[str]:
    for session in Session.objects.all():
        yield repr(session.get_decoded())


def test_the_journey_leaves_no_link_or_token_anywhere(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    debug_logs: list[str],
) -> None:
    email = emulator.customer(customer_id)["email"]
    agent_client.get("/customers/", {"q": email})
    agent_client.get(f"/customers/{customer_id}/")
    token = confirm(agent_client, customer_id, subscription_ids)
    html = create(agent_client, customer_id, subscription_ids, token=token).content.decode()

    links = portal_links(html)
    tokens = set(TOKEN_RE.findall(html))
    assert links
    assert tokens
    needles = {*links, *tokens, "pga_"}
    places = {
        "database": list(_database_text()),
        "cache": list(_cache_text()),
        "session": list(_session_text()),
        "cookies": [morsel.value for morsel in agent_client.cookies.values()],
        "logs": debug_logs,
    }
    assert debug_logs  # the capture works: the journey does log
    for place, texts in places.items():
        for text in texts:
            for needle in needles:
                assert needle not in text, f"{needle[:30]}… found in the {place}"


def test_the_email_journey_leaves_no_redemption_token_or_portal_link_anywhere(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    debug_logs: list[str],
    mailbox: Mailbox,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    assert (
        create(agent_client, customer_id, subscription_ids, token=token, delivery="email").status_code == 200
    )
    [message] = mailbox.messages
    url = message.redemption_url
    redemption_token = url.rstrip("/").rsplit("/", 1)[1]
    customer = Client()
    customer.get(url)  # the scanner's (and then the customer's) GET
    html = customer.post(url).content.decode()
    customer.post(url)  # a second click

    links = portal_links(html)
    assert links
    needles = {*links, *set(TOKEN_RE.findall(html)), "pga_", redemption_token}
    smtp = [received.raw.decode() for received in mailbox.messages]
    places = {
        "database": list(_database_text()),
        "cache": list(_cache_text()),
        "session": list(_session_text()),
        "logs": debug_logs,
        "smtp": smtp,
    }
    assert debug_logs
    for place, texts in places.items():
        for text in texts:
            for needle in needles - ({redemption_token} if place == "smtp" else set()):
                assert needle not in text, f"{needle[:30]}… found in the {place}"
    # The email holds the redemption link (fine) and never a Paddle URL.
    assert all("/portal/" not in text and "pga_" not in text for text in smtp)
    assert any(redemption_token in text for text in smtp)
