"""Going around the append-only triggers, as only a test (or an attacker with DDL rights) can."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from sessions_app.audit.triggers import (
    ANCHOR_TABLE,
    HEAD_TABLE,
    TABLE,
    create_guard_statements,
    create_statements,
    drop_guard_statements,
    drop_statements,
)


@contextmanager
def triggers_dropped() -> Iterator[None]:
    """Drop the triggers (log, anchors, head) for the block, then reinstall them (in one transaction)."""
    vendor = connection.vendor
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in [*drop_statements(vendor), *drop_guard_statements(vendor)]:
            cursor.execute(statement)
        yield
        for statement in [*create_statements(vendor), *create_guard_statements(vendor)]:
            cursor.execute(statement)


def raw_sql(sql: str, params: Sequence[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def empty_audit_log() -> None:
    """Delete every audit event, anchor and the head: Django's flush after a transactional test cannot."""
    with triggers_dropped():
        for table in (TABLE, ANCHOR_TABLE, HEAD_TABLE):
            raw_sql(f"DELETE FROM {table}")  # noqa: S608 (constant table names)
