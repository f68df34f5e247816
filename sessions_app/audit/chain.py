"""Verify the audit hash chain in constant memory, name every damage, and keep MAC'd anchors.

A full run walks from seq 1; an incremental run (`since_anchor`) starts above the latest anchor
whose MAC holds, after checking that the anchored row is still the one that was verified. Either
way the walk goes on past a bad row, so one run reports every damage, each with its kind.
"""

import hashlib
import hmac
import logging
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.conf import settings
from django.utils import timezone

from ..models import AuditEvent, AuditHead, ChainVerification
from .record import ALL_HASHED_FIELDS, GENESIS_HASH, row_hash

logger = logging.getLogger("sessions_app.audit")

BATCH_SIZE = 5000
# How far back a moved row's original position is looked for (hashes kept in memory).
_RECENT = 10_000
_COLUMNS = (*ALL_HASHED_FIELDS, "hash")

CHANGED, MISSING, INSERTED, REORDERED, CUT = "changed", "missing", "inserted", "reordered", "cut from the end"
ANCHOR = "anchor forged"


@dataclass(frozen=True)
class Damage:
    """One damage: its kind, the rows it covers and a sentence for people."""

    kind: str
    first_seq: int
    last_seq: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    """What one pass over the chain found."""

    rows: int
    seconds: float
    damages: tuple[Damage, ...] = ()
    last_seq: int | None = None
    last_hash: str = ""
    first_seq: int = 1

    @property
    def ok(self) -> bool:
        return not self.damages

    @property
    def first_broken_seq(self) -> int | None:
        return min(d.first_seq for d in self.damages) if self.damages else None

    @property
    def problem(self) -> str:
        return "; ".join(d.message for d in self.damages)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def anchor_mac(
    *, checked_at: Any, ok: bool, rows: int, first_seq: int, last_seq: int | None, last_hash: str
) -> str:
    """HMAC-SHA256 under AUDIT_CHAIN_KEY of what an anchor asserts."""
    message = "|".join(
        (
            "anchor-v1",
            checked_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "ok" if ok else "broken",
            str(rows),
            str(first_seq),
            "" if last_seq is None else str(last_seq),
            last_hash,
        )
    )
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def _anchor_is_genuine(anchor: ChainVerification) -> bool:
    expected = anchor_mac(
        checked_at=anchor.checked_at,
        ok=anchor.ok,
        rows=anchor.rows,
        first_seq=anchor.first_seq,
        last_seq=anchor.last_seq,
        last_hash=anchor.last_hash,
    )
    return hmac.compare_digest(expected, anchor.mac)


def latest_anchor() -> tuple[ChainVerification | None, list[Damage]]:
    """The newest intact verification whose MAC holds, and a damage for each forged one met first."""
    forged: list[Damage] = []
    for anchor in ChainVerification.objects.filter(ok=True, last_seq__isnull=False).order_by("-checked_at")[
        :100
    ]:
        if _anchor_is_genuine(anchor):
            return anchor, forged
        seq = anchor.last_seq or 0
        forged.append(
            Damage(ANCHOR, seq, seq, f"anchor #{anchor.pk} (head {seq}) does not carry a valid MAC")
        )
    return None, forged


def _rows_in_seq_order(after: int, batch_size: int) -> Iterator[dict[str, Any]]:
    """Every row's hashed fields above `after`, in seq order, in keyset batches (never all at once)."""
    while True:
        batch = list(
            AuditEvent.objects.filter(seq__gt=after).order_by("seq").values_list(*_COLUMNS)[:batch_size]
        )
        for values in batch:
            yield dict(zip(_COLUMNS, values, strict=True))
        if len(batch) < batch_size:
            return
        after = batch[-1][0]


