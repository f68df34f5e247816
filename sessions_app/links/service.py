"""The one owner of link creation: every entry point asks here, and every rule is applied here.

`issue` applies the rules in this order, and stops at the first that says no:
1. the confirmation token is genuine, fresh, for this user, customer and ticks, and unspent;
2. the kill switch is off;
3. the step-up proof is fresh (or a fresh one comes with the request);
4. the agent's hourly and daily limits have room (counted here: a refusal above uses no quota);
   without the cache that counts them, nothing is created (`DependencyDown`, token unspent);
5. Paddle still lists every ticked subscription as the customer's;
6. the token is spent (once, across processes);
then `portal_session.requested` is committed, Paddle is called once, and `created` or `failed`
is committed; links are returned only once their `created` row is.
The switch goes before the password so that nobody types one while links are off; the limit
counts after the password so that a mistyped one costs nothing. Every refusal is audited here
before its `LinkRefusal` is raised; Paddle's own failures are audited and re-raised as they are.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from django.db import DatabaseError

from .. import audit
from ..context import RequestContext
from ..paddle.config import get_client
from ..paddle.errors import PaddleError
from ..paddle.overview import fetch_customer_overview
from ..paddle.types import Customer, PortalSession, Subscription
from . import confirmation, kill_switch, limits
from .refusals import (
    ConfirmationRefused,
    DependencyDown,
    ForeignSubscription,
    InvalidInput,
    LinksSwitchedOff,
    NotRecorded,
    RateLimited,
    StepUpRequired,
)
from .step_up import StepUpProof, is_fresh


@dataclass(frozen=True)
class _Attempt:
    """What every audit row of one attempt says about it."""

    customer_id: str
    subscription_ids: tuple[str, ...] = ()
    reason: str = ""
    customer_email: str = ""
    # Ties requested/created/failed of one attempt together on the audit detail page.
    attempt_id: str = ""


@dataclass(frozen=True)
class Plan:
    """What the confirm page shows: the customer, the ticked subscriptions, the one-time token."""

    customer: Customer
    subscriptions: tuple[Subscription, ...]
    confirmation_token: str


@dataclass(frozen=True)
class IssuedLinks:
    """A created portal session with the subscriptions it was asked for, in the agent's order."""

    customer: Customer
    subscriptions: tuple[Subscription, ...]
    session: PortalSession


def plan(*, context: RequestContext, customer_id: str, subscription_ids: Sequence[str]) -> Plan:
    """The confirm page's data and its one-time token; refused while links are off. No side effect."""
    user = context.user
    if user is None:
        raise ValueError("only a signed-in user can plan links")
    disabled_by = kill_switch.disabled_by()
    if disabled_by:
        raise LinksSwitchedOff(disabled_by)
    overview = fetch_customer_overview(customer_id)
    if overview.foreign(subscription_ids):
        raise ForeignSubscription
    return Plan(
        customer=overview.customer,
        subscriptions=overview.select(subscription_ids),
        confirmation_token=confirmation.issue(
            user=user, customer_id=customer_id, subscription_ids=subscription_ids
        ),
    )


def refuse_invalid_input(
    *, context: RequestContext, customer_id: str, problems: Sequence[str]
) -> InvalidInput:
    """Audit a submission that did not validate (nothing of it is recorded) and return its refusal."""
    _audit_refusal(context, _Attempt(customer_id), error_code=InvalidInput.code)
    return InvalidInput(problems)


