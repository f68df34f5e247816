"""`verify_audit_chain` walks the whole chain and names the first row that was tampered with."""

import hashlib
import hmac
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app.audit.chain import verify_chain
from sessions_app.audit.record import HASHED_FIELDS, canonical_json
from sessions_app.models import AuditEvent, ChainVerification
from tests.support.audit_bypass import raw_sql, triggers_dropped
from tests.support.audit_events import make_event

pytestmark = pytest.mark.django_db
TABLE = "sessions_app_auditevent"


@pytest.fixture
def chain() -> list[AuditEvent]:
    """Six events with varied fields (JSON, IPs, non-ASCII)."""
    return [
        make_event(
            action="portal_session.requested",
            actor_username=f"agent{i}",
            customer_id="ctm_01h8441jn5pcwrfhwh78jqt8hk",
            customer_email=f"zoë{i}@example.com",
            subscription_ids=[f"sub_{i:026d}"],
            reason=f"TICKET-{i}",
            details={"attempt": f"a{i}", "n": i, "nested": {"ok": True}},
        )
        for i in range(6)
    ]


def verify() -> str:
    """Run the command; its output, or the CommandError's message if the chain is broken."""
    out = StringIO()
    try:
        call_command("verify_audit_chain", stdout=out)
    except CommandError as exc:
        return f"exit {exc.returncode}: {exc}"
    return out.getvalue()


def test_an_untouched_chain_verifies_and_reports_rows_and_speed(chain: list[AuditEvent]) -> None:
    output = verify()
    assert output.startswith("chain intact: checked 6 rows in ")
    assert "rows/s" in output
    result = ChainVerification.objects.get()
    assert (result.ok, result.rows, result.first_broken_seq, result.last_seq) == (True, 6, None, 6)


def test_an_empty_chain_verifies(db: None) -> None:
    assert verify().startswith("chain intact: checked 0 rows")


def test_a_changed_field_is_named(chain: list[AuditEvent]) -> None:
    with triggers_dropped():
        raw_sql(f"UPDATE {TABLE} SET reason = 'innocent' WHERE seq = %s", [chain[2].seq])  # noqa: S608
    assert "exit 1: chain broken at seq 3: row 3 was altered" in verify()
    result = ChainVerification.objects.get()
    assert (result.ok, result.first_broken_seq) == (False, 3)


def test_a_deleted_row_is_named(chain: list[AuditEvent]) -> None:
    with triggers_dropped():
        raw_sql(f"DELETE FROM {TABLE} WHERE seq = 4")  # noqa: S608
    assert "exit 1: chain broken at seq 4: row 4 is missing" in verify()


def test_an_inserted_row_is_named(chain: list[AuditEvent]) -> None:
    """Make room at seq 4 and slip in a forged row; without the chain key its hash cannot be right."""
    with triggers_dropped():
        raw_sql(f"UPDATE {TABLE} SET seq = -seq WHERE seq >= 4")  # noqa: S608
        raw_sql(f"UPDATE {TABLE} SET seq = 1 - seq WHERE seq < 0")  # noqa: S608
    forged = AuditEvent.objects.get(seq=3)
    forged.seq, forged.prev_hash, forged.reason = 4, chain[2].hash, "forged"
    values = {name: getattr(forged, name) for name in HASHED_FIELDS}
    forged.hash = hmac.new(b"guessed-key", canonical_json(values), hashlib.sha256).hexdigest()
    forged.save(force_insert=True)
    assert "exit 1: chain broken at seq 4: row 4 was altered" in verify()


def test_swapped_rows_are_named(chain: list[AuditEvent]) -> None:
    with triggers_dropped():
        raw_sql(f"UPDATE {TABLE} SET seq = -1 WHERE seq = 3")  # noqa: S608
        raw_sql(f"UPDATE {TABLE} SET seq = 3 WHERE seq = 4")  # noqa: S608
        raw_sql(f"UPDATE {TABLE} SET seq = 4 WHERE seq = -1")  # noqa: S608
    assert "exit 1: chain broken at seq 3: row 3 does not link to row 2" in verify()


def test_rows_cut_from_the_end_after_a_verification_are_noticed(chain: list[AuditEvent]) -> None:
    verify()
    with triggers_dropped():
        raw_sql(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
    assert "exit 1: chain broken at seq 5: rows 5-6 were removed" in verify()


def test_the_chain_is_read_in_bounded_batches(chain: list[AuditEvent]) -> None:
    with CaptureQueriesContext(connection) as queries:
        report = verify_chain(batch_size=4)
    assert report.ok
    assert report.rows == 6
    reads = [q["sql"] for q in queries if f'FROM "{TABLE}"' in q["sql"]]
    assert len(reads) == 2
    assert all("LIMIT 4" in sql for sql in reads)
