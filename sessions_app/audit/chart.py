"""The daily volume per action as server-rendered SVG geometry (no JS, no inline styles).

One GROUP BY (day, action) over the filtered rows of a bounded date range (days that are over
come from the cache once counted); the template draws the bars with SVG presentation attributes.
"""

import hashlib
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..dependencies import CACHE_ERRORS, log_skipped
from ..models import AuditEvent
from .review import in_date_range

CHART_DEFAULT_DAYS = 30
# A day counts as over this long after midnight (UTC), leaving room for clock skew between hosts.
SETTLE = timedelta(hours=1)
CACHE_SECONDS = 24 * 3600
WIDTH, HEIGHT = 760, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 26
_PALETTE = (
    "#2b59c3",
    "#8fb3ff",
    "#f79009",
    "#067647",
    "#b42318",
    "#fdb022",
    "#6941c6",
    "#9e77ed",
    "#0e9384",
    "#5b6575",
    "#dd2590",
    "#98a2b3",
    "#b54708",
    "#1d2430",
)
COLOURS = {action: _PALETTE[i % len(_PALETTE)] for i, action in enumerate(AuditEvent.Action.values)}


def _coordinate(value: float) -> str:
    """An SVG coordinate as text (a template would localize every float, slowly)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    fill: str
    title: str


@dataclass(frozen=True)
class LegendEntry:
    action: str
    fill: str
    total: int


@dataclass(frozen=True)
class Chart:
    start: date
    end: date
    bars: list[Bar]
    legend: list[LegendEntry]
    peak: int
    x_labels: list[tuple[str, str]]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    baseline: int = HEIGHT - BOTTOM

    @property
    def total(self) -> int:
        return sum(entry.total for entry in self.legend)

    @property
    def bars_svg(self) -> SafeString:
        """The bars as SVG markup: hundreds of them, too many for the template engine's speed.

        Coordinates and fills are numbers and palette constants made here; titles are escaped.
        """
        return mark_safe(  # noqa: S308
            "".join(
                f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}" fill="{bar.fill}">'
                f"<title>{escape(bar.title)}</title></rect>"
                for bar in self.bars
            )
        )


def chart_range(start: date | None, end: date | None, today: date, days: int) -> tuple[date, date]:
    """The filtered range, or the `days` days up to `end` (or today) when no start is given."""
    end = end or today
    return start or end - timedelta(days=days - 1), end


def _grouped(events: QuerySet[AuditEvent], start: date, end: date) -> list[dict[str, Any]]:
    rows = (
        in_date_range(events, start, end)
        .order_by()
        .annotate(day=TruncDate("created_at"))
        .values("day", "action")
        .annotate(n=Count("seq"))
    )
    return [dict(row) for row in rows]


def daily_counts(events: QuerySet[AuditEvent], start: date, end: date) -> list[dict[str, Any]]:
    """Rows of {day, action, n} for `events` from `start` to `end`: one GROUP BY query.

    Days that are over never gain rows (the log is append-only and its times never go back), so
    their counts are cached; with the cache warm the query covers only the open days.
    """
    closed_until = min((timezone.now() - SETTLE).date() - timedelta(days=1), end)
    key = "audit-chart:" + hashlib.sha256(f"{events.query}|{start}|{closed_until}".encode()).hexdigest()
    closed = _cached(key) if start <= closed_until else []
    if closed is None:
        rows = _grouped(events, start, end)
        with suppress(*CACHE_ERRORS):  # the next page counts them again
            cache.set(key, [row for row in rows if row["day"] <= closed_until], CACHE_SECONDS)
        return rows
    open_from = max(start, closed_until + timedelta(days=1))
    return closed + (_grouped(events, open_from, end) if open_from <= end else [])


def build_chart(counts: list[dict[str, Any]], start: date, end: date) -> Chart:
    """Stacked bars per day, in a fixed action order so colours stay put between ranges."""
    days = (end - start).days + 1
    per_day: dict[date, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for row in counts:
        per_day.setdefault(row["day"], {})[row["action"]] = row["n"]
        totals[row["action"]] = totals.get(row["action"], 0) + row["n"]
    peak = max((sum(day.values()) for day in per_day.values()), default=0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / days
    bars = []
    for day, by_action in sorted(per_day.items()):
        x = LEFT + (day - start).days * step
        y = float(HEIGHT - BOTTOM)
        for action in COLOURS:
            n = by_action.get(action, 0)
            if not n:
                continue
            height = plot_h * n / peak
            y -= height
            bars.append(
                Bar(
                    _coordinate(x + step * 0.1),
                    _coordinate(y),
                    _coordinate(step * 0.8),
                    _coordinate(height),
                    COLOURS[action],
                    f"{day:%Y-%m-%d} {action}: {n}",
                )
            )
    label_days = sorted({0, days // 2, days - 1})
    x_labels = [
        (_coordinate(LEFT + (i + 0.5) * step), f"{start + timedelta(days=i):%b %d}") for i in label_days
    ]
    legend = [
        LegendEntry(action, fill, totals[action]) for action, fill in COLOURS.items() if action in totals
    ]
    return Chart(start, end, bars, legend, peak, x_labels)


def _cached(key: str) -> list[dict[str, Any]] | None:
    """The cached closed days, or None when absent or when the cache is down (then counted afresh)."""
    try:
        rows: list[dict[str, Any]] | None = cache.get(key)
    except CACHE_ERRORS as exc:
        log_skipped("cache", "the audit chart's cache", exc)
        return None
    return rows
