"""Confirmation tokens and clocks: the database's clock decides, so a host whose clock is wrong
can neither forget a spent token early nor sign tokens that live longer."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.links import confirmation
from sessions_app.models import SpentConfirmation
from tests.support.journey import assert_sent_back, confirm, create, paddle_posts

pytestmark = pytest.mark.django_db

ELEVEN_MINUTES = 11 * 60


def a_host_whose_clock_is_ahead(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    real_time, real_now = time.time, timezone.now
    monkeypatch.setattr(time, "time", lambda: real_time() + seconds)
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(seconds=seconds))


def test_a_host_11_minutes_ahead_cannot_clean_up_a_spent_token_so_it_works_again(
    agent_client: Client,
    agent: User,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = confirm(agent_client, customer_id, subscription_ids)
    assert (
        create(
            agent_client,
            customer_id,
            subscription_ids,
            token=token,
            requester_email=on_file(emulator, customer_id),
        ).status_code
        == 200
    )

    with monkeypatch.context() as fast:
        a_host_whose_clock_is_ahead(fast, ELEVEN_MINUTES)
        other = confirmation.Confirmation(agent.pk, customer_id, tuple(subscription_ids), "f" * 32)
        confirmation.spend(other)  # its clean-up runs on the fast host

    replay = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        requester_email=on_file(emulator, customer_id),
    )
    assert_sent_back(agent_client, replay, customer_id, "already used")
    assert len(paddle_posts(emulator)) == 1


def test_a_token_signed_on_a_host_11_minutes_ahead_is_refused(
    agent_client: Client,
    agent: User,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as fast:
        a_host_whose_clock_is_ahead(fast, ELEVEN_MINUTES)
        token = confirmation.issue(user=agent, customer_id=customer_id, subscription_ids=subscription_ids)

    refused = create(
        agent_client,
        customer_id,
        subscription_ids,
        token=token,
        requester_email=on_file(emulator, customer_id),
    )

    assert_sent_back(agent_client, refused, customer_id, "dated in the future", emulator)


def test_a_token_signed_slightly_ahead_within_the_margin_still_works(
    agent_client: Client,
    agent: User,
    emulator: Emulator,
    customer_id: str,
    subscription_ids: list[str],
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
) -> None:
    with monkeypatch.context() as fast:
        a_host_whose_clock_is_ahead(fast, settings.CONFIRMATION_CLOCK_SKEW_SECONDS - 10)
        token = confirmation.issue(user=agent, customer_id=customer_id, subscription_ids=subscription_ids)

    assert (
        create(
            agent_client,
            customer_id,
            subscription_ids,
            token=token,
            requester_email=on_file(emulator, customer_id),
        ).status_code
        == 200
    )


def test_spent_tokens_are_kept_for_their_lifetime_plus_twice_the_skew_margin(
    agent: User, settings: Settings
) -> None:
    kept = settings.CONFIRMATION_TOKEN_SECONDS + 2 * settings.CONFIRMATION_CLOCK_SKEW_SECONDS
    for nonce, age in (("a" * 32, kept - 5), ("b" * 32, kept + 5)):
        confirmation.spend(confirmation.Confirmation(agent.pk, "ctm_x", (), nonce))
        SpentConfirmation.objects.filter(nonce=nonce).update(spent_at=timezone.now() - timedelta(seconds=age))

    confirmation.spend(confirmation.Confirmation(agent.pk, "ctm_x", (), "c" * 32))

    assert sorted(SpentConfirmation.objects.values_list("nonce", flat=True)) == ["a" * 32, "c" * 32]


def on_file(emulator: Emulator, customer_id: str) -> str:
    """The customer's email on file: a matching requester for a token signed without a confirm page."""
    email: str = emulator.customer(customer_id)["email"]
    return email
