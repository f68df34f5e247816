"""Step-up: a password proof (sign-in or re-entered password) within STEP_UP_MINUTES."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import Client, RequestFactory
from pytest_django import Settings

from sessions_app.accounts import step_up as stepup
from sessions_app.models import AuditEvent
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db


def request_as(user: User, session: SessionBase | None = None) -> HttpRequest:
    request = RequestFactory().post("/", REMOTE_ADDR="127.0.0.1", HTTP_USER_AGENT="pytest")
    request.user = user
    request.session = session if session is not None else SessionStore()
    return request


def test_a_session_without_any_proof_is_stale(agent: User) -> None:
    assert not stepup.is_fresh(request_as(agent))


def test_signing_in_counts_as_a_fresh_proof(client: Client, agent: User) -> None:
    client.force_login(agent)
    assert stepup.is_fresh(request_as(agent, client.session))


def test_a_proof_older_than_step_up_minutes_is_stale(agent: User, settings: Settings) -> None:
    request = request_as(agent)
    request.session[stepup.SESSION_KEY] = int(time.time()) - settings.STEP_UP_MINUTES * 60 - 1
    assert not stepup.is_fresh(request)
    request.session[stepup.SESSION_KEY] = int(time.time()) - settings.STEP_UP_MINUTES * 60 + 30
    assert stepup.is_fresh(request)


def test_step_up_can_be_switched_off_by_setting(agent: User, settings: Settings) -> None:
    settings.STEP_UP_REQUIRED = False
    assert stepup.is_fresh(request_as(agent))


def test_the_right_password_steps_up_and_is_audited_as_success(agent: User) -> None:
    request = request_as(agent)
    form = stepup.step_up(request, {"password": PASSWORD}, customer_id="ctm_" + "a" * 26)
    assert form.is_valid()
    assert stepup.is_fresh(request)
    event = AuditEvent.objects.get(action="auth.step_up")
    assert (event.action, event.outcome, event.actor, event.customer_id) == (
        "auth.step_up",
        "success",
        agent,
        "ctm_" + "a" * 26,
    )


def test_a_wrong_password_is_refused_audited_and_counted_by_axes(agent: User) -> None:
    request = request_as(agent)
    form = stepup.step_up(request, {"password": "not the password"})
    assert not form.is_valid()
    assert form.errors["password"] == ["That password is not correct."]
    assert not stepup.is_fresh(request)
    event = AuditEvent.objects.get(action="auth.step_up")
    assert (event.action, event.outcome, event.error_code) == ("auth.step_up", "denied", "password_invalid")
    assert AccessAttempt.objects.get(username="agent").failures_since_start == 1


def test_a_missing_password_is_refused_with_a_clear_message(agent: User) -> None:
    form = stepup.step_up(request_as(agent), {"password": ""})
    assert form.errors["password"] == ["Enter your password to confirm it is you."]
    assert AuditEvent.objects.get(action="auth.step_up").error_code == "password_missing"


def test_an_agent_locked_out_by_failures_cannot_step_up_even_with_the_right_password(
    agent: User, settings: Settings
) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        stepup.step_up(request_as(agent), {"password": "guess"})
    request = request_as(agent)
    assert not stepup.step_up(request, {"password": PASSWORD}).is_valid()
    assert not stepup.is_fresh(request)


def test_another_users_password_does_not_step_up(agent: User, manager: User) -> None:
    manager.set_password("the manager's own password")
    manager.save()
    assert not stepup.step_up(request_as(agent), {"password": "the manager's own password"}).is_valid()


def test_the_password_is_kept_nowhere(agent: User) -> None:
    request = request_as(agent)
    stepup.step_up(request, {"password": PASSWORD})
    request.session.save()
    stored = SessionStore(session_key=request.session.session_key).load()
    assert PASSWORD not in repr(stored)
    assert PASSWORD not in repr(list(AuditEvent.objects.values()))
