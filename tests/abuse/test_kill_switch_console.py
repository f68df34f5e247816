"""The managers' kill switch at /controls/links/: a reason, a confirm step, audited, shown to agents."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.context import RequestContext
from sessions_app.links import kill_switch as killswitch
from sessions_app.models import AuditEvent, KillSwitch
from tests.support.journey import assert_refused, confirm, confirm_and_create, confirm_page, create

pytestmark = pytest.mark.django_db

URL = "/controls/links/"


def switch(client: Client, enabled: str, reason: str) -> None:
    """The two steps: the form, then the confirm page's button."""
    step = client.post(URL, {"enabled": enabled, "reason": reason})
    assert step.status_code == 200
    assert "Yes, switch" in step.content.decode()
    done = client.post(URL, {"enabled": enabled, "reason": reason, "confirmed": "on"})
    assert (done.status_code, done["Location"]) == (302, URL)


def test_the_page_shows_link_creation_on_by_default(manager_client: Client) -> None:
    page = manager_client.get(URL)
    assert page.status_code == 200
    assert "Link creation is <strong>on</strong>" in page.content.decode()


def test_a_manager_switches_off_with_a_reason_after_confirming_and_agents_are_refused_at_once(
    agent_client: Client,
    manager_client: Client,
    manager: User,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)

    switch(manager_client, "off", "Paddle incident INC-42")

    event = AuditEvent.objects.get(action="portal_sessions.switched")
    assert (event.actor, event.outcome, event.reason, event.details) == (
        manager,
        "success",
        "Paddle incident INC-42",
        {"enabled": False},
    )
    stored = KillSwitch.objects.get()
    assert (stored.enabled, stored.changed_by, stored.reason) == (False, manager, "Paddle incident INC-42")
    shown = manager_client.get(URL).content.decode()
    assert "switched off by manager at" in shown
    assert "Paddle incident INC-42" in shown

    refused = create(agent_client, customer_id, subscription_ids, token=token)
    assert_refused(refused, 503, "Link creation is switched off by manager at", emulator)
    assert confirm_page(agent_client, customer_id, subscription_ids).status_code == 503


def test_agents_see_who_when_and_why_and_cannot_tick_while_links_are_off(
    agent_client: Client, manager: User, customer_id: str
) -> None:
    killswitch.set_link_creation(
        context=RequestContext(actor=manager), enabled=False, reason="Card fraud wave"
    )
    page = agent_client.get(f"/customers/{customer_id}/").content.decode()
    assert "Link creation is switched off by manager at" in page
    assert ": Card fraud wave." in page
    assert 'name="subscription_ids"' in page
    assert all(" disabled" in line for line in page.splitlines() if 'name="subscription_ids"' in line)
    assert '<button type="submit" disabled' in page


def test_nothing_changes_before_the_confirm_step(manager_client: Client) -> None:
    step = manager_client.post(URL, {"enabled": "off", "reason": "maintenance"})
    assert step.status_code == 200
    assert killswitch.link_creation_enabled()
    assert not AuditEvent.objects.filter(action="portal_sessions.switched").exists()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201, "tab\there"])
def test_a_switch_without_a_usable_reason_is_refused_with_a_message(
    manager_client: Client, reason: str
) -> None:
    response = manager_client.post(URL, {"enabled": "off", "reason": reason, "confirmed": "on"})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert killswitch.link_creation_enabled()


def test_an_unknown_choice_is_a_400(manager_client: Client) -> None:
    assert manager_client.post(URL, {"enabled": "maybe", "reason": "x", "confirmed": "on"}).status_code == 400


def test_switching_back_on_restores_link_creation(
    agent_client: Client, manager_client: Client, manager: User, customer_id: str, subscription_ids: list[str]
) -> None:
    killswitch.set_link_creation(context=RequestContext(actor=manager), enabled=False, reason="maintenance")
    switch(manager_client, "on", "incident over")
    assert [
        (event.details, event.reason)
        for event in AuditEvent.objects.filter(action="portal_sessions.switched")
    ] == [
        ({"enabled": True}, "incident over"),
        ({"enabled": False}, "maintenance"),
    ]
    assert confirm_and_create(agent_client, customer_id, subscription_ids).status_code == 200


def test_the_setting_is_shown_as_the_reason_links_are_off(manager_client: Client, settings: Settings) -> None:
    settings.KILL_SWITCH_ON = True
    assert "switched off in this console's configuration" in manager_client.get(URL).content.decode()


def test_the_service_refuses_a_switch_without_a_reason(manager: User) -> None:
    with pytest.raises(ValueError, match="reason"):
        killswitch.set_link_creation(context=RequestContext(actor=manager), enabled=False, reason=" ")


def test_the_admin_no_longer_lists_the_switch_and_sends_bookmarks_to_the_console(manager: User) -> None:
    manager.is_staff = True
    manager.save()
    client = Client()
    client.force_login(manager)
    assert "kill switch" not in client.get("/admin/").content.decode().lower()
    for url in ("/admin/sessions_app/killswitch/", "/admin/sessions_app/killswitch/1/change/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, URL)
    assert client.post("/admin/sessions_app/killswitch/1/change/", {"_save": "Save"}).status_code == 302
    assert killswitch.link_creation_enabled()
