"""Four eyes: which link requests a manager must approve first, and every change to a request.

Policy (settings, each rule switchable): links shown to the agent although the requester's email
does not match the email on file (`show_mismatch`); a customer whose Paddle `custom_data` holds
APPROVAL_HIGH_VALUE_KEY = APPROVAL_HIGH_VALUE_VALUE (`high_value`); the agent's hourly quota used
up (`quota`). The link service asks `rules_for` and refuses with `ApprovalRequired`.

A request is immutable: `content_hash` (an HMAC under SECRET_KEY) covers the requester, the
customer, the email on file, the ticked subscriptions' owner and status at Paddle, the reason,
the requester's email and check, the delivery and the rules. Completing recomputes it from a
fresh Paddle read, so a request whose subscriptions changed since it was asked is refused.
Every state change is one conditional UPDATE from the state it expects, before its deadline
(`status = 'pending' AND expires_at > now`), and its audit row commits with it; a request found
past its deadline is marked expired, audited, when noticed. Emails go out after the commit and
link only to the console's request page, which creates nothing on GET.
"""

import json
import logging
import smtplib
from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .. import audit
from ..context import RequestContext
from ..models import ApprovalRequest
from ..paddle.types import Customer, Subscription
from ..permissions import has_role_permission
from ..roles import APP_LABEL, APPROVE_PORTAL_SESSION
from . import limits
from .refusals import ApprovalRefused
from .requester import Delivery

logger = logging.getLogger(__name__)

Status = ApprovalRequest.Status
MAX_NOTE_LENGTH = 500


class Rule(StrEnum):
    SHOW_MISMATCH = "show_mismatch"
    HIGH_VALUE = "high_value"
    QUOTA = "quota"


RULE_LABELS: dict[str, str] = {
    Rule.SHOW_MISMATCH.value: "the links would be shown to the agent, "
    "but the requester's email does not match the email on file",
    Rule.HIGH_VALUE.value: "the customer is marked high-value at Paddle",
    Rule.QUOTA.value: "the agent has used up this hour's link quota",
}


def labels(rules: Sequence[str]) -> list[str]:
    """The rules in words, for pages and emails."""
    return [RULE_LABELS.get(str(rule), str(rule)) for rule in rules]


def is_high_value(customer: Customer) -> bool:
    key, value = settings.APPROVAL_HIGH_VALUE_KEY, settings.APPROVAL_HIGH_VALUE_VALUE
    found = customer.custom_value(key) if key else None
    return found is not None and found.strip().lower() == str(value).strip().lower()


def quota_rule_on() -> bool:
    return bool(settings.APPROVAL_ON_QUOTA)


def rules_for(
    *, customer: Customer, delivery: Delivery, requester_match: bool, quota_used_up: bool
) -> list[str]:
    """The rules (codes, in a fixed order) under which this request needs a manager's approval."""
    rules = []
    if settings.APPROVAL_ON_SHOW_MISMATCH and delivery is Delivery.SHOW and not requester_match:
        rules.append(Rule.SHOW_MISMATCH.value)
    if settings.APPROVAL_ON_HIGH_VALUE and is_high_value(customer):
        rules.append(Rule.HIGH_VALUE.value)
    if settings.APPROVAL_ON_QUOTA and quota_used_up:
        rules.append(Rule.QUOTA.value)
    return rules


def quota_used_up(user: AbstractBaseUser) -> bool:
    """The hourly quota is spent (read only; LimitsUnavailable without the cache)."""
    return limits.hour_used_up(user)


def content_hash(
    *,
    requester_id: object,
    customer: Customer,
    subscriptions: Sequence[Subscription],
    reason: str,
    requester_email: str,
    requester_match: bool,
    delivery: str,
    rules: Sequence[str],
) -> str:
    """The HMAC of everything the approver judged, with Paddle's view of the ticked subscriptions."""
    payload = {
        "requester": str(requester_id),
        "customer": customer.id,
        "email_on_file": customer.email.strip().lower(),
        "subscriptions": sorted([s.id, s.customer_id, s.status] for s in subscriptions),
        "reason": reason,
        "requester_email": requester_email,
        "requester_match": requester_match,
        "delivery": delivery,
        "rules": sorted(rules),
    }
    message = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return salted_hmac("sessions_app.approvals.content", message, algorithm="sha256").hexdigest()


