"""The one owner of link creation: every entry point asks here, and every rule is applied here.

`issue` applies the rules in this order, and stops at the first that says no:
1. the confirmation token is genuine, fresh, for this user, customer and ticks, and unspent;
2. the kill switch is off;
3. the step-up proof is fresh (or a fresh one comes with the request);
4. the agent's hourly and daily limits have room (counted here: a refusal above uses no quota);
   without the cache that counts them, nothing is created (`DependencyDown`, token unspent);
5. Paddle still lists every ticked subscription as the customer's;
6. the requester check: links are shown to the agent only when the requester's email matches the
   email on file (links/requester.py); email delivery needs a usable email on file;
7. the token is spent (once, across processes);
then, to show the links, `portal_session.requested` is committed, Paddle is called once, and
`created` or `failed` is committed; links are returned only once their `created` row is. To email
them, a redemption token and `portal_link.email_requested` commit together, then the email is
sent and `portal_link.emailed` (or `email_failed`, the token invalidated) is committed.
`redeem` is the emailed link's entry point: per-IP limit, a usable token, the kill switch,
ownership, then the token is claimed in one conditional UPDATE and the same requested → Paddle
→ created/failed sequence runs, with channel `email`. Every row of one attempt carries its
attempt id, channel and the requester check in `details`.
The switch goes before the password so that nobody types one while links are off; the limit
counts after the password so that a mistyped one costs nothing. Every refusal is audited here
before its `LinkRefusal` is raised; Paddle's own failures are audited and re-raised as they are.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import DatabaseError, transaction

from .. import audit
from ..context import RequestContext
from ..models import ApprovalRequest, AuditEvent, RedemptionToken
from ..paddle.config import get_client
from ..paddle.errors import PaddleError
from ..paddle.overview import CustomerOverview, fetch_customer_overview
from ..paddle.types import Customer, PortalSession, Subscription
from . import approvals, confirmation, delivery, kill_switch, limits, requester
from .history import CUSTOMER_ACTOR
from .refusals import (
    ApprovalRefused,
    ApprovalRequired,
    ConfirmationRefused,
    DependencyDown,
    EmailNotSent,
    EmailOnFileUnusable,
    ForeignSubscription,
    InvalidInput,
    LinkNoLongerWorks,
    LinksSwitchedOff,
    NotRecorded,
    RateLimited,
    RedemptionRateLimited,
    RequesterMismatch,
    StepUpRequired,
)
from .requester import Delivery, RequesterCheck
from .step_up import StepUpProof, is_fresh


def _new_attempt_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class _Attempt:
    """What every audit row of one attempt says about it.

    `requester_match` is None until the requester check has run (a refusal before it).
    """

    customer_id: str
    subscription_ids: tuple[str, ...] = ()
    reason: str = ""
    id: str = field(default_factory=_new_attempt_id)
    channel: str = ""
    requester_email: str = ""
    requester_match: bool | None = None
    actor_username: str = ""
    # Known once Paddle has answered the ownership check; every row after it carries them.
    customer_email: str = ""
    customer_name: str = ""
    approval: int | None = None  # the approval request this attempt completes

    def with_customer(self, customer: Customer) -> "_Attempt":
        return replace(self, customer_email=customer.email, customer_name=customer.name or "")

    def details(self) -> dict[str, object]:
        details: dict[str, object] = {"attempt": self.id} if self.id else {}
        if self.channel:
            details["channel"] = self.channel
        if self.requester_email or self.requester_match is not None:
            details.update(requester_email=self.requester_email, requester_match=self.requester_match)
        if self.approval is not None:
            details["approval"] = self.approval
        return details


@dataclass(frozen=True)
class Plan:
    """What the confirm page shows: the customer, the ticked subscriptions, the one-time token."""

    customer: Customer
    subscriptions: tuple[Subscription, ...]
    confirmation_token: str
    requester: RequesterCheck | None = None  # known when the requester email came with the ticks
    delivery: Delivery = Delivery.EMAIL  # the preselected choice
    approval_rules: tuple[str, ...] = ()  # rules already known to require a manager's approval
    usage: tuple[limits.Usage, ...] = ()  # the agent's own limits, hour first (none without the cache)

    @property
    def link_count(self) -> int:
        """How many links the links page will offer: the overview, then those that work per subscription."""
        return 1 + sum(subscription.links_offered for subscription in self.subscriptions)

    @property
    def approval_labels(self) -> list[str]:
        return approvals.labels(self.approval_rules)

    @property
    def deliveries(self) -> tuple[Delivery, ...]:
        """The choices to offer: both until a requester is known to mismatch."""
        return self.requester.deliveries if self.requester else (Delivery.EMAIL, Delivery.SHOW)

    @property
    def email_deliverable(self) -> bool:
        return requester.is_deliverable(self.customer.email)

    @property
    def masked_email(self) -> str:
        return requester.masked(self.customer.email)


@dataclass(frozen=True)
class EmailedLink:
    """A redemption link sent to the email on file: what the agent is told."""

    customer: Customer
    masked_email: str
    sent_at: datetime
    expires_at: datetime

    @property
    def expires_label(self) -> str:
        """ "tomorrow 14:02" (or today, or the date), in the console's time zone, UTC."""
        days = (self.expires_at.date() - self.sent_at.date()).days
        when = {0: "today", 1: "tomorrow"}.get(days)
        return f"{when} {self.expires_at:%H:%M}" if when else f"{self.expires_at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class IssuedLinks:
    """A created portal session with the subscriptions it was asked for, in the agent's order."""

    customer: Customer
    subscriptions: tuple[Subscription, ...]
    session: PortalSession


