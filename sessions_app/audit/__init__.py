"""The audit log: the only writer of AuditEvent, its hash chain, triggers, review and export."""

from .record import GENESIS_HASH, HASHED_FIELDS, Action, Outcome, record, row_hash

__all__ = ["GENESIS_HASH", "HASHED_FIELDS", "Action", "Outcome", "record", "row_hash"]