# --- Audit ------------------------------------------------------------------------------------
def audit_row(
    context: RequestContext,
    row: ApprovalRequest,
    *,
    action: str,
    outcome: str = audit.Outcome.SUCCESS,
    error_code: str = "",
    details: dict[str, object] | None = None,
    with_change: bool = False,
) -> None:
    """One `approval.*` row about `row`, carrying the request id (the audit page groups by it)."""
    audit.record(
        action=action,
        outcome=outcome,
        context=context,
        customer_id=row.customer_id,
        customer_email=row.customer_email,
        customer_name=row.customer_name,
        subscription_ids=[str(s) for s in row.subscription_ids],
        reason=row.reason,
        error_code=error_code,
        details={
            "approval": row.pk,
            "rules": list(row.rules),
            "channel": row.delivery,
            "requester_email": row.requester_email,
            "requester_match": row.requester_match,
            **(details or {}),
        },
        with_change=with_change,
    )


def _refuse(
    context: RequestContext,
    row: ApprovalRequest | None,
    *,
    action: str,
    message: str,
    code: str,
    status: int,
    ask_again: bool = False,
) -> ApprovalRefused:
    """Audit a refused change (outcome denied) and return its refusal."""
    if row is not None:
        audit_row(context, row, action=action, outcome=audit.Outcome.DENIED, error_code=code)
    else:
        audit.record(action=action, outcome=audit.Outcome.DENIED, context=context, error_code=code)
    return ApprovalRefused(message, code=code, status=status, ask_again=ask_again)


# --- State changes ----------------------------------------------------------------------------
def open_request(
    *,
    context: RequestContext,
    customer: Customer,
    subscriptions: Sequence[Subscription],
    reason: str,
    requester_email: str,
    requester_match: bool,
    delivery: Delivery,
    rules: Sequence[str],
    attempt: str,
) -> ApprovalRequest:
    """Store a pending request and its `approval.requested` row (one commit); notify after it."""
    user = context.user
    if user is None:
        raise ValueError("only a signed-in user can ask for approval")
    now = timezone.now()
    with transaction.atomic():
        row = ApprovalRequest.objects.create(
            requester_id=user.pk,
            customer_id=customer.id,
            customer_email=customer.email,
            customer_name=(customer.name or "")[:200],
            subscription_ids=[s.id for s in subscriptions],
            reason=reason,
            requester_email=requester_email,
            requester_match=requester_match,
            delivery=delivery.value,
            rules=list(rules),
            created_at=now,
            expires_at=now + timedelta(minutes=settings.APPROVAL_DECIDE_MINUTES),
            content_hash=content_hash(
                requester_id=user.pk,
                customer=customer,
                subscriptions=subscriptions,
                reason=reason,
                requester_email=requester_email,
                requester_match=requester_match,
                delivery=delivery.value,
                rules=rules,
            ),
        )
        audit_row(
            context,
            row,
            action=audit.Action.APPROVAL_REQUESTED,
            details={"attempt": attempt, "expires_at": row.expires_at.isoformat()},
            with_change=True,
        )
        pk = row.pk
        transaction.on_commit(lambda: notify_approvers(pk))
    return row


def notice_expiry(context: RequestContext, row: ApprovalRequest) -> ApprovalRequest:
    """Mark a pending or approved request past its deadline expired (audited once); the fresh row."""
    now = timezone.now()
    if row.status in (Status.PENDING, Status.APPROVED) and row.expires_at <= now:
        with transaction.atomic():
            expired = ApprovalRequest.objects.filter(
                pk=row.pk, status=row.status, expires_at__lte=now
            ).update(status=Status.EXPIRED)
            if expired:
                row.refresh_from_db()
                audit_row(
                    context,
                    row,
                    action=audit.Action.APPROVAL_EXPIRED,
                    details={"noticed_at": now.isoformat()},
                    with_change=True,
                )
        row.refresh_from_db()
    return row


