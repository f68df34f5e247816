"""Retries, Retry-After, timeouts and the deadline, against real sockets."""

import socket
import time
from collections.abc import Callable
from typing import TypeVar

import pytest

from paddle_emulator import Emulator, EmulatorServer
from sessions_app.paddle.client import PaddleClient
from sessions_app.paddle.errors import PaddleRateLimited, PaddleUnavailable
from tests.support.paddle import make_client

T = TypeVar("T")


def timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.monotonic()
    return call(), time.monotonic() - started


def test_a_get_waits_for_retry_after_then_succeeds(client: PaddleClient, emulator: Emulator) -> None:
    emulator.add_fault("/customers/*", kind="error", status=429, retry_after=1, times=1)
    customer_id = emulator.examples()["all_statuses"]

    customer, elapsed = timed(lambda: client.get_customer(customer_id))

    assert customer.id == customer_id
    assert 1.0 <= elapsed < 1.8
    assert len(emulator.requests) == 2


def test_a_get_is_retried_through_bad_gateways(client: PaddleClient, emulator: Emulator) -> None:
    emulator.add_fault("/subscriptions", kind="html", status=502, times=2)

    subscriptions, elapsed = timed(lambda: client.list_subscriptions(emulator.examples()["all_statuses"]))

    assert subscriptions
    assert len(emulator.requests) == 3
    assert 0.3 <= elapsed < 1.0  # backoff 0.1 s + 0.2 s


def test_a_get_is_retried_after_a_dropped_connection(client: PaddleClient, emulator: Emulator) -> None:
    emulator.add_fault("/customers/*", kind="drop", times=1)

    assert client.get_customer(emulator.examples()["all_statuses"])
    assert len(emulator.requests) == 2


def test_a_get_is_retried_after_a_read_timeout(emulator: Emulator, emulator_server: EmulatorServer) -> None:
    client = make_client(emulator_server.base_url, read_timeout=0.3)
    emulator.add_fault("/customers/*", kind="latency", latency_ms=1000, times=1)

    assert client.get_customer(emulator.examples()["all_statuses"])
    assert len(emulator.requests) == 2


def test_the_post_is_not_retried_on_a_server_error(client: PaddleClient, emulator: Emulator) -> None:
    emulator.add_fault("/customers/*/portal-sessions", kind="error", status=500)

    with pytest.raises(PaddleUnavailable) as caught:
        client.create_portal_session(emulator.examples()["no_subscriptions"], [])

    assert (caught.value.code, caught.value.status) == ("internal_error", 500)
    assert len(emulator.requests) == 1


def test_the_post_is_not_retried_after_a_read_timeout(
    emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    client = make_client(emulator_server.base_url, read_timeout=0.3)
    emulator.add_fault("/customers/*/portal-sessions", kind="latency", latency_ms=1000, times=1)

    with pytest.raises(PaddleUnavailable) as caught:
        client.create_portal_session(emulator.examples()["no_subscriptions"], [])

    assert caught.value.code == "timeout"
    assert len(emulator.requests) == 1  # Paddle may have created it: sending again could make two


@pytest.mark.parametrize("kind", ["drop", "truncated"])
def test_the_post_is_not_retried_when_the_answer_is_lost(
    client: PaddleClient, emulator: Emulator, kind: str
) -> None:
    emulator.add_fault("/customers/*/portal-sessions", kind=kind, times=1)

    with pytest.raises(PaddleUnavailable):
        client.create_portal_session(emulator.examples()["no_subscriptions"], [])

    assert len(emulator.requests) == 1


def test_the_post_is_retried_on_a_rate_limit(client: PaddleClient, emulator: Emulator) -> None:
    emulator.add_fault("/customers/*/portal-sessions", kind="error", status=429, retry_after=1, times=1)

    session, elapsed = timed(
        lambda: client.create_portal_session(emulator.examples()["no_subscriptions"], [])
    )

    assert session.id
    assert 1.0 <= elapsed < 1.8
    assert [r.method for r in emulator.requests] == ["POST", "POST"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_post_is_retried_when_it_could_not_connect() -> None:
    attempts: list[float] = []
    client = make_client(
        f"http://127.0.0.1:{closed_port()}", throttle=lambda: attempts.append(time.monotonic())
    )

    with pytest.raises(PaddleUnavailable) as caught:
        client.create_portal_session("ctm_" + "0" * 26, [])

    assert caught.value.code == "connection_failed"
    assert caught.value.status is None
    assert len(attempts) == 4  # nothing reached Paddle, so sending again is safe


@pytest.mark.parametrize(
    ("path", "kind", "latency_ms", "operation", "example", "codes"),
    [
        ("/customers/*", "latency", 3000, "get_customer", "all_statuses", {"timeout"}),
        (
            "/subscriptions",
            "slow_body",
            4000,
            "list_subscriptions",
            "many_subscriptions",
            {"deadline_exceeded", "timeout"},
        ),
    ],
    ids=["an answer that hangs", "a body that trickles"],
)
def test_the_deadline_bounds_an_operation(
    emulator: Emulator,
    emulator_server: EmulatorServer,
    path: str,
    kind: str,
    latency_ms: int,
    operation: str,
    example: str,
    codes: set[str],
) -> None:
    client = make_client(emulator_server.base_url, read_timeout=10, deadline=1.0)
    emulator.add_fault(path, kind=kind, latency_ms=latency_ms)

    started = time.monotonic()
    with pytest.raises(PaddleUnavailable) as caught:
        getattr(client, operation)(emulator.examples()[example])
    elapsed = time.monotonic() - started

    assert caught.value.code in codes
    assert elapsed < 1.3


def test_a_retry_after_beyond_the_deadline_is_not_waited_for(
    emulator: Emulator, emulator_server: EmulatorServer
) -> None:
    client = make_client(emulator_server.base_url, deadline=1.0, max_retry_after=5)
    emulator.add_fault("/customers/*", kind="error", status=429, retry_after=2)

    started = time.monotonic()
    with pytest.raises(PaddleRateLimited) as caught:
        client.get_customer(emulator.examples()["all_statuses"])
    elapsed = time.monotonic() - started

    assert caught.value.retry_after == 2
    assert elapsed < 0.5


def test_the_throttle_runs_before_every_attempt_and_may_refuse(
    client: PaddleClient, emulator: Emulator
) -> None:
    calls: list[int] = []

    def throttle() -> None:
        calls.append(len(emulator.requests))
        if len(calls) > 2:
            raise PaddleRateLimited("budget spent", retry_after=3, code="budget_exhausted")

    throttled = make_client(client.base_url, throttle=throttle)
    emulator.add_fault("/customers/*", kind="error", status=503, times=1)

    assert throttled.get_customer(emulator.examples()["all_statuses"])
    assert calls == [0, 1]  # before the first and the second attempt
    with pytest.raises(PaddleRateLimited, match="budget spent"):
        throttled.get_customer(emulator.examples()["all_statuses"])
    assert len(emulator.requests) == 2
