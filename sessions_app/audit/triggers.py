"""The database triggers that make the audit table append-only, per database vendor.

Migration 0004 installs them; tests that tamper with the chain on purpose drop and reinstall
them with the same statements.
"""

TABLE = "sessions_app_auditevent"
_MESSAGE = "sessions_app_auditevent is append-only"

_SQLITE_CREATE = [
    f"CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}: UPDATE rejected'); END",
    f"CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}: DELETE rejected'); END",
]
_SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]

# TRUNCATE of an empty table is let through: it destroys nothing, and Django's test runner
# truncates every table after each transactional test.
_POSTGRESQL_CREATE = [
    """
    CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM sessions_app_auditevent) THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'sessions_app_auditevent is append-only: % rejected', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    f"CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    f"CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
]
_POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_append_only()",
]

_STATEMENTS = {
    "sqlite": (_SQLITE_CREATE, _SQLITE_DROP),
    "postgresql": (_POSTGRESQL_CREATE, _POSTGRESQL_DROP),
}


def create_statements(vendor: str) -> list[str]:
    """The SQL that installs the triggers on `vendor` (a Django connection's `vendor`)."""
    return _STATEMENTS[vendor][0]


def drop_statements(vendor: str) -> list[str]:
    """The SQL that removes them again."""
    return _STATEMENTS[vendor][1]