def notice_expired(context: RequestContext, rows: Sequence[ApprovalRequest]) -> None:
    """`notice_expiry` for each row of a listing that is past its deadline."""
    now = timezone.now()
    for row in rows:
        if row.status in (Status.PENDING, Status.APPROVED) and row.expires_at <= now:
            notice_expiry(context, row)


def decide(
    *, context: RequestContext, request_id: int, approve: bool, note: str, content_hash: str
) -> ApprovalRequest:
    """Approve or deny a pending request: someone else's, before its deadline, exactly as shown."""
    action = audit.Action.APPROVAL_APPROVED if approve else audit.Action.APPROVAL_DENIED
    user = context.user
    row = ApprovalRequest.objects.filter(pk=request_id).first()
    if user is None or not has_role_permission(user, APPROVE_PORTAL_SESSION):
        raise _refuse(
            context,
            row,
            action=action,
            code="not_an_approver",
            status=403,
            message="You may not decide approval requests. Nothing changed.",
        )
    if row is None:
        raise _refuse(
            context,
            None,
            action=action,
            code="approval_unknown",
            status=404,
            message="There is no such approval request. Nothing changed.",
        )
    if row.requester_id == user.pk:
        raise _refuse(
            context,
            row,
            action=action,
            code="own_request",
            status=403,
            message="You cannot decide your own request: another manager must. Nothing changed.",
        )
    if content_hash != row.content_hash:
        raise _refuse(
            context,
            row,
            action=action,
            code="approval_content_mismatch",
            status=409,
            message="This is not the request you were shown. Nothing changed; open it again.",
        )
    note = note.strip()
    if not note:
        raise ApprovalRefused("A note is required to approve or deny.", code="note_required", status=400)
    now = timezone.now()
    with transaction.atomic():
        decided = (
            ApprovalRequest.objects.filter(pk=row.pk, status=Status.PENDING, expires_at__gt=now)
            .exclude(requester_id=user.pk)
            .update(
                status=Status.APPROVED if approve else Status.DENIED,
                decider_id=user.pk,
                decision_note=note[:MAX_NOTE_LENGTH],
                decided_at=now,
                expires_at=now + timedelta(minutes=settings.APPROVAL_USE_MINUTES)
                if approve
                else F("expires_at"),
            )
        )
        if decided:
            row.refresh_from_db()
            audit_row(context, row, action=action, details={"note": row.decision_note}, with_change=True)
            pk = row.pk
            transaction.on_commit(lambda: notify_requester(pk))
    if decided:
        return row
    row = notice_expiry(context, row)
    if row.status == Status.EXPIRED:
        raise _refuse(
            context,
            row,
            action=action,
            code="approval_expired",
            status=409,
            message="This request expired before it was decided. Nothing changed.",
        )
    raise _refuse(
        context,
        row,
        action=action,
        code="approval_not_pending",
        status=409,
        message=f"This request is no longer pending (it is {row.get_status_display().lower()}). "
        "Nothing changed.",
    )


def withdraw(*, context: RequestContext, request_id: int) -> ApprovalRequest:
    """The requester takes back a pending request."""
    action = audit.Action.APPROVAL_WITHDRAWN
    row = own_request(context, request_id, action=action)
    now = timezone.now()
    with transaction.atomic():
        withdrawn = ApprovalRequest.objects.filter(
            pk=row.pk, requester_id=row.requester_id, status=Status.PENDING, expires_at__gt=now
        ).update(status=Status.WITHDRAWN, decided_at=now)
        if withdrawn:
            row.refresh_from_db()
            audit_row(context, row, action=action, with_change=True)
            return row
    row = notice_expiry(context, row)
    raise _refuse(
        context,
        row,
        action=action,
        code="approval_not_pending",
        status=409,
        message=f"Only a pending request can be withdrawn; this one is {row.get_status_display().lower()}.",
    )


def own_request(context: RequestContext, request_id: int, *, action: str) -> ApprovalRequest:
    """The signed-in user's request `request_id`; anyone else's, or none, is refused as unknown (404)."""
    user = context.user
    row = ApprovalRequest.objects.filter(pk=request_id).first()
    if user is None or row is None or row.requester_id != user.pk:
        raise _refuse(
            context,
            row,
            action=action,
            code="approval_unknown",
            status=404,
            message="You have no such approval request. Nothing changed.",
        )
    return row


