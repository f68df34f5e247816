"""Template filters for Paddle's billing data: money in minor units, billing cycles, scheduled changes."""

from decimal import Decimal, InvalidOperation

from django import template

from ..paddle.types import BillingCycle, ScheduledChange, Subscription, SubscriptionItem

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
def recurring_total(subscription: Subscription) -> str:
    """What the subscription bills each cycle: "USD 60.00 every month" (items of its currency only).

    The sum of unit amount times quantity of its recurring items; one-time items are not recurring.
    """
    total = Decimal(0)
    for item in subscription.items:
        if item.billing_cycle is None or item.currency_code != subscription.currency_code:
            continue
        try:
            total += Decimal(item.unit_amount) * item.quantity
        except InvalidOperation:
            continue
    return f"{money(str(total), subscription.currency_code)} {billing_cycle(subscription.billing_cycle)}"


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