def issue(
    *,
    context: RequestContext,
    customer_id: str,
    subscription_ids: Sequence[str],
    reason: str,
    confirmation_token: str,
    step_up: StepUpProof,
) -> IssuedLinks:
    """Apply every rule (see the module docstring), then create the session and return its links."""
    attempt = _Attempt(customer_id, tuple(subscription_ids), reason)
    try:
        confirmed = confirmation.verify(
            confirmation_token, user=context.actor, customer_id=customer_id, subscription_ids=subscription_ids
        )
    except confirmation.ConfirmationError as exc:
        _audit_refusal(context, attempt, error_code=exc.code)
        raise ConfirmationRefused(exc.message, code=exc.code, status=exc.status) from exc

    disabled_by = kill_switch.disabled_by()
    if disabled_by:
        details = {"disabled_by": disabled_by}
        _audit_refusal(context, attempt, error_code=LinksSwitchedOff.code, details=details)
        raise LinksSwitchedOff(disabled_by)

    if not is_fresh(step_up.proved_at()):
        # The proof audits itself (auth.step_up); a failed one uses no quota and keeps the token.
        outcome = step_up.prove()
        if not outcome.proved:
            raise StepUpRequired(outcome.errors)

    try:
        limit = limits.check_and_count(context.actor)
    except limits.LimitsUnavailable as exc:
        refusal = DependencyDown("cache")
        _audit_refusal(context, attempt, error_code=refusal.code, details={"service": refusal.service})
        raise refusal from exc
    if not limit.allowed:
        _audit_refusal(
            context,
            attempt,
            action=audit.Action.PORTAL_SESSION_RATE_LIMITED,
            error_code=RateLimited.code,
            details={"window": limit.window, "limit": limit.limit, "resets_at": limit.resets_at.isoformat()},
        )
        raise RateLimited(limit)

    try:
        overview = fetch_customer_overview(customer_id)
    except PaddleError as exc:
        # Nothing was asked of Paddle yet (no `requested`), but the failed attempt is audited.
        _audit_paddle_failure(context, attempt, exc, details={"step": "ownership_check"})
        raise
    if overview.foreign(subscription_ids):
        _audit_refusal(context, attempt, error_code=ForeignSubscription.code)
        raise ForeignSubscription

    try:
        confirmation.spend(confirmed)
    except confirmation.ConfirmationError as exc:  # spent by a concurrent submit since it was verified
        _audit_refusal(context, attempt, error_code=exc.code)
        raise ConfirmationRefused(exc.message, code=exc.code, status=exc.status) from exc

    session = _create_session(context, attempt, customer=overview.customer)
    return IssuedLinks(
        customer=overview.customer, subscriptions=overview.select(subscription_ids), session=session
    )


def _create_session(context: RequestContext, attempt: _Attempt, *, customer: Customer) -> PortalSession:
    """Audit the request, call Paddle once, audit the result; the session is returned only once recorded."""
    attempt = replace(attempt, customer_email=customer.email, attempt_id=uuid.uuid4().hex)
    _append(
        context,
        attempt,
        links_created=False,
        action=audit.Action.PORTAL_SESSION_REQUESTED,
        outcome=audit.Outcome.SUCCESS,
    )
    try:
        # The client withholds a session whose links do not match the request (PaddleUnavailable).
        session = get_client().create_portal_session(customer.id, attempt.subscription_ids)
    except PaddleError as exc:
        _audit_paddle_failure(context, attempt, exc)
        raise
    _append(
        context,
        attempt,
        links_created=True,
        action=audit.Action.PORTAL_SESSION_CREATED,
        outcome=audit.Outcome.SUCCESS,
        paddle_session_id=session.id,
        paddle_request_id=session.request_id,
    )
    return session


def _audit_paddle_failure(
    context: RequestContext,
    attempt: _Attempt,
    exc: PaddleError,
    *,
    details: Mapping[str, object] | None = None,
) -> None:
    """Audit an attempt Paddle failed (outcome failure), with Paddle's code and request id."""
    _append(
        context,
        attempt,
        links_created=False,
        action=audit.Action.PORTAL_SESSION_FAILED,
        outcome=audit.Outcome.FAILURE,
        error_code=exc.error_code,
        paddle_request_id=exc.request_id,
        details=details,
    )


def _audit_refusal(
    context: RequestContext,
    attempt: _Attempt,
    *,
    error_code: str,
    action: str = audit.Action.PORTAL_SESSION_FAILED,
    details: Mapping[str, object] | None = None,
) -> None:
    """Audit a refusal before Paddle was asked (outcome denied)."""
    _append(
        context,
        attempt,
        links_created=False,
        action=action,
        outcome=audit.Outcome.DENIED,
        error_code=error_code,
        details=details,
    )


def _append(
    context: RequestContext,
    attempt: _Attempt,
    *,
    links_created: bool,
    action: str,
    outcome: str,
    paddle_session_id: str = "",
    paddle_request_id: str = "",
    error_code: str = "",
    details: Mapping[str, object] | None = None,
) -> None:
    """Append an attempt's row; if the database refuses it, no links may be shown (NotRecorded)."""
    try:
        audit.record(
            action=action,
            outcome=outcome,
            context=context,
            customer_id=attempt.customer_id,
            customer_email=attempt.customer_email,
            subscription_ids=attempt.subscription_ids,
            reason=attempt.reason,
            paddle_session_id=paddle_session_id,
            paddle_request_id=paddle_request_id,
            error_code=error_code,
            details={**({"attempt": attempt.attempt_id} if attempt.attempt_id else {}), **(details or {})},
        )
    except DatabaseError as exc:
        raise NotRecorded(links_created=links_created) from exc