def claim(context: RequestContext, row: ApprovalRequest, *, attempt: str) -> bool:
    """Mark an approved request used in the statement that checks it (audited with it); True once."""
    now = timezone.now()
    with transaction.atomic():
        used = ApprovalRequest.objects.filter(
            pk=row.pk, requester_id=row.requester_id, status=Status.APPROVED, expires_at__gt=now
        ).update(status=Status.USED, used_at=now)
        if used:
            row.refresh_from_db()
            audit_row(
                context,
                row,
                action=audit.Action.APPROVAL_USED,
                details={"attempt": attempt},
                with_change=True,
            )
    return bool(used)


def refuse_use(
    context: RequestContext,
    row: ApprovalRequest,
    *,
    message: str,
    code: str,
    status: int,
    ask_again: bool = False,
) -> ApprovalRefused:
    """Audit a refused completion (`approval.used`, denied) and return its refusal."""
    return _refuse(
        context,
        row,
        action=audit.Action.APPROVAL_USED,
        message=message,
        code=code,
        status=status,
        ask_again=ask_again,
    )


# --- Queries ----------------------------------------------------------------------------------
BADGE_CAP = 99


def pending_count() -> int:
    """Pending requests still within their deadline, up to BADGE_CAP + 1 (the managers' badge).

    Reads ids from the (status, expires_at) index instead of a COUNT(*), so that no page counts.
    """
    pending = ApprovalRequest.objects.filter(status=Status.PENDING, expires_at__gt=timezone.now())
    return len(pending.values_list("pk", flat=True)[: BADGE_CAP + 1])


def pending() -> list[ApprovalRequest]:
    """Pending requests, oldest first (the expired among them are noticed by the caller)."""
    return list(
        ApprovalRequest.objects.filter(status=Status.PENDING)
        .select_related("requester")
        .order_by("created_at")[:200]
    )


def mine(user: AbstractBaseUser) -> list[ApprovalRequest]:
    return list(
        ApprovalRequest.objects.filter(requester_id=user.pk)
        .select_related("decider")
        .order_by("-created_at")[:50]
    )


# --- Notifications ----------------------------------------------------------------------------
def approver_emails(exclude_user_id: int) -> list[str]:
    """APPROVAL_NOTIFY_EMAILS, or every active user whose roles or grants may approve."""
    configured: list[str] = list(settings.APPROVAL_NOTIFY_EMAILS)
    if configured:
        return configured
    permission = Permission.objects.filter(content_type__app_label=APP_LABEL, codename=APPROVE_PORTAL_SESSION)
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .exclude(pk=exclude_user_id)
        .exclude(email="")
        .distinct()
    )
    return sorted({user.email for user in users})


def notify_approvers(request_id: int) -> None:
    """Tell the approvers a request waits (never fails the request: the page lists it anyway)."""
    row = ApprovalRequest.objects.select_related("requester").filter(pk=request_id).first()
    if row is None:
        return
    recipients = approver_emails(exclude_user_id=row.requester_id)
    _send("approval_requested", row, recipients)


def notify_requester(request_id: int) -> None:
    """Tell the agent their request was decided."""
    row = ApprovalRequest.objects.select_related("requester", "decider").filter(pk=request_id).first()
    if row is None or not row.requester.email:
        return
    _send("approval_decided", row, [row.requester.email])


def _send(template: str, row: ApprovalRequest, recipients: list[str]) -> None:
    if not recipients:
        return
    context = {
        "row": row,
        "rules": labels(row.rules),
        "url": f"{settings.PUBLIC_BASE_URL}/approvals/{row.pk}/",
        "company": settings.COMPANY_NAME,
    }
    subject = " ".join(render_to_string(f"email/{template}_subject.txt", context).split())
    try:
        send_mail(
            subject,
            render_to_string(f"email/{template}_body.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            recipients,
            fail_silently=False,
        )
    except (smtplib.SMTPException, OSError) as exc:
        # The request stands; the pages show it. No address or content in the log.
        logger.warning("approval email %s for request %s not sent: %s", template, row.pk, type(exc).__name__)