def plan(
    *,
    context: RequestContext,
    customer_id: str,
    subscription_ids: Sequence[str],
    requester_email: str = "",
    delivery: Delivery = Delivery.EMAIL,
) -> Plan:
    """The confirm page's data and its one-time token; refused while links are off.

    It creates nothing, but it shows a customer's name, email and subscriptions, so it is audited
    as a `customer.view` of the confirm page, with the ticked subscriptions. With a requester
    email (from the helpdesk link) the check is known already: a mismatch offers, and
    preselects, only email delivery. `issue` decides again either way.
    """
    user = context.user
    if user is None:
        raise ValueError("only a signed-in user can plan links")
    disabled_by = kill_switch.disabled_by()
    if disabled_by:
        raise LinksSwitchedOff(disabled_by)
    overview = fetch_customer_overview(customer_id)
    if overview.foreign(subscription_ids):
        raise ForeignSubscription
    check = (
        requester.check(requester_email=requester_email, email_on_file=overview.customer.email)
        if requester_email.strip()
        else None
    )
    chosen = delivery if check is None or delivery in check.deliveries else Delivery.EMAIL
    try:
        usage = limits.usage(user)  # read only: showing the page counts nothing
    except limits.LimitsUnavailable:
        usage = ()  # `issue` fails closed on it; the page itself needs no count
    used_up = bool(usage) and usage[0].used_up
    rules = approvals.rules_for(
        customer=overview.customer,
        delivery=chosen,
        requester_match=check.matches if check is not None else True,
        quota_used_up=used_up,
    )
    viewed = _Attempt(customer_id, tuple(subscription_ids)).with_customer(overview.customer)
    _append(
        context,
        replace(viewed, id=""),  # no attempt yet: that starts with the submission
        links_created=False,
        action=audit.Action.CUSTOMER_VIEW,
        outcome=audit.Outcome.SUCCESS,
        details={"page": "confirm", **({"approval_rules": list(rules)} if rules else {})},
    )
    return Plan(
        customer=overview.customer,
        subscriptions=overview.select(subscription_ids),
        approval_rules=tuple(rules),
        confirmation_token=confirmation.issue(
            user=user, customer_id=customer_id, subscription_ids=subscription_ids
        ),
        requester=check,
        delivery=chosen,
        usage=usage,
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
    requester_email: str,
    delivery: Delivery = Delivery.EMAIL,
) -> IssuedLinks | EmailedLink:
    """Apply every rule (see the module docstring), then show the links or email a redemption link."""
    attempt = _Attempt(
        customer_id,
        tuple(subscription_ids),
        reason,
        channel=delivery.value,
        requester_email=requester_email.strip(),
    )
    confirmed = _verified_confirmation(context, attempt, confirmation_token)

    _refuse_while_switched_off(context, attempt)

    _require_fresh_step_up(step_up)

    _count_against_limits(context, attempt, may_ask_approval=True)

    overview = _fetch_for_ownership_check(context, attempt)
    check = requester.check(requester_email=requester_email, email_on_file=overview.customer.email)
    attempt = replace(attempt.with_customer(overview.customer), requester_match=check.matches)
    if overview.foreign(subscription_ids):
        _audit_refusal(context, attempt, error_code=ForeignSubscription.code)
        raise ForeignSubscription
    rules = approvals.rules_for(
        customer=overview.customer, delivery=delivery, requester_match=check.matches, quota_used_up=False
    )
    if rules:
        _audit_refusal(context, attempt, error_code=ApprovalRequired.code, details={"rules": rules})
        raise ApprovalRequired(rules)
    if delivery not in check.deliveries:
        _audit_refusal(context, attempt, error_code=RequesterMismatch.code)
        raise RequesterMismatch
    if delivery is Delivery.EMAIL and not requester.is_deliverable(overview.customer.email):
        _audit_refusal(context, attempt, error_code=EmailOnFileUnusable.code)
        raise EmailOnFileUnusable

    try:
        confirmation.spend(confirmed)
    except confirmation.ConfirmationError as exc:  # spent by a concurrent submit since it was verified
        _audit_refusal(context, attempt, error_code=exc.code)
        raise ConfirmationRefused(exc.message, code=exc.code, status=exc.status) from exc

    if delivery is Delivery.EMAIL:
        return _email_link(context, attempt, customer=overview.customer)
    session = _create_session(context, attempt, customer=overview.customer)
    return IssuedLinks(
        customer=overview.customer, subscriptions=overview.select(subscription_ids), session=session
    )


