"""The documented PostgreSQL roles: the app role cannot disable the triggers or rewrite the log."""

from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from sessions_app.models import AuditEvent
from tests.support.audit_events import make_event

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "postgresql-roles.sql"
AUDIT = "sessions_app_auditevent"
ANCHORS = "sessions_app_chainverification"


def run_script(app_role: str) -> None:
    """docs/postgresql-roles.sql, with psql's :app variable filled in."""
    statements = [
        line
        for line in SCRIPT.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("--")
    ]
    with connection.cursor() as cursor:
        for statement in " ".join(statements).split(";"):
            if statement.strip():
                cursor.execute(statement.replace(":app", app_role))


@pytest.fixture
def app_role(db: None) -> str:
    """A role made by the documented script, in this test's transaction (rolled back after it)."""
    name = f"app_{connection.settings_dict['NAME']}"[:60]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{name}" NOLOGIN')
    run_script(f'"{name}"')
    return f'"{name}"'


def as_role(role: str, sql: str) -> None:
    """Run `sql` as `role` in a savepoint; the error propagates."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(sql)


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "sql",
    [
        f"ALTER TABLE {AUDIT} DISABLE TRIGGER ALL",
        f"ALTER TABLE {AUDIT} DISABLE TRIGGER audit_no_update_delete",
        f"ALTER TABLE {ANCHORS} DISABLE TRIGGER guard_update_delete",
        f"UPDATE {AUDIT} SET reason = 'x'",  # noqa: S608 (constant table names)
        f"DELETE FROM {AUDIT}",  # noqa: S608 (constant table names)
        f"TRUNCATE {AUDIT}",
        f"UPDATE {ANCHORS} SET ok = true",  # noqa: S608 (constant table names)
        f"DELETE FROM {ANCHORS}",  # noqa: S608 (constant table names)
        "DELETE FROM sessions_app_audithead",
        f"DROP TABLE {AUDIT}",
    ],
)
def test_the_app_role_cannot_disable_triggers_or_rewrite_the_log(app_role: str, sql: str) -> None:
    make_event()
    with pytest.raises(DatabaseError, match=r"must be owner|permission denied"):
        as_role(app_role, sql)


@pytest.mark.postgres_only
def test_the_app_role_can_still_read_and_append(app_role: str) -> None:
    make_event()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {app_role}")
        event = make_event(reason="as the app role", with_change=True)
        cursor.execute(f"SELECT count(*) FROM {AUDIT}")  # noqa: S608
        assert cursor.fetchone() == (2,)
    assert AuditEvent.objects.get(seq=event.seq).reason == "as the app role"
