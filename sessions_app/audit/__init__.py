"""The audit log: the only writer of AuditEvent, its hash chain, triggers, review and export."""

from .record import (
    ALL_HASHED_FIELDS,
    GENESIS_HASH,
    HASHED_FIELDS,
    Action,
    Outcome,
    canonical_ip,
    record,
    row_hash,
)

__all__ = [
    "ALL_HASHED_FIELDS",
    "GENESIS_HASH",
    "HASHED_FIELDS",
    "Action",
    "Outcome",
    "canonical_ip",
    "record",
    "row_hash",
]