def _with_next(rows: Iterator[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    previous = next(rows, None)
    if previous is None:
        return
    for current in rows:
        yield previous, current
        previous = current
    yield previous, None


@dataclass
class _Walk:
    """The state of one walk: the damages so far, grouped where one cause spans several rows."""

    damages: list[Damage] = field(default_factory=list)
    shift: int = 0

    def add(self, kind: str, seq: int, message: str, *, last_seq: int | None = None) -> None:
        self.damages.append(Damage(kind, seq, seq if last_seq is None else last_seq, message))

    def moved(self, seq: int, written: int) -> None:
        """A row found at `seq` that was written as `written`; a run with one shift is one damage."""
        shift = seq - written
        prior = self.damages[-1] if self.damages else None
        if (
            prior is not None
            and prior.kind == REORDERED
            and prior.last_seq == seq - 1
            and self.shift == shift
        ):
            first = prior.first_seq
            message = f"rows {first}-{seq} are not where they were written (moved by {shift:+d})"
            self.damages[-1] = Damage(REORDERED, first, seq, message)
        else:
            self.add(REORDERED, seq, f"row {seq} was written as row {written} (moved by {shift:+d})")
        self.shift = shift


def _original_seq(values: dict[str, Any], candidates: list[int]) -> int | None:
    """The seq under which this row's hash holds, if it was moved from one of `candidates`."""
    for seq in candidates:
        if seq > 0 and seq != values["seq"] and row_hash({**values, "seq": seq}) == values["hash"]:
            return seq
    return None


def verify_chain(
    *,
    batch_size: int = BATCH_SIZE,
    since_anchor: bool = False,
    expect_head: tuple[int, str] | None = None,
) -> ChainReport:
    """Walk the chain (from seq 1, or above the latest genuine anchor) and report every damage.

    Rows cut from the end are caught three ways: the head table (which only moves forward), the
    latest genuine anchor, and `expect_head`, a head copied from the log stream.
    """
    started = time.perf_counter()
    anchor, forged = latest_anchor()
    walk = _Walk(list(forged))
    expected_seq, prev_hash, after = 1, GENESIS_HASH, 0
    if since_anchor and anchor is not None and anchor.last_seq is not None:
        anchored = AuditEvent.objects.filter(seq=anchor.last_seq).values_list(*_COLUMNS).first()
        anchored_values = dict(zip(_COLUMNS, anchored, strict=True)) if anchored else None
        if (
            anchored_values is not None
            and anchored_values["hash"] == anchor.last_hash
            and row_hash(anchored_values) == anchor.last_hash
        ):
            after = anchor.last_seq
            expected_seq, prev_hash = after + 1, anchor.last_hash
        # Otherwise the anchored row itself was touched: fall back to a full walk, which names it.
    first_seq = after + 1
    # hash -> the seq it was written at, and written seq -> hash, for the last _RECENT rows.
    written_at: OrderedDict[str, int] = OrderedDict()
    hash_of: OrderedDict[int, str] = OrderedDict({after: prev_hash})
    rows, last_seq, last_hash = 0, None, ""
    for values, following in _with_next(_rows_in_seq_order(after, batch_size)):
        seq = values["seq"]
        rows += 1
        if seq > expected_seq:
            walk.add(
                MISSING,
                expected_seq,
                f"rows {expected_seq}-{seq - 1} are missing"
                if seq - 1 > expected_seq
                else f"row {expected_seq} is missing",
                last_seq=seq - 1,
            )
        genuine = row_hash(values) == values["hash"]
        written = seq
        after_forgery = (
            bool(walk.damages) and walk.damages[-1].kind == INSERTED and walk.damages[-1].last_seq == seq - 1
        )
        if genuine:
            link = hash_of.get(seq - 1)
            if link is not None and values["prev_hash"] != link and not after_forgery:
                walk.add(REORDERED, seq, f"row {seq} does not link to row {seq - 1}")
        else:
            referenced_by_next = following is not None and following["prev_hash"] == values["hash"]
            linked_from = written_at.get(values["prev_hash"])
            candidates = [seq - 1, seq + 1] + ([linked_from + 1] if linked_from is not None else [])
            moved_from = _original_seq(values, candidates)
            if moved_from is not None:
                written = moved_from
                walk.moved(seq, moved_from)
            elif referenced_by_next or following is None:
                walk.add(CHANGED, seq, f"row {seq} was changed (its hash does not match its fields)")
            else:
                walk.add(
                    INSERTED,
                    seq,
                    f"row {seq} was inserted (no later row links to it and its hash is not ours)",
                )
        written_at[values["hash"]] = written
        hash_of[written] = values["hash"]
        if len(written_at) > _RECENT:
            written_at.popitem(last=False)
            hash_of.popitem(last=False)
        expected_seq = max(expected_seq, seq + 1)
        last_seq, last_hash = seq, values["hash"]
    if last_seq is None and after:
        last_seq, last_hash = after, prev_hash
    _check_heads(walk, anchor, expect_head, last_seq, last_hash)
    return ChainReport(
        rows,
        time.perf_counter() - started,
        tuple(walk.damages),
        last_seq=last_seq,
        last_hash=last_hash,
        first_seq=first_seq,
    )


def _check_heads(
    walk: _Walk,
    anchor: ChainVerification | None,
    expect_head: tuple[int, str] | None,
    last_seq: int | None,
    last_hash: str,
) -> None:
    """Compare the last row with every record of a head: the head table, the anchor, the log's copy."""
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    top = last_seq or 0
    claims: list[tuple[str, int, str]] = []
    if head is not None:
        claims.append(("the head table", head[0], head[1]))
    elif top:
        walk.add(MISSING, top, "the head table's row is gone (it is never deleted by the console)")
    if anchor is not None and anchor.last_seq is not None:
        claims.append(
            (f"the verification of {anchor.checked_at:%Y-%m-%d %H:%M}", anchor.last_seq, anchor.last_hash)
        )
    if expect_head is not None:
        claims.append(("the expected head", *expect_head))
    cut_to = max((seq for _, seq, _ in claims), default=0)
    if cut_to > top:
        source = next(name for name, seq, _ in claims if seq == cut_to)
        walk.add(
            CUT,
            top + 1,
            f"rows {top + 1}-{cut_to} were cut from the end (the chain ends at {top}; {source} saw {cut_to})",
            last_seq=cut_to,
        )
    for name, seq, hash_ in claims:
        if seq <= top and seq > 0:
            stored = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
            if stored is not None and stored != hash_:
                walk.add(CHANGED, seq, f"row {seq} differs from the one {name} recorded")


def save_result(report: ChainReport) -> ChainVerification:
    """Keep the result (MAC'd) for the review page's badge and as the anchor of the next run.

    The head also goes to the log stream, so a copy lives outside the database.
    """
    checked_at = timezone.now()
    last_seq, last_hash = (report.last_seq, report.last_hash) if report.ok else (None, "")
    values: dict[str, Any] = {
        "checked_at": checked_at,
        "ok": report.ok,
        "rows": report.rows,
        "first_seq": report.first_seq,
        "last_seq": last_seq,
        "last_hash": last_hash,
    }
    result = ChainVerification.objects.create(
        **values,
        mac=anchor_mac(**values),
        first_broken_seq=report.first_broken_seq,
        problem=report.problem[:200],
        rows_per_second=report.rows_per_second,
    )
    logger.info(
        "audit chain %s: head seq=%s hash=%s, %s rows checked from seq %s, %s damage(s)",
        "intact" if report.ok else "BROKEN",
        report.last_seq,
        report.last_hash,
        report.rows,
        report.first_seq,
        len(report.damages),
    )
    return result


def latest_result() -> ChainVerification | None:
    """The most recent verification, or None if the chain was never verified."""
    return ChainVerification.objects.order_by("-checked_at").first()
