"""What an event holds: sign-ins via Django's auth signals, the client's address, the agent string."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.test import Client, RequestFactory
from django.utils import timezone
from pytest_django import Settings

from sessions_app.models import AuditEvent
from tests.support.audit_events import make_event
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db


def last_event() -> AuditEvent:
    return AuditEvent.objects.latest("seq")


def test_signing_in_is_recorded_with_address_and_truncated_user_agent(client: Client, agent: User) -> None:
    client.post(
        "/accounts/login/",
        {"username": "agent", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400,
    )
    event = last_event()
    assert (event.action, event.outcome, event.actor, event.actor_username) == (
        "auth.login",
        "success",
        agent,
        "agent",
    )
    assert event.client_ip == "203.0.113.7"
    assert len(event.user_agent) == 256
    assert event.user_agent.startswith("Mozilla/5.0 x")


def test_a_failed_sign_in_keeps_the_attempted_username_and_no_actor(client: Client, agent: User) -> None:
    client.post("/accounts/login/", {"username": "agent", "password": "wrong password!"})
    event = last_event()
    assert (event.action, event.outcome, event.actor, event.actor_username) == (
        "auth.login_failed",
        "failure",
        None,
        "agent",
    )


def test_an_unknown_attempted_username_is_kept_only_as_a_keyed_hash(db: None) -> None:
    """It may be a password typed into the wrong box."""
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.1")
    user_login_failed.send(sender=__name__, credentials={"username": "Tr0ub4dor&3"}, request=request)
    event = last_event()
    assert event.actor_username.startswith("unknown:")
    assert "Tr0ub4dor" not in event.actor_username
    assert "Tr0ub4dor" not in str(event.details)
    assert event.client_ip == "198.51.100.1"


def test_the_same_unknown_username_always_gets_the_same_hash(db: None) -> None:
    for address in ("198.51.100.1", "198.51.100.2"):
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)
        user_login_failed.send(sender=__name__, credentials={"username": "m" * 200}, request=request)
    first, second = AuditEvent.objects.order_by("seq")
    assert first.actor_username == second.actor_username
    assert len(first.actor_username) < 150


def test_signing_out_is_recorded(client: Client, agent: User) -> None:
    client.force_login(agent)
    client.post("/accounts/logout/")
    event = last_event()
    assert (event.action, event.actor) == ("auth.logout", agent)


def test_a_forwarded_address_is_ignored_unless_its_header_is_trusted(
    client: Client, agent: User, settings: Settings
) -> None:
    def open_the_log() -> None:
        client.get("/audit/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.44, 10.0.0.1")

    client.force_login(agent)
    open_the_log()
    assert last_event().client_ip == "10.0.0.5"
    settings.TRUSTED_PROXY_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    open_the_log()
    assert last_event().client_ip == "192.0.2.44"


def test_event_times_never_go_backwards_even_if_the_clock_does(db: None) -> None:
    first = make_event(at=timezone.now())
    second = make_event(at=first.created_at - timedelta(hours=1))
    assert second.created_at == first.created_at
    assert second.seq == first.seq + 1
