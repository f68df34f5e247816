"""The link service refuses the same way whether a view or any other caller asks it.

Each case is run twice: calling `links.service.issue` directly (as a management command, an
approval or a redeemed email link would) and posting the confirm page's form through the view.
Both must refuse with the same status, write the same audit rows and send nothing to Paddle.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from pytest_django import Settings

from paddle_emulator import Emulator
from sessions_app.accounts import step_up
from sessions_app.context import RequestContext
from sessions_app.links import confirmation, service
from sessions_app.links.refusals import LinkRefusal
from sessions_app.links.requester import Delivery
from sessions_app.models import AuditEvent
from tests.support.journey import create, paddle_posts

pytestmark = pytest.mark.django_db

REASON = "TICKET-7"
# Details that differ between two runs of the same refusal.
_VOLATILE_DETAILS = {"resets_at", "attempt"}
REQUESTER = "requester@example.com"
# The requester check's fields on every row of an attempt: its outcome is unknown (None) on a
# refusal before the customer was fetched, known after it.
BEFORE_CHECK = {"channel": "show", "requester_email": REQUESTER, "requester_match": None}
AFTER_MISMATCH = BEFORE_CHECK | {"requester_match": False}
QUOTA_DETAILS = {"window": "hour", "limit": 0}
SWITCH_DETAILS = {"disabled_by": "setting"}


@dataclass(frozen=True)
class Case:
    """A request that one rule refuses: how to set it up, the status and the audit rows it leaves."""

    status: int
    rows: Callable[[list[str]], list[tuple[Any, ...]]]
    arrange: Callable[..., None]


def _switch_off(settings: Settings, **_: object) -> None:
    settings.KILL_SWITCH_ON = True


def _use_up_quota(settings: Settings, **_: object) -> None:
    settings.PORTAL_SESSIONS_PER_HOUR = 0


def _spend(token: str, agent: User, customer_id: str, ids: list[str], **_: object) -> None:
    confirmation.spend(confirmation.verify(token, user=agent, customer_id=customer_id, subscription_ids=ids))


def _nothing(**_: object) -> None:
    """The case needs no more than its token (stale step-up: the entry ages the proof)."""


CASES = {
    "switched off": Case(
        503,
        lambda ids: [
            ("portal_session.failed", "denied", "disabled", ids, REASON, BEFORE_CHECK | SWITCH_DETAILS)
        ],
        _switch_off,
    ),
    "over the limit": Case(
        429,
        lambda ids: [
            (
                "portal_session.rate_limited",
                "denied",
                "rate_limited",
                ids,
                REASON,
                BEFORE_CHECK | QUOTA_DETAILS,
            )
        ],
        _use_up_quota,
    ),
    "stale step-up": Case(
        403,
        lambda ids: [("auth.step_up", "denied", "password_missing", [], "", {})],
        _nothing,
    ),
    "spent token": Case(
        409,
        lambda ids: [("portal_session.failed", "denied", "confirmation_spent", ids, REASON, BEFORE_CHECK)],
        _spend,
    ),
    "foreign subscription": Case(
        400,
        lambda ids: [
            ("portal_session.failed", "denied", "foreign_subscription", ids, REASON, AFTER_MISMATCH)
        ],
        _nothing,
    ),
}


def _rows() -> list[tuple[Any, ...]]:
    return [
        (
            e.action,
            e.outcome,
            e.error_code,
            e.subscription_ids,
            e.reason,
            {k: v for k, v in e.details.items() if k not in _VOLATILE_DETAILS},
        )
        for e in AuditEvent.objects.order_by("seq")
        if e.action != "auth.login"
    ]


def _proof(agent: User, *, stale: bool, customer_id: str) -> step_up.PasswordProof:
    """The sign-in side's proof, as the view builds it: a session with the last proof, no password typed."""
    request = RequestFactory().post("/")
    request.user = agent
    request.session = SessionStore()
    minutes_ago = 16 if stale else 0
    request.session[step_up.SESSION_KEY] = int(time.time()) - minutes_ago * 60
    return step_up.PasswordProof(request, {}, customer_id=customer_id)


def _through_service(agent: User, customer_id: str, ids: list[str], token: str, *, stale: bool) -> int:
    context = RequestContext(actor=agent, client_ip="127.0.0.1")
    with pytest.raises(LinkRefusal) as refused:
        service.issue(
            context=context,
            customer_id=customer_id,
            subscription_ids=ids,
            reason=REASON,
            confirmation_token=token,
            step_up=_proof(agent, stale=stale, customer_id=customer_id),
            requester_email=REQUESTER,
            delivery=Delivery.SHOW,
        )
    return refused.value.status


def _through_view(agent: User, customer_id: str, ids: list[str], token: str, *, stale: bool) -> int:
    client = Client()
    client.force_login(agent)  # a sign-in is a fresh step-up proof
    if stale:
        session = client.session
        session[step_up.SESSION_KEY] -= 16 * 60
        session.save()
    return create(client, customer_id, ids, token=token, reason=REASON, requester_email=REQUESTER).status_code


# The view sends these back to the confirm page (a 303) with the work kept; the others are terminal.
SENT_BACK_TO_CONFIRM = {"over the limit", "stale step-up", "spent token"}


@pytest.mark.parametrize("entry", [_through_service, _through_view], ids=["service", "view"])
@pytest.mark.parametrize("case_name", list(CASES))
def test_each_rule_refuses_and_audits_the_same_through_any_entry_point(
    entry: Callable[..., int],
    case_name: str,
    agent: User,
    customer_id: str,
    subscription_ids: list[str],
    emulator: Emulator,
    settings: Settings,
) -> None:
    case = CASES[case_name]
    ids = list(subscription_ids)
    if case_name == "foreign subscription":
        ids.append(emulator.subscriptions_of(_another_customer(emulator, customer_id))[0]["id"])
    token = confirmation.issue(user=agent, customer_id=customer_id, subscription_ids=ids)
    case.arrange(settings=settings, token=token, agent=agent, customer_id=customer_id, ids=ids)
    requests_before = len(emulator.requests)

    status = entry(agent, customer_id, ids, token, stale=case_name == "stale step-up")

    if entry is _through_view and case_name in SENT_BACK_TO_CONFIRM:
        assert status == 303  # a retry can mend it: back to the confirm page, with the same rows
    else:
        assert status == case.status
    assert _rows() == case.rows(ids)
    assert paddle_posts(emulator) == []
    if case_name != "foreign subscription":  # only the ownership re-check reads from Paddle
        assert len(emulator.requests) == requests_before


def _another_customer(emulator: Emulator, customer_id: str) -> str:
    return next(c for c in emulator.examples().values() if c != customer_id and emulator.subscriptions_of(c))
