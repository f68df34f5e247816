"""The console's own data: the audit log, the link kill switch, spent confirmation tokens, and
the link between a user and their identity at the OpenID Connect provider.

Portal URLs and tokens are never stored here or anywhere else.
"""

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One append-only, hash-chained record of something done to customer data or links.

    Written only by `sessions_app.audit`; database triggers reject UPDATE and DELETE.
    """

    class Action(models.TextChoices):
        CUSTOMER_SEARCH = "customer.search"
        CUSTOMER_VIEW = "customer.view"
        PORTAL_SESSION_REQUESTED = "portal_session.requested"
        PORTAL_SESSION_CREATED = "portal_session.created"
        PORTAL_SESSION_FAILED = "portal_session.failed"
        PORTAL_SESSION_RATE_LIMITED = "portal_session.rate_limited"
        PORTAL_SESSIONS_SWITCHED = "portal_sessions.switched"
        PORTAL_LINK_EMAIL_REQUESTED = "portal_link.email_requested"
        PORTAL_LINK_EMAILED = "portal_link.emailed"
        PORTAL_LINK_EMAIL_FAILED = "portal_link.email_failed"
        APPROVAL_REQUESTED = "approval.requested"
        APPROVAL_APPROVED = "approval.approved"
        APPROVAL_DENIED = "approval.denied"
        APPROVAL_EXPIRED = "approval.expired"
        APPROVAL_WITHDRAWN = "approval.withdrawn"
        APPROVAL_USED = "approval.used"
        AUDIT_VIEW = "audit.view"
        AUDIT_EXPORT = "audit.export"
        AUDIT_VERIFY = "audit.verify"
        AUDIT_ADMIN_VIEW = "audit.admin_view"
        AUTH_LOGIN = "auth.login"
        AUTH_LOGIN_FAILED = "auth.login_failed"
        AUTH_LOCKED_OUT = "auth.locked_out"
        AUTH_LOGOUT = "auth.logout"
        AUTH_STEP_UP = "auth.step_up"
        AUTH_BREAK_GLASS = "auth.break_glass"
        AUTH_ROLES_CHANGED = "auth.roles_changed"
        AUTH_SESSIONS_ENDED = "auth.sessions_ended"
        REPLY_TEMPLATE_CHANGED = "reply_template.changed"

    class Outcome(models.TextChoices):
        SUCCESS = "success"
        FAILURE = "failure"
        DENIED = "denied"

    seq = models.BigIntegerField(primary_key=True, help_text="Position in the hash chain, from 1.")
    # Never earlier than the previous row's (audit.record clamps it), so a date range maps to a seq range.
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    customer_id = models.CharField(max_length=30, blank=True)
    customer_email = models.CharField(max_length=320, blank=True)
    # Hashed only when non-empty, so rows written before the field existed still verify.
    customer_name = models.CharField(max_length=200, blank=True)
    subscription_ids = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    paddle_session_id = models.CharField(max_length=40, blank=True)
    paddle_request_id = models.CharField(max_length=64, blank=True)
    error_code = models.CharField(max_length=64, blank=True)
    # Text, not `inet`: the hash covers exactly the text the database gives back (PostgreSQL's
    # inet rewrites `::ffff:10.0.0.1` and drops scopes). audit.client_ip canonicalizes it.
    client_ip = models.CharField(max_length=45, null=True, blank=True)  # noqa: DJ001 (None is hashed as null)
    user_agent = models.CharField(max_length=256, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        default_permissions = ("view",)
        permissions = [
            ("lookup_customer", "Can look up Paddle customers"),
            ("create_portal_session", "Can create customer portal links"),
            ("view_all_audit", "Can review every user's audit events"),
            ("export_audit", "Can export the audit log"),
            # The Django admin's own read permission (view_auditevent is the console's).
            ("admin_read_audit", "Can read the audit log in the Django admin"),
            ("approve_portal_session", "Can approve or deny another agent's link request"),
        ]
        indexes = [
            models.Index(fields=["actor", "-seq"], name="audit_actor_seq"),
            # An agent's recent customers: their newest customer.view rows (sessions_app.customers).
            models.Index(fields=["actor", "action", "-seq"], name="audit_actor_action_seq"),
            models.Index(fields=["actor_username", "-seq"], name="audit_username_seq"),
            # Covers the daily-volume chart (day, action) with an index-only scan.
            models.Index(fields=["created_at", "action"], name="audit_created_action"),
            models.Index(fields=["customer_id", "-seq"], name="audit_customer_seq"),
            models.Index(fields=["customer_email", "-seq"], name="audit_email_seq"),
            models.Index(fields=["action", "-seq"], name="audit_action_seq"),
            models.Index(fields=["outcome", "-seq"], name="audit_outcome_seq"),
            models.Index(fields=["paddle_session_id"], name="audit_paddle_session"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_username or '-'}"


class ChainVerification(models.Model):
    """The outcome of one verification, MAC'd under AUDIT_CHAIN_KEY; append-only (triggers).

    The anchor of the next run: an intact result's head (last_seq, last_hash) is where an
    incremental verification starts, and rows below it must stay as they were.
    """

    checked_at = models.DateTimeField(db_index=True)
    ok = models.BooleanField()
    rows = models.BigIntegerField(help_text="Rows checked.")
    first_broken_seq = models.BigIntegerField(null=True, blank=True)
    problem = models.CharField(max_length=200, blank=True)
    last_seq = models.BigIntegerField(
        null=True, blank=True, help_text="Head of the chain when it was intact."
    )
    last_hash = models.CharField(max_length=64, blank=True)
    rows_per_second = models.FloatField(default=0)
    first_seq = models.BigIntegerField(
        default=1, help_text="First row checked (incremental runs start above 1)."
    )
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"
        default_permissions = ("view",)

    def __str__(self) -> str:
        verdict = "intact" if self.ok else f"broken at seq {self.first_broken_seq}"
        return f"{verdict} ({self.checked_at:%Y-%m-%d %H:%M})"


class AuditHead(models.Model):
    """The chain's high-water mark (one row), advanced by every append; triggers refuse to lower it.

    The next append continues from here, so rows cut off the end of the log leave a gap that
    verification names, even when the anchors are gone too.
    """

    seq = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"audit head at seq {self.seq}"


class KillSwitch(models.Model):
    """The managers' kill switch for link creation; a single row (pk=1)."""

    enabled = models.BooleanField(default=True, help_text="Untick to stop all link creation at once.")
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Why the last change was made, as the manager typed it (shown to agents while links are off).
    reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "kill switch"
        verbose_name_plural = "kill switch"
        default_permissions = ("view", "change")

    def __str__(self) -> str:
        return "Link creation enabled" if self.enabled else "Link creation stopped"


