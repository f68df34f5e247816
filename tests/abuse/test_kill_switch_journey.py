"""The kill switch in the journey: by setting or by a manager in the admin, refused at once, audited."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.context import RequestContext
from sessions_app.links import kill_switch as killswitch
from sessions_app.models import AuditEvent
from tests.support.journey import age_step_up, assert_refused, confirm, confirm_page, create
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db

SWITCHED_OFF = "Link creation is switched off"


def test_the_setting_switches_off_the_confirm_page(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    settings.KILL_SWITCH_ON = True
    response = confirm_page(agent_client, customer_id, subscription_ids)
    assert response.status_code == 503
    assert SWITCHED_OFF in response.content.decode()
    assert emulator.requests == []


def test_the_setting_refuses_a_confirmed_creation_without_asking_paddle(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    settings.KILL_SWITCH_ON = True
    calls_before = len(emulator.requests)

    response = create(agent_client, customer_id, subscription_ids, token=token)

    assert response.status_code == 503
    assert "switched off in this console's configuration" in response.content.decode()
    assert len(emulator.requests) == calls_before
    event = AuditEvent.objects.get(action="portal_session.failed")
    assert (event.outcome, event.error_code, event.details["disabled_by"]) == (
        "denied",
        "disabled",
        "setting",
    )
    assert not AuditEvent.objects.filter(action="portal_session.requested").exists()


def test_a_manager_switch_refuses_a_confirmed_creation_at_once(
    agent_client: Client, manager: User, customer_id: str, subscription_ids: list[str], emulator: Emulator
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    killswitch.set_link_creation(context=RequestContext(actor=manager), enabled=False, reason="maintenance")

    response = create(agent_client, customer_id, subscription_ids, token=token)

    assert_refused(response, 503, "switched off by manager at", emulator)
    event = AuditEvent.objects.get(action="portal_session.failed")
    assert event.details["disabled_by"] == "manager"


def test_a_switched_off_console_asks_no_password_and_uses_no_quota(
    agent_client: Client,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 1
    token = confirm(agent_client, customer_id, subscription_ids)
    age_step_up(agent_client, settings.STEP_UP_MINUTES + 1)
    settings.KILL_SWITCH_ON = True
    assert create(agent_client, customer_id, subscription_ids, token=token).status_code == 503
    assert not AuditEvent.objects.filter(action="auth.step_up").exists()
    settings.KILL_SWITCH_ON = False
    assert (
        create(agent_client, customer_id, subscription_ids, token=token, password=PASSWORD).status_code == 200
    )
