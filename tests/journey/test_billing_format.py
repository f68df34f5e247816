"""How Paddle's amounts, cycles and scheduled changes read on the customer page."""

from datetime import UTC, datetime

import pytest

from sessions_app.paddle.types import BillingCycle, ScheduledChange, Subscription, SubscriptionItem
from sessions_app.templatetags.billing import (
    billing_cycle,
    card_brand,
    failure_reason,
    money,
    recurring_total,
    scheduled_change,
    status_label,
)


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("3000", "USD", "USD 30.00"),
        ("5", "EUR", "EUR 0.05"),
        ("123456789", "GBP", "GBP 1,234,567.89"),
        ("3000", "JPY", "JPY 3,000"),
        ("15000", "KRW", "KRW 15,000"),
        ("0", "USD", "USD 0.00"),
        ("not a number", "USD", "USD not a number"),
    ],
)
def test_minor_units_are_shown_with_their_currency(amount: str, currency: str, shown: str) -> None:
    assert money(amount, currency) == shown


@pytest.mark.parametrize(
    ("cycle", "shown"),
    [
        (BillingCycle("month", 1), "every month"),
        (BillingCycle("month", 3), "every 3 months"),
        (BillingCycle("year", 1), "every year"),
        (BillingCycle("week", 2), "every 2 weeks"),
        (None, "one-time"),
    ],
)
def test_billing_cycles_read_as_words(cycle: BillingCycle | None, shown: str) -> None:
    assert billing_cycle(cycle) == shown


MARCH_1 = datetime(2026, 3, 1, 12, tzinfo=UTC)
APRIL_1 = datetime(2026, 4, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (ScheduledChange("cancel", MARCH_1, None), "cancels on 2026-03-01"),
        (ScheduledChange("pause", MARCH_1, APRIL_1), "pauses on 2026-03-01, resumes on 2026-04-01"),
        (ScheduledChange("resume", MARCH_1, MARCH_1), "resumes on 2026-03-01"),
        (None, ""),
    ],
)
def test_scheduled_changes_say_what_happens_when(change: ScheduledChange | None, shown: str) -> None:
    assert scheduled_change(change) == shown


# --- Recurring totals, statuses, cards and failures --------------------------------------------------
def _subscription(cycle: BillingCycle, *items: tuple[str, int, str]) -> Subscription:
    return Subscription(
        id="sub_" + "1" * 26,
        customer_id="ctm_" + "1" * 26,
        status="active",
        currency_code="EUR",
        collection_mode="automatic",
        billing_cycle=cycle,
        current_billing_period=None,
        next_billed_at=None,
        scheduled_change=None,
        paused_at=None,
        canceled_at=None,
        items=tuple(SubscriptionItem("Pro", "Monthly", q, a, c, cycle) for a, q, c in items),
    )


@pytest.mark.parametrize(
    ("subscription", "shown"),
    [
        (_subscription(BillingCycle("month", 1), ("1500", 2, "EUR")), "EUR 30.00 / month"),
        (
            _subscription(BillingCycle("month", 3), ("1000", 1, "EUR"), ("250", 4, "EUR")),
            "EUR 20.00 / 3 months",
        ),
        (_subscription(BillingCycle("year", 1)), "EUR 0.00 / year"),
        (_subscription(BillingCycle("month", 1), ("1000", 1, "USD")), ""),  # not the subscription's currency
        (_subscription(BillingCycle("month", 1), ("ten", 1, "EUR")), ""),
    ],
)
def test_the_recurring_total_is_every_items_price_times_quantity(
    subscription: Subscription, shown: str
) -> None:
    assert recurring_total(subscription) == shown


def test_statuses_cards_and_failures_read_as_words() -> None:
    assert [status_label(s) for s in ("past_due", "trialing", "paused", "mystery")] == [
        "Past due",
        "Trial",
        "Paused",
        "mystery",
    ]
    assert [card_brand(b) for b in ("american_express", "visa", None, "new_brand")] == [
        "American Express",
        "Visa",
        "Card",
        "New Brand",
    ]
    assert failure_reason("not_enough_balance") == "insufficient funds"
    assert failure_reason("something_new") == failure_reason(None) == "failed"
