"""Lockout across usernames (password spraying) and across addresses, and what axes keeps."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.journey import age_step_up, confirm, create
from tests.support.personas import PASSWORD
from tests.support.responses import ClientResponse

SPRAYER = "10.0.0.66"


def sign_in(client: Client, username: str, password: str, *, ip: str) -> ClientResponse:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def lockouts() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.AUTH_LOCKED_OUT))


@pytest.mark.django_db
def test_spraying_passwords_across_usernames_locks_the_address(client: Client, agent: User) -> None:
    # 24 guesses over 6 usernames from one address: 4 each, never 5 for one (username, address).
    statuses = [sign_in(client, f"user{n % 6}", "Winter2026!", ip=SPRAYER).status_code for n in range(24)]

    assert statuses[:20] == [200] * 19 + [429]
    assert set(statuses[20:]) == {429}
    # Even a real account's right password is refused from that address for the cool-off ...
    assert sign_in(client, "agent", PASSWORD, ip=SPRAYER).status_code == 429
    # ... and from anywhere else it works.
    assert sign_in(Client(), "agent", PASSWORD, ip="10.0.0.1").status_code == 302
    assert [e.details["locked"] for e in lockouts()] == ["ip"]  # once, however many refusals


@pytest.mark.django_db
def test_the_attackers_own_sign_in_does_not_reset_the_address_count(
    client: Client, agent: User, settings: Settings
) -> None:
    settings.LOGIN_FAILURES_PER_IP = 6
    for n in range(5):
        sign_in(client, f"user{n}", "guess", ip=SPRAYER)

    assert sign_in(Client(), "agent", PASSWORD, ip=SPRAYER).status_code == 302
    assert sign_in(Client(), "user5", "guess", ip=SPRAYER).status_code == 429


@pytest.mark.django_db
def test_one_username_failing_from_many_addresses_is_locked(
    client: Client, agent: User, settings: Settings
) -> None:
    statuses = [sign_in(client, "agent", "guess", ip=f"10.9.0.{n}").status_code for n in range(12)]

    assert statuses[: settings.LOGIN_FAILURES_PER_USERNAME] == [200] * 9 + [429]
    assert sign_in(client, "agent", PASSWORD, ip="10.0.0.1").status_code == 429
    assert [e.details["locked"] for e in lockouts()] == ["username"]


@pytest.mark.django_db
def test_both_wider_counts_can_be_switched_off(client: Client, agent: User, settings: Settings) -> None:
    settings.LOGIN_FAILURES_PER_IP = 0
    settings.LOGIN_FAILURES_PER_USERNAME = 0
    settings.SIGN_IN_POSTS_PER_MINUTE = 0  # the per-address throttle is another control
    for n in range(24):
        assert sign_in(client, f"user{n % 6}", "guess", ip=SPRAYER).status_code == 200
    for n in range(12):
        assert sign_in(client, "agent", "guess", ip=f"10.9.0.{n}").status_code == 200


@pytest.mark.django_db
def test_axes_keeps_no_form_data_of_a_failed_step_up(
    agent_client: Client,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    token = confirm(agent_client, customer_id, subscription_ids)

    refused = create(
        agent_client, customer_id, subscription_ids, token=token, password="wrong", reason="SECRET-REASON"
    )

    assert refused.status_code == 303  # back to the confirm page, the work kept
    attempt = AccessAttempt.objects.get(username="agent")
    assert (attempt.post_data, attempt.get_data) == ("", "")
    stored = " ".join(str(value) for value in AccessAttempt.objects.values_list().get())
    assert token not in stored
    assert "SECRET-REASON" not in stored
    assert "csrfmiddlewaretoken" not in stored
