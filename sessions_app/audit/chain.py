"""Verify the audit hash chain end to end in constant memory, and keep the latest result."""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ..models import AuditEvent, ChainVerification
from .record import GENESIS_HASH, HASHED_FIELDS, row_hash

BATCH_SIZE = 5000
_COLUMNS = (*HASHED_FIELDS, "hash")


@dataclass(frozen=True)
class ChainReport:
    """What one pass over the chain found."""

    rows: int
    seconds: float
    first_broken_seq: int | None = None
    problem: str = ""
    last_seq: int | None = None
    last_hash: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def _rows_in_seq_order(batch_size: int) -> Iterator[dict[str, Any]]:
    """Every row's hashed fields, in seq order, fetched in keyset batches (never all at once)."""
    after = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(seq__gt=after).order_by("seq").values_list(*_COLUMNS)[:batch_size]
        )
        for values in batch:
            yield dict(zip(_COLUMNS, values, strict=True))
        if len(batch) < batch_size:
            return
        after = batch[-1][0]


def verify_chain(*, batch_size: int = BATCH_SIZE) -> ChainReport:
    """Walk the chain from seq 1 and stop at the first row that is missing, moved or altered.

    A row removed from the end since the last intact verification is caught by comparing with
    the head that verification saw.
    """
    anchor = ChainVerification.objects.filter(ok=True, last_seq__isnull=False).order_by("-checked_at").first()
    anchor_seq = anchor.last_seq if anchor is not None else None
    started = time.perf_counter()
    expected_seq, prev_hash, rows = 1, GENESIS_HASH, 0

    def broken(seq: int, problem: str) -> ChainReport:
        return ChainReport(rows, time.perf_counter() - started, seq, problem)

    for values in _rows_in_seq_order(batch_size):
        seq = values["seq"]
        if seq != expected_seq:
            return broken(expected_seq, f"row {expected_seq} is missing (the next row is {seq})")
        if values["prev_hash"] != prev_hash:
            return broken(seq, f"row {seq} does not link to row {seq - 1}")
        if row_hash(values) != values["hash"]:
            return broken(seq, f"row {seq} was altered (its hash does not match its fields)")
        if anchor is not None and seq == anchor_seq and values["hash"] != anchor.last_hash:
            return broken(
                seq, f"row {seq} differs from the one verified at {anchor.checked_at:%Y-%m-%d %H:%M}"
            )
        rows += 1
        expected_seq, prev_hash = seq + 1, values["hash"]
    if anchor_seq is not None and rows < anchor_seq:
        return broken(rows + 1, f"rows {rows + 1}-{anchor_seq} were removed since the last verification")
    head = rows or None
    return ChainReport(
        rows, time.perf_counter() - started, last_seq=head, last_hash=prev_hash if head else ""
    )


def save_result(report: ChainReport) -> ChainVerification:
    """Keep the result for the review page's badge and as the anchor of the next run."""
    return ChainVerification.objects.create(
        checked_at=timezone.now(),
        ok=report.ok,
        rows=report.rows,
        first_broken_seq=report.first_broken_seq,
        problem=report.problem[:200],
        last_seq=report.last_seq,
        last_hash=report.last_hash,
        rows_per_second=report.rows_per_second,
    )


def latest_result() -> ChainVerification | None:
    """The most recent verification, or None if the chain was never verified."""
    return ChainVerification.objects.order_by("-checked_at").first()
