"""Per-agent limits on link creation, counted in the shared cache in fixed windows."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from pytest_django import Settings

from sessions_app.links import limits as ratelimit

pytestmark = pytest.mark.django_db

TEN_TO_ELEVEN = datetime(2026, 11, 25, 10, 59, 30, tzinfo=UTC)


def attempts(user: User, n: int, now: datetime) -> list[ratelimit.LimitResult]:
    return [ratelimit.check_and_count(user, now=now) for _ in range(n)]


def test_the_31st_link_in_an_hour_is_refused_until_the_next_hour(agent: User) -> None:
    assert all(result.allowed for result in attempts(agent, 30, TEN_TO_ELEVEN))
    refused = ratelimit.check_and_count(agent, now=TEN_TO_ELEVEN)
    assert not refused.allowed
    assert (refused.window, refused.limit) == ("hour", 30)
    assert refused.resets_at == datetime(2026, 11, 25, 11, 0, tzinfo=UTC)
    assert refused.retry_after(TEN_TO_ELEVEN) == 30
    assert ratelimit.check_and_count(agent, now=TEN_TO_ELEVEN + timedelta(seconds=30)).allowed


def test_the_day_limit_holds_across_hours_and_resets_at_midnight_utc(agent: User, settings: Settings) -> None:
    settings.PORTAL_SESSIONS_PER_DAY = 3
    assert all(result.allowed for result in attempts(agent, 2, datetime(2026, 11, 25, 9, tzinfo=UTC)))
    assert ratelimit.check_and_count(agent, now=datetime(2026, 11, 25, 15, tzinfo=UTC)).allowed
    refused = ratelimit.check_and_count(agent, now=datetime(2026, 11, 25, 23, 59, tzinfo=UTC))
    assert (refused.allowed, refused.window, refused.limit) == (False, "day", 3)
    assert refused.resets_at == datetime(2026, 11, 26, tzinfo=UTC)
    assert ratelimit.check_and_count(agent, now=datetime(2026, 11, 26, 0, 0, 1, tzinfo=UTC)).allowed


def test_a_refused_attempt_uses_no_quota(agent: User, settings: Settings) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 2
    settings.PORTAL_SESSIONS_PER_DAY = 3
    results = attempts(agent, 5, TEN_TO_ELEVEN)
    assert [result.allowed for result in results] == [True, True, False, False, False]
    # Had the refusals counted towards the day, the next hour would be refused too.
    assert ratelimit.check_and_count(agent, now=TEN_TO_ELEVEN + timedelta(minutes=1)).allowed


def test_an_allowed_attempt_reports_the_tightest_window(agent: User, settings: Settings) -> None:
    settings.PORTAL_SESSIONS_PER_DAY = 5
    result = ratelimit.check_and_count(agent, now=TEN_TO_ELEVEN)
    assert (result.allowed, result.window, result.remaining) == (True, "day", 4)


def test_limits_are_per_agent(agent: User, manager: User, settings: Settings) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 1
    assert ratelimit.check_and_count(agent, now=TEN_TO_ELEVEN).allowed
    assert not ratelimit.check_and_count(agent, now=TEN_TO_ELEVEN).allowed
    assert ratelimit.check_and_count(manager, now=TEN_TO_ELEVEN).allowed


def test_concurrent_attempts_never_exceed_the_limit(agent: User, settings: Settings) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 30
    results: list[ratelimit.LimitResult] = []
    lock = threading.Lock()

    def attempt() -> None:
        result = ratelimit.check_and_count(agent, now=TEN_TO_ELEVEN)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.allowed for result in results) == 30