def request_approval(
    *,
    context: RequestContext,
    customer_id: str,
    subscription_ids: Sequence[str],
    reason: str,
    confirmation_token: str,
    step_up: StepUpProof,
    requester_email: str,
    delivery: Delivery = Delivery.EMAIL,
) -> ApprovalRequest:
    """Ask a manager to approve the confirm page's submission instead of creating links.

    The same rules as `issue` up to the policy (token, switch, step-up, ownership, requester
    check), then the policy must require approval (else there is nothing to ask); the token is
    spent and the pending request and its `approval.requested` row commit together.
    """
    attempt = _Attempt(
        customer_id,
        tuple(subscription_ids),
        reason,
        channel=delivery.value,
        requester_email=requester_email.strip(),
    )
    confirmed = _verified_confirmation(context, attempt, confirmation_token)
    user = context.user
    if user is None:
        raise ValueError("only a signed-in user can ask for approval")
    _refuse_while_switched_off(context, attempt)
    _require_fresh_step_up(step_up)
    try:
        used_up = approvals.quota_used_up(user)
    except limits.LimitsUnavailable as exc:
        refusal = DependencyDown("cache")
        _audit_refusal(context, attempt, error_code=refusal.code, details={"service": refusal.service})
        raise refusal from exc
    overview = _fetch_for_ownership_check(context, attempt)
    check = requester.check(requester_email=requester_email, email_on_file=overview.customer.email)
    attempt = replace(attempt.with_customer(overview.customer), requester_match=check.matches)
    if overview.foreign(subscription_ids):
        _audit_refusal(context, attempt, error_code=ForeignSubscription.code)
        raise ForeignSubscription
    rules = approvals.rules_for(
        customer=overview.customer, delivery=delivery, requester_match=check.matches, quota_used_up=used_up
    )
    if not rules:
        _audit_refusal(context, attempt, error_code="approval_not_needed")
        raise ApprovalRefused(
            "No rule requires a manager's approval for this request: create the links directly. "
            "Nothing was asked.",
            code="approval_not_needed",
            status=409,
        )
    if delivery is Delivery.EMAIL and not requester.is_deliverable(overview.customer.email):
        _audit_refusal(context, attempt, error_code=EmailOnFileUnusable.code)
        raise EmailOnFileUnusable
    try:
        confirmation.spend(confirmed)
    except confirmation.ConfirmationError as exc:
        _audit_refusal(context, attempt, error_code=exc.code)
        raise ConfirmationRefused(exc.message, code=exc.code, status=exc.status) from exc
    try:
        return approvals.open_request(
            context=context,
            customer=overview.customer,
            subscriptions=overview.select(subscription_ids),
            reason=reason,
            requester_email=check.requester_email,
            requester_match=check.matches,
            delivery=delivery,
            rules=rules,
            attempt=attempt.id,
        )
    except DatabaseError as exc:
        raise NotRecorded(links_created=False) from exc


