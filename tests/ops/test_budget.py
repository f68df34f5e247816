"""The shared Paddle budget: all processes together stay under PADDLE_BUDGET_PER_MINUTE."""

import subprocess
import time
from collections.abc import Iterator

import pytest
import redis
from pytest_django import Settings

from sessions_app.dependencies import forget_skips
from sessions_app.paddle import budget
from sessions_app.paddle.budget import Budget
from sessions_app.paddle.errors import PaddleRateLimited
from tests.support.harness import PYTHON, ROOT
from tests.support.redis_db import redis_db_url


class FakeTime:
    """A wall clock that only moves when the budget sleeps or the test says so."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.now += seconds


def fake_budget(clock: FakeTime, *, per_minute: int = 5, max_wait: float = 2.0) -> Budget:
    return Budget(per_minute=per_minute, max_wait=max_wait, clock=clock, sleep=clock.sleep)


@pytest.fixture
def redis_url() -> str:
    """Database 15 of the test Redis, one below for each further xdist worker: flushed freely."""
    return redis_db_url(15)


@pytest.fixture
def redis_cache(settings: Settings, redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    yield client
    client.flushdb()


def test_past_the_budget_a_request_is_refused_with_a_retry_time() -> None:
    clock = FakeTime(1_000.0)
    spend = fake_budget(clock)
    for _ in range(5):
        spend.take()

    with pytest.raises(PaddleRateLimited) as refused:
        spend.take()

    assert refused.value.code == "budget_exhausted"
    assert refused.value.retry_after == 60
    assert refused.value.detail == "Paddle is busy, try again in 60 s"
    assert clock.slept == 0  # no point waiting 2 s for a slot that frees in 60


def test_a_request_waits_for_a_slot_that_frees_within_the_wait() -> None:
    clock = FakeTime(1_000.0)
    spend = fake_budget(clock)
    for _ in range(5):
        spend.take()
    clock.now = 1_059.4

    spend.take()

    assert clock.slept == pytest.approx(0.6)


def test_the_window_slides_one_second_at_a_time() -> None:
    clock = FakeTime(1_000.0)
    spend = fake_budget(clock, max_wait=0)
    for _ in range(3):
        spend.take()
    clock.now = 1_030.0
    for _ in range(2):
        spend.take()
    clock.now = 1_060.0

    for _ in range(3):  # the first three have left the window, the last two have not
        spend.take()
    with pytest.raises(PaddleRateLimited) as refused:
        spend.take()
    assert refused.value.retry_after == 30


def test_the_client_hook_reads_the_budget_from_settings(settings: Settings) -> None:
    settings.PADDLE_BUDGET_PER_MINUTE = 3
    settings.PADDLE_BUDGET_MAX_WAIT = 0.2
    for _ in range(3):
        budget.take()

    started = time.monotonic()
    with pytest.raises(PaddleRateLimited):
        budget.take()
    assert time.monotonic() - started < 0.5


def test_the_budget_holds_on_redis(redis_cache: redis.Redis, settings: Settings) -> None:
    settings.PADDLE_BUDGET_PER_MINUTE = 4
    settings.PADDLE_BUDGET_MAX_WAIT = 0
    for _ in range(4):
        budget.take()

    with pytest.raises(PaddleRateLimited):
        budget.take()
    assert any(redis_cache.scan_iter("*paddle-budget*"))


def test_a_cache_outage_lets_requests_through_with_one_warning_a_minute(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    forget_skips()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.PADDLE_BUDGET_PER_MINUTE = 1

    for _ in range(3):
        budget.take()

    assert caplog.text.count("the Paddle request budget skipped") == 1


WORKER = """
import time
from django.core.cache import cache
from sessions_app.paddle import budget
from sessions_app.paddle.errors import PaddleRateLimited
cache.add("ops-test-ready", 0)
cache.incr("ops-test-ready")
while cache.get("ops-test-ready") < 2:  # both processes start spending together
    time.sleep(0.005)
admitted = 0
for _ in range(60):
    try:
        budget.take()
        admitted += 1
    except PaddleRateLimited:
        pass
print(admitted)
"""


@pytest.mark.slow
def test_two_processes_sharing_redis_never_exceed_the_budget(
    redis_cache: redis.Redis, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CACHE_URL", redis_url)
    monkeypatch.setenv("PADDLE_BUDGET_PER_MINUTE", "40")
    monkeypatch.setenv("PADDLE_BUDGET_MAX_WAIT", "0")
    workers = [
        subprocess.Popen(
            [PYTHON, "manage.py", "shell", "-c", WORKER], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    admitted = [int(worker.communicate(timeout=60)[0].split()[-1]) for worker in workers]

    assert sum(admitted) <= 40
    assert sum(admitted) >= 20
    assert all(count > 0 for count in admitted)  # they did run side by side
