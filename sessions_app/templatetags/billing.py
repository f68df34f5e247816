"""Template filters for Paddle's billing data: money in minor units, billing cycles, scheduled changes."""

from decimal import Decimal, InvalidOperation

from django import template

from ..paddle.types import (
    BillingCycle,
    PaymentMethod,
    ScheduledChange,
    Subscription,
    SubscriptionItem,
    Transaction,
)

register = template.Library()

# Paddle sends amounts in the currency's minor unit; these currencies have none.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW"})

_CHANGE_VERBS = {"cancel": "cancels", "pause": "pauses", "resume": "resumes"}


@register.filter
def money(amount_minor: str, currency_code: str) -> str:
    """ "3000", "USD" -> "USD 30.00"; "3000", "JPY" -> "JPY 3,000"."""
    try:
        minor = Decimal(amount_minor)
    except (InvalidOperation, TypeError):
        return f"{currency_code} {amount_minor}"
    if currency_code in ZERO_DECIMAL_CURRENCIES:
        return f"{currency_code} {minor:,.0f}"
    return f"{currency_code} {minor / 100:,.2f}"


@register.filter
def unit_price(item: SubscriptionItem) -> str:
    """An item's unit price with its currency."""
    return money(item.unit_amount, item.currency_code)


@register.filter
def billing_cycle(cycle: BillingCycle | None) -> str:
    """{"interval": "month", "frequency": 3} -> "every 3 months"; None -> "one-time"."""
    if cycle is None:
        return "one-time"
    if cycle.frequency == 1:
        return f"every {cycle.interval}"
    return f"every {cycle.frequency} {cycle.interval}s"


@register.filter
def scheduled_change(change: ScheduledChange | None) -> str:
    """ "cancels on 2025-03-01", "pauses on …", "resumes on …"; "" when nothing is scheduled."""
    if change is None:
        return ""
    verb = _CHANGE_VERBS.get(change.action, change.action)
    text = f"{verb} on {change.effective_at:%Y-%m-%d}"
    if change.action == "pause" and change.resume_at is not None:
        text += f", resumes on {change.resume_at:%Y-%m-%d}"
    return text


# --- The customer page: totals per subscription, statuses, cards and payments --------------------
_STATUS_LABELS = {
    "active": "Active",
    "trialing": "Trial",
    "past_due": "Past due",
    "paused": "Paused",
    "canceled": "Canceled",
}
_CARD_BRANDS = {
    "american_express": "American Express",
    "diners_club": "Diners Club",
    "discover": "Discover",
    "jcb": "JCB",
    "mada": "mada",
    "maestro": "Maestro",
    "mastercard": "Mastercard",
    "union_pay": "UnionPay",
    "visa": "Visa",
    "unknown": "Card",
}
_METHOD_TYPES = {
    "alipay": "Alipay",
    "apple_pay": "Apple Pay",
    "card": "Card",
    "google_pay": "Google Pay",
    "korea_local": "Korean local payment method",
    "paypal": "PayPal",
}
# Paddle's `error_code` of a failed payment attempt, in words an agent can repeat to a customer.
_FAILURES = {
    "authentication_failed": "3-D Secure check failed",
    "blocked_card": "card blocked by the bank",
    "canceled": "payment mandate canceled",
    "declined": "declined",
    "declined_not_retryable": "declined, not to be retried",
    "expired_card": "card expired",
    "fraud": "flagged as fraud",
    "invalid_amount": "amount refused",
    "invalid_payment_details": "card details invalid (often expired)",
    "issuer_unavailable": "the bank could not be reached",
    "not_enough_balance": "insufficient funds",
    "preferred_network_not_supported": "card network not supported",
    "psp_error": "payment provider error",
    "redacted_payment_method": "payment method removed",
    "system_error": "Paddle system error",
    "transaction_not_permitted": "not permitted by the bank",
}


@register.filter
def status_label(status: str) -> str:
    """ "past_due" -> "Past due"; an unknown status is shown as Paddle sent it."""
    return _STATUS_LABELS.get(status, status)


@register.filter
def recurring_total(subscription: Subscription) -> str:
    """What a subscription bills per cycle, e.g. "EUR 30.00 / month": each item's unit price times quantity.

    Before tax and discounts (Paddle computes those per transaction); "" if the items' currencies
    differ from the subscription's, which Paddle does not allow.
    """
    # One-time items (no billing cycle) are charged once, not every cycle.
    recurring = [item for item in subscription.items if item.billing_cycle is not None]
    if any(item.currency_code != subscription.currency_code for item in recurring):
        return ""
    try:
        total = sum((Decimal(item.unit_amount) * item.quantity for item in recurring), Decimal(0))
    except InvalidOperation:
        return ""
    cycle = subscription.billing_cycle
    per = cycle.interval if cycle.frequency == 1 else f"{cycle.frequency} {cycle.interval}s"
    return f"{money(str(total), subscription.currency_code)} / {per}"


@register.filter
def subscription_title(subscription: Subscription) -> str:
    """The product and plan of the first item, e.g. "Lighthouse Pro · Monthly (per seat)"."""
    if not subscription.items:
        return "(no items)"
    first = subscription.items[0]
    return f"{first.product_name} · {first.price_name}" if first.price_name else first.product_name


@register.filter
def card_brand(brand: str | None) -> str:
    return _CARD_BRANDS.get(brand or "unknown", (brand or "card").replace("_", " ").title())


@register.filter
def payment_method_type(kind: str) -> str:
    return _METHOD_TYPES.get(kind, kind.replace("_", " "))


@register.filter
def card_expiry(method: PaymentMethod) -> str:
    """ "09/2025"; "" without an expiry."""
    if method.expiry_month is None or method.expiry_year is None:
        return ""
    return f"{method.expiry_month:02d}/{method.expiry_year}"


@register.filter
def failure_reason(code: str | None) -> str:
    return _FAILURES.get(code or "", "failed")


@register.filter
def payment_amount(transaction: Transaction) -> str:
    return money(transaction.grand_total, transaction.currency_code)