def complete_approval(
    *, context: RequestContext, request_id: int, step_up: StepUpProof
) -> IssuedLinks | EmailedLink:
    """The requester completes an approved request: every rule again, at this moment, then delivery.

    Refused unless the request is the caller's, approved and within its use window; then the
    kill switch, the step-up, the limits (unless the quota was what the manager approved),
    ownership and the content hash against a fresh Paddle read. The request is claimed in one
    conditional UPDATE (used once) and delivered through the same paths as `issue`.
    """
    row = approvals.own_request(context, request_id, action=audit.Action.APPROVAL_USED)
    row = approvals.notice_expiry(context, row)
    if row.status == ApprovalRequest.Status.EXPIRED:
        raise approvals.refuse_use(
            context,
            row,
            code="approval_expired",
            status=410,
            ask_again=True,
            message="This request's time to be decided or used has passed. Nothing was created; ask again.",
        )
    if row.status != ApprovalRequest.Status.APPROVED:
        raise approvals.refuse_use(
            context,
            row,
            code="approval_not_approved",
            status=409,
            message="Only an approved request can be completed; "
            f"this one is {row.get_status_display().lower()}.",
        )
    subscription_ids = tuple(str(s) for s in row.subscription_ids)
    delivery_choice = Delivery(row.delivery)
    attempt = _Attempt(
        row.customer_id,
        subscription_ids,
        row.reason,
        channel=delivery_choice.value,
        requester_email=row.requester_email,
        requester_match=row.requester_match,
        approval=row.pk,
    )
    _refuse_while_switched_off(context, attempt)
    _require_fresh_step_up(step_up)
    if approvals.Rule.QUOTA.value not in row.rules:
        _count_against_limits(context, attempt, may_ask_approval=False)
    overview = _fetch_for_ownership_check(context, attempt)
    attempt = attempt.with_customer(overview.customer)
    changed = (
        overview.foreign(subscription_ids)
        or approvals.content_hash(
            requester_id=row.requester_id,
            customer=overview.customer,
            subscriptions=overview.select(subscription_ids),
            reason=row.reason,
            requester_email=row.requester_email,
            requester_match=row.requester_match,
            delivery=row.delivery,
            rules=row.rules,
        )
        != row.content_hash
    )
    if changed:
        raise approvals.refuse_use(
            context,
            row,
            code="approval_content_changed",
            status=409,
            ask_again=True,
            message="The customer or the subscriptions changed at Paddle since this was approved. "
            "Nothing was created; ask again.",
        )
    if delivery_choice is Delivery.EMAIL and not requester.is_deliverable(overview.customer.email):
        _audit_refusal(context, attempt, error_code=EmailOnFileUnusable.code)
        raise EmailOnFileUnusable
    try:
        claimed = approvals.claim(context, row, attempt=attempt.id)
    except DatabaseError as exc:
        raise NotRecorded(links_created=False) from exc
    if not claimed:  # used, or expired, since it was read
        raise approvals.refuse_use(
            context,
            row,
            code="approval_not_approved",
            status=409,
            message="This approval was used or expired a moment ago. Nothing was created.",
        )
    if delivery_choice is Delivery.EMAIL:
        return _email_link(context, attempt, customer=overview.customer)
    session = _create_session(context, attempt, customer=overview.customer)
    return IssuedLinks(
        customer=overview.customer, subscriptions=overview.select(subscription_ids), session=session
    )


