"""The seed data's fixed clock and calendar arithmetic, shared by every seeded entity."""

import calendar
from datetime import UTC, datetime, timedelta

CLOCK = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # the seed data's "now"


def add_cycle(at: datetime, interval: str, frequency: int = 1) -> datetime:
    """`at` plus `frequency` billing intervals; a month end stays within the shorter month."""
    if interval == "day":
        return at + timedelta(days=frequency)
    if interval == "week":
        return at + timedelta(weeks=frequency)
    months = frequency * (12 if interval == "year" else 1)
    year, month = divmod(at.month - 1 + months, 12)
    year += at.year
    day = min(at.day, calendar.monthrange(year, month + 1)[1])
    return at.replace(year=year, month=month + 1, day=day)
