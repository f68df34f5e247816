"""Step-up in the journey: a stale password proof is asked for on the confirm page and checked on create."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.models import AuditEvent
from tests.support.journey import (
    age_step_up,
    assert_sent_back,
    confirm,
    confirm_and_create,
    confirm_page,
    create,
    paddle_posts,
    token_of,
)
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db

PASSWORD_FIELD = 'type="password" name="password"'


def actions() -> list[tuple[str, str]]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", "outcome"))


def test_a_fresh_sign_in_needs_no_password(
    agent_client: Client, customer_id: str, subscription_ids: list[str], emulator: Emulator
) -> None:
    page = confirm_page(agent_client, customer_id, subscription_ids)
    assert PASSWORD_FIELD not in page.content.decode()
    assert create(agent_client, customer_id, subscription_ids, token=token_of(page)).status_code == 200
    assert ("auth.step_up", "success") not in actions()


def test_signing_in_through_the_login_page_counts_as_a_fresh_proof(
    client: Client, agent: User, customer_id: str, subscription_ids: list[str], emulator: Emulator
) -> None:
    assert client.post("/accounts/login/", {"username": "agent", "password": PASSWORD}).status_code == 302
    assert PASSWORD_FIELD not in confirm_page(client, customer_id, subscription_ids).content.decode()


def test_a_stale_proof_makes_the_confirm_page_ask_for_the_password(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    page = confirm_page(agent_client, customer_id, subscription_ids)
    assert PASSWORD_FIELD in page.content.decode()
    assert f"in the last {settings.STEP_UP_MINUTES} minutes" in page.content.decode()


def test_a_wrong_password_is_refused_audited_and_never_reaches_paddle(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    token = confirm(agent_client, customer_id, subscription_ids)
    calls_before = len(emulator.requests)

    response = create(agent_client, customer_id, subscription_ids, token=token, password="not my password")

    assert response.status_code == 303
    assert len(emulator.requests) == calls_before
    page = assert_sent_back(agent_client, response, customer_id, "That password is not correct.")
    assert PASSWORD_FIELD in page.content.decode()  # asked again, the work kept
    step_up = AuditEvent.objects.get(action="auth.step_up")
    assert (step_up.outcome, step_up.error_code, step_up.customer_id) == (
        "denied",
        "password_invalid",
        customer_id,
    )
    assert not AuditEvent.objects.filter(action__startswith="portal_session.").exists()


def test_a_missing_password_is_refused_when_the_proof_is_stale(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    response = confirm_and_create(agent_client, customer_id, subscription_ids)
    assert_sent_back(agent_client, response, customer_id, "Enter your password", emulator)


def test_after_a_typo_the_same_confirmation_works_with_the_right_password(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    token = confirm(agent_client, customer_id, subscription_ids)
    assert (
        create(agent_client, customer_id, subscription_ids, token=token, password="typo").status_code == 303
    )
    assert (
        create(agent_client, customer_id, subscription_ids, token=token, password=PASSWORD).status_code == 200
    )


def test_the_right_password_steps_up_and_creates_in_one_post_and_stays_fresh(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    token = confirm(agent_client, customer_id, subscription_ids)
    response = create(agent_client, customer_id, subscription_ids, token=token, password=PASSWORD)
    assert response.status_code == 200
    assert actions()[-3:] == [
        ("auth.step_up", "success"),
        ("portal_session.requested", "success"),
        ("portal_session.created", "success"),
    ]
    # Fresh again: the next links need no password.
    assert PASSWORD_FIELD not in confirm_page(agent_client, customer_id, subscription_ids).content.decode()
    assert confirm_and_create(agent_client, customer_id, subscription_ids).status_code == 200


def test_step_up_can_be_switched_off(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    settings.STEP_UP_REQUIRED = False
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    assert PASSWORD_FIELD not in confirm_page(agent_client, customer_id, subscription_ids).content.decode()
    assert confirm_and_create(agent_client, customer_id, subscription_ids).status_code == 200


def test_repeated_wrong_passwords_lock_the_agent_out_of_step_up(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    token = confirm(agent_client, customer_id, subscription_ids)
    statuses = [
        create(agent_client, customer_id, subscription_ids, token=token, password=f"guess {n}").status_code
        for n in range(settings.LOGIN_FAILURE_LIMIT)
    ]
    # The last failure trips django-axes, whose lockout page replaces the refusal.
    assert statuses == [303] * (settings.LOGIN_FAILURE_LIMIT - 1) + [429]
    locked = create(agent_client, customer_id, subscription_ids, token=token, password=PASSWORD)
    assert locked.status_code == 429
    assert not paddle_posts(emulator)
    assert AuditEvent.objects.filter(action="auth.locked_out").exists()