def redeem(*, context: RequestContext, token: str) -> IssuedLinks:
    """The customer's click on an emailed link: every rule again, then the links, once per token.

    A used, expired, unknown or malformed token is one refusal (LinkNoLongerWorks), audited
    when the token is known; the token is claimed only after the kill switch and ownership
    checks, so a refusal there leaves it usable for a later click.
    """
    if not delivery.redemption_allowed(context.client_ip):
        raise RedemptionRateLimited
    row = delivery.usable(token)
    if row is None:
        stale = delivery.known(token)
        if stale is not None:
            _audit_refusal(context, _emailed_attempt(stale), error_code=LinkNoLongerWorks.code)
        raise LinkNoLongerWorks
    attempt = _emailed_attempt(row)

    _refuse_while_switched_off(context, attempt)

    overview = _fetch_for_ownership_check(context, attempt)
    attempt = attempt.with_customer(overview.customer)
    if overview.foreign(attempt.subscription_ids):
        _audit_refusal(context, attempt, error_code=ForeignSubscription.code)
        raise ForeignSubscription

    if not delivery.claim(token):  # a concurrent click claimed it since it was read
        _audit_refusal(context, attempt, error_code=LinkNoLongerWorks.code)
        raise LinkNoLongerWorks
    session = _create_session(context, attempt, customer=overview.customer)
    return IssuedLinks(
        customer=overview.customer, subscriptions=overview.select(attempt.subscription_ids), session=session
    )


def _verified_confirmation(
    context: RequestContext, attempt: _Attempt, token: str
) -> confirmation.Confirmation:
    """The confirmation rule: the token is genuine, fresh, for exactly this request and unspent."""
    try:
        return confirmation.verify(
            token,
            user=context.actor,
            customer_id=attempt.customer_id,
            subscription_ids=attempt.subscription_ids,
        )
    except confirmation.ConfirmationError as exc:
        _audit_refusal(context, attempt, error_code=exc.code)
        raise ConfirmationRefused(exc.message, code=exc.code, status=exc.status) from exc


def _require_fresh_step_up(step_up: StepUpProof) -> None:
    """The step-up rule: a fresh proof, or a new one given with the request."""
    if not is_fresh(step_up.proved_at()):
        # The proof audits itself (auth.step_up); a failed one uses no quota and keeps the token.
        outcome = step_up.prove()
        if not outcome.proved:
            raise StepUpRequired(outcome.errors)


def _count_against_limits(context: RequestContext, attempt: _Attempt, *, may_ask_approval: bool) -> None:
    """The per-agent limit rule: count this creation, or refuse (audited); fail closed without the cache."""
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
        # With the quota rule on, the refusal offers to ask a manager instead (the hour only).
        may_ask = may_ask_approval and limit.window == "hour" and approvals.quota_rule_on()
        raise RateLimited(limit, may_ask=may_ask)


def _refuse_while_switched_off(context: RequestContext, attempt: _Attempt) -> None:
    """The kill switch rule, for every entry point: audited LinksSwitchedOff while it is thrown."""
    disabled_by = kill_switch.disabled_by()
    if disabled_by:
        details = {"disabled_by": disabled_by}
        _audit_refusal(context, attempt, error_code=LinksSwitchedOff.code, details=details)
        raise LinksSwitchedOff(disabled_by)


def _fetch_for_ownership_check(context: RequestContext, attempt: _Attempt) -> CustomerOverview:
    """The customer and their subscriptions as Paddle lists them now; a failure is audited."""
    try:
        return fetch_customer_overview(attempt.customer_id)
    except PaddleError as exc:
        # Nothing was asked of Paddle yet (no `requested`), but the failed attempt is audited.
        _audit_paddle_failure(context, attempt, exc, details={"step": "ownership_check"})
        raise


