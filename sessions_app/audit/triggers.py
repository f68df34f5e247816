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


# --- The verification anchors (append-only) and the chain's head (forward-only) -------------
ANCHOR_TABLE = "sessions_app_chainverification"
HEAD_TABLE = "sessions_app_audithead"

_SQLITE_GUARDS_CREATE = [
    f"CREATE TRIGGER anchor_no_update BEFORE UPDATE ON {ANCHOR_TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{ANCHOR_TABLE} is append-only: UPDATE rejected'); END",
    f"CREATE TRIGGER anchor_no_delete BEFORE DELETE ON {ANCHOR_TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{ANCHOR_TABLE} is append-only: DELETE rejected'); END",
    f"CREATE TRIGGER head_forward_only BEFORE UPDATE ON {HEAD_TABLE} WHEN NEW.seq <= OLD.seq "
    f"BEGIN SELECT RAISE(ABORT, '{HEAD_TABLE} only moves forward'); END",
    f"CREATE TRIGGER head_no_delete BEFORE DELETE ON {HEAD_TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{HEAD_TABLE} only moves forward: DELETE rejected'); END",
]
_SQLITE_GUARDS_DROP = [
    "DROP TRIGGER IF EXISTS anchor_no_update",
    "DROP TRIGGER IF EXISTS anchor_no_delete",
    "DROP TRIGGER IF EXISTS head_forward_only",
    "DROP TRIGGER IF EXISTS head_no_delete",
]
# As for the log: TRUNCATE of an empty table destroys nothing and is let through.
_POSTGRESQL_GUARDS_CREATE = [
    """
    CREATE OR REPLACE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        occupied boolean;
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', TG_TABLE_NAME) INTO occupied;
            IF NOT occupied THEN
                RETURN NULL;
            END IF;
        ELSIF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'sessions_app_audithead' THEN
            -- PL/pgSQL does not short-circuit AND: NEW.seq exists only on the head table.
            IF NEW.seq > OLD.seq THEN
                RETURN NEW;
            END IF;
        END IF;
        RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    *(
        statement
        for table in (ANCHOR_TABLE, HEAD_TABLE)
        for statement in (
            f"CREATE TRIGGER guard_update_delete BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_guard()",
            f"CREATE TRIGGER guard_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_guard()",
        )
    ),
]
_POSTGRESQL_GUARDS_DROP = [
    *(
        statement
        for table in (ANCHOR_TABLE, HEAD_TABLE)
        for statement in (
            f"DROP TRIGGER IF EXISTS guard_update_delete ON {table}",
            f"DROP TRIGGER IF EXISTS guard_truncate ON {table}",
        )
    ),
    "DROP FUNCTION IF EXISTS audit_guard()",
]
_GUARDS = {
    "sqlite": (_SQLITE_GUARDS_CREATE, _SQLITE_GUARDS_DROP),
    "postgresql": (_POSTGRESQL_GUARDS_CREATE, _POSTGRESQL_GUARDS_DROP),
}


def create_guard_statements(vendor: str) -> list[str]:
    """The SQL that makes the anchors append-only and the head forward-only on `vendor`."""
    return _GUARDS[vendor][0]


def drop_guard_statements(vendor: str) -> list[str]:
    """The SQL that removes those triggers again."""
    return _GUARDS[vendor][1]


def reinstall_all(vendor: str) -> list[str]:
    """Drop and create every trigger: after SQLite rebuilds a table (which loses its triggers)."""
    return [
        *drop_statements(vendor),
        *drop_guard_statements(vendor),
        *create_statements(vendor),
        *create_guard_statements(vendor),
    ]
