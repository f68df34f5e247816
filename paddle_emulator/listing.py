"""List endpoints: comma-list filters, `order_by`, `per_page` and cursor pagination."""

import re
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlencode

from .envelopes import field_error, invalid_field

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200  # larger values are clamped, not rejected
MAX_ESTIMATE = 100_001  # Paddle's "more than 100,000"
ANY_ID = re.compile(r"^[a-z]{3,10}_[a-z\d]{26}$")
_ORDER_BY = re.compile(r"^([a-z_]+)\[(asc|desc)\]$", re.IGNORECASE)

Entity = Mapping[str, object]


def comma_list(
    query: Mapping[str, str],
    name: str,
    *,
    pattern: re.Pattern[str] | None = None,
    allowed: Sequence[str] = (),
    max_length: int | None = None,
) -> list[str] | None:
    """The values of a comma-separated filter (None if absent), each checked like Paddle's schema."""
    raw = query.get(name, "")
    if not raw:
        return None
    values = raw.split(",")
    for value in values:
        if pattern is not None and not pattern.match(value):
            raise invalid_field(field_error(name, f"invalid id format: {value[:40]!r}"))
        if allowed and value not in allowed:
            raise invalid_field(field_error(name, f"must be one of: {', '.join(allowed)}"))
        if max_length is not None and len(value) > max_length:
            raise invalid_field(field_error(name, f"maximum length of {max_length} exceeded"))
    return values


def paginate(
    items: Sequence[Entity],
    *,
    query: Mapping[str, str],
    query_pairs: Sequence[tuple[str, str]],
    page_url: str,
    skip_count: bool,
    render: Callable[[Entity], object],
    default_per_page: int = DEFAULT_PER_PAGE,
    max_per_page: int = MAX_PER_PAGE,
    order_fields: Sequence[str] = ("id",),
) -> tuple[list[object], dict[str, object]]:
    """One page of `items` (sorted by id ascending) and Paddle's `meta.pagination` for it.

    `order_fields`: the fields `order_by` may name. Each must sort as the id does (ids are
    time-ordered, so `created_at` qualifies), since the `after` cursor is an id.
    """
    per_page = _per_page(query.get("per_page", ""), default_per_page, max_per_page)
    descending = _descending(query.get("order_by", ""), order_fields)
    after = query.get("after", "")
    if after and not ANY_ID.match(after):
        raise invalid_field(field_error("after", "invalid id format"))
    ordered = list(reversed(items)) if descending else list(items)
    if after:
        ordered = [i for i in ordered if (str(i["id"]) < after if descending else str(i["id"]) > after)]
    page = ordered[:per_page]
    cursor = str(page[-1]["id"]) if page else after
    pairs = [(k, v) for k, v in query_pairs if k != "after"]
    if cursor:
        pairs.append(("after", cursor))
    # `next` is always present, absolute, and on the host the request came to.
    pagination = {
        "per_page": per_page,
        "next": f"{page_url}?{urlencode(pairs, safe=',')}",
        "has_more": len(ordered) > per_page,
        "estimated_total": -1 if skip_count else min(len(items), MAX_ESTIMATE),
    }
    return [render(i) for i in page], pagination


def _per_page(raw: str, default: int, maximum: int) -> int:
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise invalid_field(field_error("per_page", "must be a positive integer"))
    return min(int(raw), maximum)


def _descending(raw: str, fields: Sequence[str]) -> bool:
    if not raw:
        return True  # Paddle's default is id[DESC]
    match = _ORDER_BY.match(raw)
    if match is None or match.group(1).lower() not in fields:
        allowed = " or ".join(f"{f}[ASC] or {f}[DESC]" for f in fields)
        raise invalid_field(field_error("order_by", f"must be {allowed}"))
    return match.group(2).lower() == "desc"
