"""Two managers deciding at once, or two completions at once, on PostgreSQL: exactly one wins.

Each thread has its own database connection (Django's are per thread), and a barrier lets them
send their conditional UPDATEs together; the row lock makes the second re-check `status`.
"""

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from sessions_app.context import RequestContext
from sessions_app.links import approvals
from sessions_app.links.refusals import ApprovalRefused
from sessions_app.models import ApprovalRequest, AuditEvent
from sessions_app.roles import sync_roles
from tests.support.personas import make_user

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CUSTOMER = "ctm_01aaaaaaaaaaaaaaaaaaaaaaaa"


@pytest.fixture(autouse=True)
def _roles(db: None) -> None:
    sync_roles(apps)  # the flush after a transactional test empties the groups the migration made


def _pending_request(requester: User) -> ApprovalRequest:
    now = timezone.now()
    return ApprovalRequest.objects.create(
        requester=requester,
        customer_id=CUSTOMER,
        customer_email="vip@example.com",
        customer_name="VIP",
        subscription_ids=[],
        reason="TICKET-1",
        requester_email="vip@example.com",
        requester_match=True,
        delivery="show",
        rules=["high_value"],
        created_at=now,
        expires_at=now + timedelta(minutes=30),
        content_hash="a" * 64,
    )


def _race(actions: list[Callable[[], object]]) -> list[str]:
    """Run the actions in threads released together; each one's result ("ok" or a refusal code)."""
    barrier = threading.Barrier(len(actions))
    results: list[str] = ["" for _ in actions]

    def run(index: int, action: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            action()
            results[index] = "ok"
        except ApprovalRefused as refusal:
            results[index] = refusal.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_managers_approving_at_once_make_exactly_one_decision() -> None:
    agent = make_user("agent", role="Support agent")
    first, second = (make_user(name, role="Support manager") for name in ("m1", "m2"))
    row = _pending_request(agent)

    def decide(manager: User, approve: bool) -> Callable[[], object]:
        return lambda: approvals.decide(
            context=RequestContext(actor=manager),
            request_id=row.pk,
            approve=approve,
            note="n",
            content_hash=row.content_hash,
        )

    for _ in range(5):  # a few rounds, each on a fresh request
        results = _race([decide(first, True), decide(second, False)])
        assert sorted(results) == ["approval_not_pending", "ok"]
        row.refresh_from_db()
        winner = first if results[0] == "ok" else second
        assert (row.status, row.decider_id) == ("approved" if winner is first else "denied", winner.pk)
        decided = AuditEvent.objects.filter(details__approval=row.pk, outcome="success").exclude(
            action="approval.requested"
        )
        assert decided.count() == 1
        row = _pending_request(agent)


def test_an_approval_claimed_twice_at_once_is_used_once() -> None:
    agent = make_user("agent", role="Support agent")
    manager = make_user("manager", role="Support manager")
    row = _pending_request(agent)
    approvals.decide(
        context=RequestContext(actor=manager),
        request_id=row.pk,
        approve=True,
        note="ok",
        content_hash=row.content_hash,
    )
    row.refresh_from_db()
    claimed: list[bool] = []

    def claim() -> None:
        claimed.append(approvals.claim(RequestContext(actor=agent), row, attempt="x"))

    _race([claim, claim])

    assert sorted(claimed) == [False, True]
    assert AuditEvent.objects.filter(action="approval.used", details__approval=row.pk).count() == 1
