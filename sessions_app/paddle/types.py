"""What the console knows of Paddle's entities: frozen dataclasses holding only what it shows.

`management_urls` of subscriptions are dropped while parsing: with our key's permissions they
carry live tokens. Status fields are plain strings so an unknown value from Paddle cannot crash.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

CUSTOMER_STATUSES = ("active", "archived")
SUBSCRIPTION_STATUSES = ("active", "trialing", "past_due", "paused", "canceled")
# Payment attempts that took no money: `error` (see `error_code`), and authorised attempts that
# were `canceled` or `dropped` (Paddle's `status-payment_attempt`).
FAILED_ATTEMPT_STATUSES = ("error", "canceled", "dropped")


@dataclass(frozen=True)
class Customer:
    id: str
    name: str | None = field(repr=False)  # personal data stays out of reprs and tracebacks
    email: str = field(repr=False)
    status: str
    locale: str
    created_at: datetime
    # Paddle's free-form `custom_data`, flattened to text values (the approval policy reads a key).
    custom_data: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def custom_value(self, key: str) -> str | None:
        """The text value of `custom_data[key]`, or None when the key is absent."""
        return dict(self.custom_data).get(key)


@dataclass(frozen=True)
class BillingCycle:
    interval: str  # day | week | month | year
    frequency: int


@dataclass(frozen=True)
class Period:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ScheduledChange:
    action: str  # cancel | pause | resume
    effective_at: datetime
    resume_at: datetime | None


@dataclass(frozen=True)
class SubscriptionItem:
    product_name: str
    price_name: str  # price.name, falling back to price.description
    quantity: int
    unit_amount: str  # minor units as Paddle sends them, e.g. "3000"
    currency_code: str
    billing_cycle: BillingCycle | None


@dataclass(frozen=True)
class Subscription:
    id: str
    customer_id: str
    status: str
    currency_code: str
    collection_mode: str  # automatic | manual
    billing_cycle: BillingCycle
    current_billing_period: Period | None
    next_billed_at: datetime | None
    scheduled_change: ScheduledChange | None
    paused_at: datetime | None
    canceled_at: datetime | None
    items: tuple[SubscriptionItem, ...]

    @property
    def links_open_overview(self) -> bool:
        """Paddle's portal links for paused or canceled subscriptions open the overview page."""
        return self.status in ("paused", "canceled")

    @property
    def payment_link_opens_overview(self) -> bool:
        """Paddle's update-payment-method link of an invoiced (manual) subscription opens the overview."""
        return self.collection_mode == "manual"

    @property
    def links_offered(self) -> int:
        """How many of its deep links do what they say, so the links page offers them: one overview
        page when paused or canceled; else cancel and view, and the payment method unless invoiced."""
        if self.links_open_overview:
            return 1
        return 2 if self.payment_link_opens_overview else 3


@dataclass(frozen=True, repr=False)
class SubscriptionLinks:
    """Deep links into the portal for one subscription: bearer credentials like PortalSession's."""

    subscription_id: str
    cancel: str
    update_payment_method: str
    view: str | None  # `view_subscription`, added by Paddle on 2026-09-28

    def __repr__(self) -> str:  # keeps the URLs out of tracebacks and debug output
        return f"SubscriptionLinks(subscription_id={self.subscription_id!r}, links=[redacted])"


@dataclass(frozen=True, repr=False)
class PortalSession:
    """A created portal session. Its URLs are bearer credentials: never log, store or cache."""

    id: str
    customer_id: str
    created_at: datetime
    overview_url: str
    subscriptions: tuple[SubscriptionLinks, ...]
    request_id: str

    def __repr__(self) -> str:  # keeps the URLs out of tracebacks and debug output
        return f"PortalSession(id={self.id!r}, customer_id={self.customer_id!r}, links=[redacted])"


@dataclass(frozen=True)
class PaymentMethod:
    """A saved payment method. Only the card's brand, last four digits and expiry are kept."""

    id: str
    customer_id: str
    type: str  # card | paypal | apple_pay | google_pay | alipay | korea_local
    card_brand: str | None  # visa, mastercard, american_express, …; None unless a card
    last4: str | None
    expiry_month: int | None
    expiry_year: int | None
    origin: str  # subscription | saved_during_purchase
    saved_at: datetime

    def expired_on(self, today: date) -> bool:
        """A card works through the last day of its expiry month."""
        if self.expiry_year is None or self.expiry_month is None:
            return False
        return (self.expiry_year, self.expiry_month) < (today.year, today.month)

    @property
    def expired(self) -> bool:
        """Expired as of today (UTC)."""
        return self.expired_on(datetime.now(UTC).date())


@dataclass(frozen=True)
class PaymentAttempt:
    status: str  # captured | error | canceled | dropped | action_required | …
    error_code: str | None  # declined, expired_card, not_enough_balance, …; None unless it failed
    created_at: datetime
    card_brand: str | None
    last4: str | None

    @property
    def failed(self) -> bool:
        return self.status in FAILED_ATTEMPT_STATUSES


@dataclass(frozen=True)
class Transaction:
    """A transaction (a charge or an invoice), with what the customer page shows of it."""

    id: str
    customer_id: str | None
    status: str  # draft | ready | billed | paid | completed | canceled | past_due
    subscription_id: str | None
    collection_mode: str  # automatic | manual
    currency_code: str
    grand_total: str  # minor units, as Paddle sends them
    balance: str  # what is still due, minor units
    created_at: datetime
    billed_at: datetime | None
    payments: tuple[PaymentAttempt, ...]  # newest first, as Paddle sorts them

    @property
    def past_due(self) -> bool:
        return self.status == "past_due"

    @property
    def last_failure(self) -> PaymentAttempt | None:
        """The newest failed payment attempt, if any."""
        return next((p for p in self.payments if p.failed), None)

    @property
    def failed_or_past_due(self) -> bool:
        """Past due (unpaid), or any payment attempt failed (even if a later one succeeded)."""
        return self.past_due or self.last_failure is not None
