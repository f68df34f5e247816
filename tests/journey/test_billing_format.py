"""How Paddle's amounts, cycles and scheduled changes read on the customer page."""

from datetime import UTC, datetime

import pytest

from sessions_app.paddle.types import BillingCycle, ScheduledChange
from sessions_app.templatetags.billing import billing_cycle, money, scheduled_change


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
