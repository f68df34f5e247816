"""Paddle calls from many threads: logged as their page's, and safe on a pool that is full."""

import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from pytest_django import Settings
from urllib3.connectionpool import HTTPConnectionPool

from paddle_emulator import Emulator
from portal_admin.logging import RequestContextFilter
from sessions_app.paddle.client import PaddleClient

pytestmark = pytest.mark.django_db


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.addFilter(RequestContextFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def paddle_log() -> Iterator[_Lines]:
    lines, logger = _Lines(), logging.getLogger("sessions_app.paddle.client")
    logger.addHandler(lines)
    yield lines
    logger.removeHandler(lines)


def test_each_pages_four_paddle_calls_carry_that_pages_request_id_user_and_path(
    agent_client: Client, emulator: Emulator, customer_id: str, paddle_log: _Lines
) -> None:
    pages = [agent_client.get(f"/customers/{customer_id}/") for _ in range(3)]

    for page in pages:
        calls = [r for r in paddle_log.records if r.request_id == page["X-Request-Id"]]  # type: ignore[attr-defined]
        assert sorted(r.getMessage().split()[2] for r in calls) == [
            "/customers/{id}",
            "/customers/{id}/payment-methods",
            "/subscriptions",
            "/transactions",
        ]
        assert {(r.user, r.path) for r in calls} == {("agent", f"/customers/{customer_id}/")}  # type: ignore[attr-defined]
    assert len(paddle_log.records) == 12


def test_a_connection_the_pool_closes_once_the_body_is_read_does_not_fail_the_call(
    emulator: Emulator, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under load the pool is full: urllib3 closes each connection handed back, as here."""
    monkeypatch.setattr(HTTPConnectionPool, "_put_conn", lambda pool, connection: connection.close())
    client = PaddleClient(api_key=settings.PADDLE_API_KEY, base_url=settings.PADDLE_API_BASE_URL)
    customer_id = emulator.examples()["all_statuses"]

    assert client.get_customer(customer_id).id == customer_id
    assert client.create_portal_session(customer_id, []).customer_id == customer_id