class SpentConfirmation(models.Model):
    """A confirmation token that has been used once; a second use finds its row and fails."""

    nonce = models.CharField(max_length=32, primary_key=True)
    spent_at = models.DateTimeField(db_index=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"confirmation spent at {self.spent_at:%Y-%m-%d %H:%M:%S}"


class OIDCIdentity(models.Model):
    """Who a user is at the identity provider: users are matched on (issuer, sub), never on email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identity"
    )
    issuer = models.CharField(max_length=255)
    sub = models.CharField(max_length=255, help_text="The provider's stable subject identifier.")
    last_auth_time = models.DateTimeField(
        null=True, blank=True, help_text="When the provider last authenticated them."
    )

    class Meta:
        verbose_name = "OpenID Connect identity"
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"], name="oidc_identity_issuer_sub")]

    def __str__(self) -> str:
        return f"{self.sub} at {self.issuer}"


class RedemptionToken(models.Model):
    """An emailed single-use link to `/r/<token>/`: only the SHA-256 of its 256-bit token is kept.

    Redeeming marks it used in the one conditional UPDATE that checks it (links/delivery.py).
    """

    token_hash = models.CharField(max_length=64, unique=True)
    customer_id = models.CharField(max_length=30)
    subscription_ids = models.JSONField(default=list, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attempt = models.CharField(max_length=32, help_text="The audit log's attempt id of the emailing.")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(
        null=True, blank=True, help_text="Redeemed, or invalidated by a failed send."
    )

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        state = "used" if self.used_at else f"valid until {self.expires_at:%Y-%m-%d %H:%M}"
        return f"emailed link for {self.customer_id} ({state})"


class ApprovalRequest(models.Model):
    """A link request a manager must approve first (four eyes): immutable once asked.

    Its content is fixed by `content_hash` (links/approvals.py); it is decided by someone other
    than the requester (a database constraint), and every state change is one conditional UPDATE
    from the state it expects, so two deciders make one decision and an approval is used once.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        DENIED = "denied"
        EXPIRED = "expired"
        WITHDRAWN = "withdrawn"
        USED = "used"

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    customer_id = models.CharField(max_length=30)
    customer_email = models.CharField(max_length=320, blank=True, help_text="Snapshot when asked.")
    customer_name = models.CharField(max_length=200, blank=True, help_text="Snapshot when asked.")
    subscription_ids = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=200)
    requester_email = models.CharField(max_length=254, blank=True)
    requester_match = models.BooleanField()
    delivery = models.CharField(max_length=10)
    rules = models.JSONField(default=list, help_text="The policy rules that required approval.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(help_text="The decision's deadline, then the approval's use deadline.")
    used_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decider__isnull=True) | ~models.Q(decider=models.F("requester")),
                name="approval_decider_not_requester",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["pending", "approved", "denied", "expired", "withdrawn", "used"]
                ),
                name="approval_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="approval_status_expires"),
            models.Index(fields=["requester", "-created_at"], name="approval_requester_created"),
        ]

    def __str__(self) -> str:
        return f"approval request #{self.pk} for {self.customer_id} ({self.status})"


class ReplyTemplate(models.Model):
    """A version of the message agents paste to the customer with the links (links/reply.py).

    Each change adds a row; the newest is the one in use, the older ones are its history. It holds
    placeholders only, never links: those are put in on the one-time links page, never stored.
    """

    text = models.TextField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-pk"]
        get_latest_by = ["changed_at", "pk"]
        default_permissions = ("change",)
        verbose_name = "reply message"

    def __str__(self) -> str:
        return f"reply message of {self.changed_at:%Y-%m-%d %H:%M}"
