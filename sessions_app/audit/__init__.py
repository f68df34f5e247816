"""The audit log: the only writer of AuditEvent, its hash chain, triggers, review and export."""

from .record import GENESIS_HASH, HASHED_FIELDS, Action, Outcome, client_ip, record, row_hash

__all__ = ["GENESIS_HASH", "HASHED_FIELDS", "Action", "Outcome", "client_ip", "record", "row_hash"]
