"""Anonymous sign-in traffic cannot grow the audit log faster than the documented rate.

Documented (README, "Sign-in events"): per client IP and minute, at most SIGN_IN_POSTS_PER_MINUTE
(20) posts reach the password check; each (username, IP) writes at most one `auth.login_failed`
and one `auth.locked_out` row per lockout cool-off. So 1,000 posts from one address within a
minute add at most 20 rows, and at most 2 when they all try one username.
"""

import time

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from sessions_app.models import AuditEvent

pytestmark = pytest.mark.django_db
ATTACKER = "203.0.113.9"


def post(client: Client, username: str, *, ip: str = ATTACKER) -> int:
    response = client.post(reverse("login"), {"username": username, "password": "guess"}, REMOTE_ADDR=ip)
    return response.status_code


def test_a_thousand_anonymous_failures_with_new_usernames_add_at_most_twenty_one_rows(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # All within one clock minute of the throttle, however long the 1,000 posts take here.
    one_minute = (int(time.time()) // 60) * 60 + 1
    monkeypatch.setattr("sessions_app.accounts.throttle.time.time", lambda: float(one_minute))
    statuses = [post(client, f"user{i}") for i in range(1000)]
    # At most 20 failures pass the per-address throttle in a minute, and the 20th locks the
    # address out (spraying): one `auth.locked_out` row for that lock.
    assert AuditEvent.objects.count() <= 21
    assert AuditEvent.objects.filter(action="auth.login_failed").count() <= 20
    assert statuses.count(429) >= 980


def test_a_thousand_anonymous_failures_on_one_username_add_at_most_two_rows(
    client: Client, settings: Settings
) -> None:
    settings.SIGN_IN_POSTS_PER_MINUTE = 0  # the throttle off: the once-per-window rule alone
    for _ in range(1000):
        post(client, "agent")
    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["auth.locked_out", "auth.login_failed"]
    assert (
        AuditEvent.objects.get(action="auth.locked_out").details["failures_counted"] >= 4
    )  # those before the locking one


def test_the_throttle_answers_429_with_retry_after_and_writes_nothing(
    client: Client, settings: Settings
) -> None:
    settings.SIGN_IN_POSTS_PER_MINUTE = 3
    assert [post(client, f"u{i}") for i in range(3)] == [200, 200, 200]
    response = client.post(reverse("login"), {"username": "u9", "password": "x"}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    assert "Too many sign-in attempts" in response.content.decode()
    assert AuditEvent.objects.count() == 3


def test_the_throttle_is_per_address(client: Client, settings: Settings) -> None:
    settings.SIGN_IN_POSTS_PER_MINUTE = 1
    assert post(client, "a") == 200
    assert post(client, "b") == 429
    assert post(client, "b", ip="203.0.113.10") == 200


def test_signed_in_posts_and_other_pages_are_not_throttled(client: Client, settings: Settings) -> None:
    settings.SIGN_IN_POSTS_PER_MINUTE = 1
    post(client, "a")
    assert client.get(reverse("login"), REMOTE_ADDR=ATTACKER).status_code == 200


def test_the_cache_holds_no_attempted_username_or_address(client: Client) -> None:
    from django.core.cache import cache

    post(client, "Tr0ub4dor&3")
    keys = " ".join(str(key) for key in cache._cache)  # type: ignore[attr-defined]
    assert "Tr0ub4dor" not in keys
    assert ATTACKER not in keys
