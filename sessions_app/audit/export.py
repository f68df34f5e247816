"""The audit log as CSV, produced in keyset batches so memory stays flat however many rows match."""

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from ..models import AuditEvent
from .record import HASHED_FIELDS

BATCH_SIZE = 2000
# Every hashed field and the hash: an export is enough to check the chain.
COLUMNS = (*HASHED_FIELDS, "hash")
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def safe_cell(value: Any) -> str:
    """The value as text, with a leading `'` if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, list):
        text = " ".join(str(item) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
    else:
        text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _batches(events: QuerySet[AuditEvent], batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
    after = 0
    while True:
        batch = list(events.filter(seq__gt=after).order_by("seq").values_list(*COLUMNS)[:batch_size])
        if batch:
            yield batch
        if len(batch) < batch_size:
            return
        after = batch[-1][0]


def csv_chunks(events: QuerySet[AuditEvent], *, batch_size: int = BATCH_SIZE) -> Iterator[str]:
    """The header, then one chunk of CSV text per batch of rows, in seq order."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for batch in _batches(events, batch_size):
        yield "".join(writer.writerow([safe_cell(value) for value in row]) for row in batch)
