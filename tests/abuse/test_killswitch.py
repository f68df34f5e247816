"""The kill switch: the KILL_SWITCH_ON setting and the managers' flag."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError
from django.test import RequestFactory
from pytest_django import Settings

from sessions_app.context import RequestContext, context_of
from sessions_app.links import kill_switch as killswitch
from sessions_app.models import AuditEvent, KillSwitch
from tests.support.journey import refuse_audit_inserts

pytestmark = pytest.mark.django_db


def test_link_creation_is_on_by_default_even_before_the_switch_row_exists() -> None:
    assert not KillSwitch.objects.exists()
    assert killswitch.link_creation_enabled()
    assert killswitch.disabled_by() == ""


def test_the_setting_switches_link_creation_off(settings: Settings) -> None:
    settings.KILL_SWITCH_ON = True
    assert not killswitch.link_creation_enabled()
    assert killswitch.disabled_by() == killswitch.BY_SETTING


def test_a_manager_switching_off_takes_effect_at_once_and_is_audited(manager: User) -> None:
    request = RequestFactory().post("/", REMOTE_ADDR="10.1.2.3")
    killswitch.set_link_creation(
        context=context_of(request, actor=manager), enabled=False, reason="maintenance"
    )
    assert not killswitch.link_creation_enabled()
    assert killswitch.disabled_by() == killswitch.BY_MANAGER
    switch = killswitch.get_switch()
    assert (switch.enabled, switch.changed_by, switch.changed_at is not None) == (False, manager, True)
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor, event.details, event.client_ip) == (
        "portal_sessions.switched",
        "success",
        manager,
        {"enabled": False},
        "10.1.2.3",
    )


def test_switching_back_on_is_audited_too(manager: User) -> None:
    killswitch.set_link_creation(context=RequestContext(actor=manager), enabled=False, reason="maintenance")
    killswitch.set_link_creation(context=RequestContext(actor=manager), enabled=True, reason="maintenance")
    assert killswitch.link_creation_enabled()
    assert [event.details for event in AuditEvent.objects.order_by("seq")] == [
        {"enabled": False},
        {"enabled": True},
    ]


def test_setting_the_switch_to_its_current_state_records_nothing(manager: User) -> None:
    killswitch.set_link_creation(context=RequestContext(actor=manager), enabled=True, reason="maintenance")
    assert not AuditEvent.objects.exists()
    assert killswitch.get_switch().changed_by is None


def test_the_setting_wins_over_a_switch_left_on(manager: User, settings: Settings) -> None:
    killswitch.get_switch()
    settings.KILL_SWITCH_ON = True
    assert killswitch.disabled_by() == killswitch.BY_SETTING


def test_a_switch_whose_audit_record_is_refused_does_not_change(manager: User) -> None:
    refuse_audit_inserts("portal_sessions.switched")
    request = RequestFactory().post("/")
    with pytest.raises(DatabaseError):
        killswitch.set_link_creation(
            context=context_of(request, actor=manager), enabled=False, reason="maintenance"
        )
    assert killswitch.link_creation_enabled()
    assert not AuditEvent.objects.exists()