def _emailed_attempt(row: RedemptionToken) -> _Attempt:
    """The attempt that emailed this token, continued by its redemption (same id, reason, check)."""
    emailed = (
        AuditEvent.objects.filter(
            action=audit.Action.PORTAL_LINK_EMAIL_REQUESTED,
            customer_id=row.customer_id,
            details__attempt=row.attempt,
        )
        .only("reason", "details")
        .first()
    )
    details = emailed.details if emailed is not None and isinstance(emailed.details, dict) else {}
    match = details.get("requester_match")
    return _Attempt(
        row.customer_id,
        tuple(str(s) for s in row.subscription_ids),
        emailed.reason if emailed is not None else "",
        id=row.attempt,
        channel=Delivery.EMAIL.value,
        requester_email=str(details.get("requester_email", "")),
        requester_match=match if isinstance(match, bool) else None,
        actor_username=CUSTOMER_ACTOR,
    )


def _email_link(context: RequestContext, attempt: _Attempt, *, customer: Customer) -> EmailedLink:
    """Store the token with its audit row (one commit), then send; a failed send invalidates it."""
    attempt = attempt.with_customer(customer)
    user = context.user
    if user is None:
        raise ValueError("only a signed-in user can email links")
    try:
        with transaction.atomic():
            token, row = delivery.create_token(
                issued_by=user,
                customer_id=customer.id,
                subscription_ids=attempt.subscription_ids,
                attempt=attempt.id,
            )
            _append(
                context,
                attempt,
                links_created=False,
                action=audit.Action.PORTAL_LINK_EMAIL_REQUESTED,
                outcome=audit.Outcome.SUCCESS,
                details={"expires_at": row.expires_at.isoformat()},
                with_change=True,  # the token and its row commit together, or neither
            )
    except DatabaseError as exc:
        raise NotRecorded(links_created=False) from exc

    # After the commit: a crash from here on leaves a recorded token, never an unrecorded email.
    try:
        delivery.send(token=token, customer=customer, expires_at=row.expires_at)
    except delivery.SendFailed as exc:
        delivery.invalidate(row)  # whatever the server may still deliver opens nothing
        _append(
            context,
            attempt,
            links_created=False,
            action=audit.Action.PORTAL_LINK_EMAIL_FAILED,
            outcome=audit.Outcome.FAILURE,
            error_code=exc.error_class,
        )
        raise EmailNotSent(exc.error_class) from None
    sent_at = datetime.now(tz=row.expires_at.tzinfo)
    try:
        _append(
            context,
            attempt,
            links_created=False,
            action=audit.Action.PORTAL_LINK_EMAILED,
            outcome=audit.Outcome.SUCCESS,
        )
    except NotRecorded:
        delivery.invalidate(row)  # fail closed: an unrecorded delivery must not open anything
        raise
    return EmailedLink(
        customer=customer,
        masked_email=requester.masked(customer.email),
        sent_at=sent_at,
        expires_at=row.expires_at,
    )


def _create_session(context: RequestContext, attempt: _Attempt, *, customer: Customer) -> PortalSession:
    """Audit the request, call Paddle once, audit the result; the session is returned only once recorded."""
    attempt = attempt.with_customer(customer)
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
    with_change: bool = False,
) -> None:
    """Append one row of `attempt` (its id, channel and requester check ride in `details`).

    If the database refuses it, no links may be shown: NotRecorded.
    """
    try:
        audit.record(
            action=action,
            outcome=outcome,
            context=context,
            actor_username=attempt.actor_username,
            customer_id=attempt.customer_id,
            customer_email=attempt.customer_email,
            customer_name=attempt.customer_name,
            subscription_ids=attempt.subscription_ids,
            reason=attempt.reason,
            paddle_session_id=paddle_session_id,
            paddle_request_id=paddle_request_id,
            error_code=error_code,
            details={**attempt.details(), **(details or {})},
            with_change=with_change,
        )
    except DatabaseError as exc:
        raise NotRecorded(links_created=links_created) from exc
