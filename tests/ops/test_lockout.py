"""Login lockout: five failures per username and address lock sign-in for the cool-off."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from sessions_app.models import AuditEvent
from tests.support.personas import PASSWORD
from tests.support.responses import ClientResponse

HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def sign_in(client: Client, password: str, *, ip: str = HOME, username: str = "agent") -> ClientResponse:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, times: int, *, ip: str = HOME) -> None:
    for _ in range(times):
        sign_in(client, "wrong password", ip=ip)


@pytest.mark.django_db
def test_four_failures_do_not_lock(client: Client, agent: User) -> None:
    for _ in range(4):
        assert sign_in(client, "wrong password").status_code == 200

    assert sign_in(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_after_five_failures_even_the_right_password_gets_the_lockout_page(
    client: Client, agent: User
) -> None:
    fail(client, 4)
    fifth = sign_in(client, "wrong password")
    last_failure = AccessAttempt.objects.get(username="agent").attempt_time

    sixth = sign_in(client, PASSWORD)

    for response in (fifth, sixth):
        assert response.status_code == 429
        assert 890 <= int(response["Retry-After"]) <= 900
        assert "Sign-in locked" in response.content.decode()
    retry_at = last_failure + timedelta(minutes=16)  # shown rounded up to the minute
    assert f"{retry_at:%H:%M} UTC" in sixth.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_is_audited_once_per_window(client: Client, agent: User) -> None:
    fail(client, 4)
    sign_in(client, "wrong password")
    sign_in(client, PASSWORD)
    sign_in(client, "wrong password")

    events = AuditEvent.objects.filter(action=AuditEvent.Action.AUTH_LOCKED_OUT)
    # The locking failure is written; the refused attempt after it is counted, not repeated.
    assert events.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.AUTH_LOGIN_FAILED).count() == 1
    for event in events:
        assert event.outcome == AuditEvent.Outcome.DENIED
        assert event.actor is None
        assert event.actor_username == "agent"
        assert event.client_ip == HOME


@pytest.mark.django_db
def test_the_same_username_from_another_address_is_not_locked(client: Client, agent: User) -> None:
    fail(client, 5)

    assert sign_in(client, PASSWORD, ip=ELSEWHERE).status_code == 302


@pytest.mark.django_db
def test_attempts_while_locked_do_not_extend_the_lock(client: Client, agent: User) -> None:
    fail(client, 5)
    first_lock = AccessAttempt.objects.get(username="agent").attempt_time

    sign_in(client, "wrong password")
    sign_in(client, PASSWORD)

    assert AccessAttempt.objects.get(username="agent").attempt_time == first_lock


@pytest.mark.django_db
def test_after_the_cool_off_the_right_password_works_again(client: Client, agent: User) -> None:
    fail(client, 5)
    assert sign_in(client, PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get(username="agent")
    attempt.attempt_time -= timedelta(minutes=15, seconds=1)  # fifteen minutes pass
    attempt.save()

    assert sign_in(client, PASSWORD).status_code == 302
