"""The managers' kill switch in the Django admin: one row, audited changes, refused at once."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from paddle_emulator import Emulator
from sessions_app.context import RequestContext
from sessions_app.links import kill_switch as killswitch
from sessions_app.models import AuditEvent, KillSwitch
from tests.support.journey import assert_refused, confirm, confirm_and_create, confirm_page, create

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/sessions_app/killswitch/"
CHANGE_URL = f"{LIST_URL}1/change/"


def staff_client(user: User) -> Client:
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_the_manager_role_may_view_and_change_the_switch(manager: User, agent: User) -> None:
    assert manager.has_perms(["sessions_app.view_killswitch", "sessions_app.change_killswitch"])
    assert not agent.has_perm("sessions_app.change_killswitch")


def test_the_admin_list_goes_straight_to_the_single_switch(manager: User) -> None:
    admin_client = staff_client(manager)
    response = admin_client.get(LIST_URL)
    assert (response.status_code, response["Location"]) == (302, CHANGE_URL)
    assert KillSwitch.objects.get().enabled
    form = admin_client.get(CHANGE_URL)
    assert form.status_code == 200
    assert 'name="enabled"' in form.content.decode()


def test_a_manager_switches_link_creation_off_in_the_admin_and_it_is_refused_at_once(
    agent_client: Client, manager: User, customer_id: str, subscription_ids: list[str], emulator: Emulator
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    admin_client = staff_client(manager)
    assert admin_client.get(LIST_URL).status_code == 302

    response = admin_client.post(CHANGE_URL, {"_save": "Save"})  # "enabled" unticked

    assert (response.status_code, response["Location"]) == (302, LIST_URL)
    switched = AuditEvent.objects.get(action="portal_sessions.switched")
    assert (switched.actor, switched.outcome, switched.details) == (manager, "success", {"enabled": False})
    switch = KillSwitch.objects.get()
    assert (switch.enabled, switch.changed_by) == (False, manager)

    refused = create(agent_client, customer_id, subscription_ids, token=token)
    assert_refused(refused, 503, "Link creation is switched off by a manager", emulator)
    assert confirm_page(agent_client, customer_id, subscription_ids).status_code == 503

    page = agent_client.get(f"/customers/{customer_id}/").content.decode()
    assert "Link creation is switched off by a manager" in page
    assert '<button type="submit" disabled' in page


def test_switching_back_on_in_the_admin_restores_link_creation(
    agent_client: Client, manager: User, customer_id: str, subscription_ids: list[str], emulator: Emulator
) -> None:
    killswitch.set_link_creation(context=RequestContext(actor=manager), enabled=False)
    response = staff_client(manager).post(CHANGE_URL, {"enabled": "on", "_save": "Save"})
    assert response.status_code == 302
    assert [event.details for event in AuditEvent.objects.filter(action="portal_sessions.switched")] == [
        {"enabled": True},
        {"enabled": False},
    ]
    assert confirm_and_create(agent_client, customer_id, subscription_ids).status_code == 200


def test_the_switch_cannot_be_added_or_deleted(manager: User) -> None:
    admin_client = staff_client(manager)
    admin_client.get(LIST_URL)
    assert admin_client.get(f"{LIST_URL}add/").status_code == 403
    assert admin_client.post(f"{LIST_URL}1/delete/", {"post": "yes"}).status_code == 403
    assert KillSwitch.objects.count() == 1


def test_staff_without_the_manager_role_cannot_see_or_flip_the_switch(agent: User) -> None:
    killswitch.get_switch()
    admin_client = staff_client(agent)
    assert admin_client.get(LIST_URL).status_code == 403
    assert admin_client.get(CHANGE_URL).status_code == 403
    assert admin_client.post(CHANGE_URL, {"_save": "Save"}).status_code == 403
    assert killswitch.link_creation_enabled()
    assert not AuditEvent.objects.filter(action="portal_sessions.switched").exists()
