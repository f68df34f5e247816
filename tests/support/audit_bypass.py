"""Going around the append-only triggers, as only a test (or an attacker with DDL rights) can."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from sessions_app.audit.triggers import TABLE, create_statements, drop_statements


@contextmanager
def triggers_dropped() -> Iterator[None]:
    """Drop the triggers for the block, then reinstall them (all in one transaction)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor):
            cursor.execute(statement)
        yield
        for statement in create_statements(connection.vendor):
            cursor.execute(statement)


def raw_sql(sql: str, params: Sequence[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def empty_audit_log() -> None:
    """Delete every audit event: Django's flush after a transactional test cannot otherwise."""
    with triggers_dropped():
        raw_sql(f"DELETE FROM {TABLE}")  # noqa: S608 (a constant table name)
