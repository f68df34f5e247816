"""`verify_audit_chain` walks the whole chain and names the first row that was tampered with."""

import hashlib
import hmac
import logging
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
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


def verify(*args: str) -> str:
    """Run the command; its output, or its exit status, message and damage lines if broken."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit_chain", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return f"exit {exc.returncode}: {exc}\n{err.getvalue()}"
    return out.getvalue()


def test_an_untouched_chain_verifies_and_reports_rows_and_speed(chain: list[AuditEvent]) -> None:
    output = verify()
    assert output.startswith("chain intact: checked 6 rows from seq 1 in ")
    assert "rows/s" in output
    assert f"head 6:{chain[-1].hash}" in output
    result = ChainVerification.objects.get()
    assert (result.ok, result.rows, result.first_broken_seq, result.last_seq) == (True, 6, None, 6)


def test_an_empty_chain_verifies(db: None) -> None:
    assert verify().startswith("chain intact: checked 0 rows")


def test_a_changed_field_is_named(chain: list[AuditEvent]) -> None:
    with triggers_dropped():
        raw_sql(f"UPDATE {TABLE} SET reason = 'innocent' WHERE seq = %s", [chain[2].seq])  # noqa: S608
    output = verify()
    assert "exit 1: chain broken: 1 damage(s), first at seq 3" in output
    assert "changed: row 3 was changed" in output
    result = ChainVerification.objects.get()
    assert (result.ok, result.first_broken_seq) == (False, 3)


def test_a_deleted_row_is_named(chain: list[AuditEvent]) -> None:
    with triggers_dropped():
        raw_sql(f"DELETE FROM {TABLE} WHERE seq = 4")  # noqa: S608
    output = verify()
    assert "1 damage(s), first at seq 4" in output
    assert "missing: row 4 is missing" in output


def test_an_inserted_row_is_named(chain: list[AuditEvent]) -> None:
    """Make room at seq 4 and slip in a forged row; without the chain key its hash cannot be right."""
    with triggers_dropped():
        raw_sql(f"UPDATE {TABLE} SET seq = -seq WHERE seq >= 4")  # noqa: S608
        raw_sql(f"UPDATE {TABLE} SET seq = 1 - seq WHERE seq < 0")  # noqa: S608
        raw_sql("UPDATE sessions_app_audithead SET seq = 7")
        forged = AuditEvent.objects.get(seq=3)
        forged.seq, forged.prev_hash, forged.reason = 4, chain[2].hash, "forged"
        values = {name: getattr(forged, name) for name in HASHED_FIELDS}
        forged.hash = hmac.new(b"guessed-key", canonical_json(values), hashlib.sha256).hexdigest()
        forged.save(force_insert=True)
    output = verify()
    assert "inserted: row 4 was inserted" in output
    assert "reordered: rows 5-7 are not where they were written (moved by +1)" in output
    assert "2 damage(s)" in output


def test_swapped_rows_are_named(chain: list[AuditEvent]) -> None:
    with triggers_dropped():
        raw_sql(f"UPDATE {TABLE} SET seq = -1 WHERE seq = 3")  # noqa: S608
        raw_sql(f"UPDATE {TABLE} SET seq = 3 WHERE seq = 4")  # noqa: S608
        raw_sql(f"UPDATE {TABLE} SET seq = 4 WHERE seq = -1")  # noqa: S608
    output = verify()
    assert "reordered: row 3 was written as row 4" in output
    assert "reordered: row 4 was written as row 3" in output
    assert "2 damage(s)" in output


def test_rows_cut_from_the_end_are_noticed_by_the_head(chain: list[AuditEvent]) -> None:
    with triggers_dropped():
        raw_sql(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
    assert "cut from the end: rows 5-6 were cut from the end" in verify()


def test_three_separate_damages_are_reported_as_three_each_named(chain: list[AuditEvent]) -> None:
    verify()
    make_event(actor_username="later")
    make_event(actor_username="later")
    with triggers_dropped():
        raw_sql(f"UPDATE {TABLE} SET reason = 'innocent' WHERE seq = 2")  # noqa: S608
        raw_sql(f"DELETE FROM {TABLE} WHERE seq = 4")  # noqa: S608
        raw_sql(f"DELETE FROM {TABLE} WHERE seq >= 7")  # noqa: S608
    output = verify()
    assert "chain broken: 3 damage(s), first at seq 2" in output
    assert "changed: row 2 was changed" in output
    assert "missing: row 4 is missing" in output
    assert "cut from the end: rows 7-8 were cut from the end" in output


def test_deleting_the_anchors_and_the_head_and_cutting_the_tail_is_detected(chain: list[AuditEvent]) -> None:
    """Even an owner who drops every trigger: the chain continues above the gap, and the log has the head."""
    verify()
    logged_head = f"6:{chain[-1].hash}"
    with triggers_dropped():
        raw_sql("DELETE FROM sessions_app_chainverification")
        raw_sql(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
    assert "rows 5-6 were cut from the end" in verify()
    with triggers_dropped():
        raw_sql("DELETE FROM sessions_app_chainverification")
        raw_sql("DELETE FROM sessions_app_audithead")
    assert "exit 1" in verify("--expect-head", logged_head)
    assert "rows 5-6 were cut from the end" in verify("--expect-head", logged_head)


def test_the_next_append_after_a_cut_goes_on_above_the_gap(chain: list[AuditEvent]) -> None:
    with triggers_dropped():
        raw_sql(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
    assert make_event().seq == 7
    assert "missing: rows 5-6 are missing" in verify()


def test_the_anchors_cannot_be_changed_or_deleted(chain: list[AuditEvent]) -> None:
    verify()
    for statement in (
        "UPDATE sessions_app_chainverification SET ok = true",
        "DELETE FROM sessions_app_chainverification",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw_sql(statement)


def test_the_head_cannot_move_back(chain: list[AuditEvent]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        raw_sql("UPDATE sessions_app_audithead SET seq = 3")
    with pytest.raises(DatabaseError), transaction.atomic():
        raw_sql("DELETE FROM sessions_app_audithead")


def test_a_forged_anchor_is_reported_and_ignored(chain: list[AuditEvent]) -> None:
    verify()
    with triggers_dropped():
        raw_sql(f"DELETE FROM {TABLE} WHERE seq >= 5")  # noqa: S608
        raw_sql("UPDATE sessions_app_audithead SET seq = 4")
        raw_sql("UPDATE sessions_app_chainverification SET last_seq = 4")
    output = verify()
    assert "anchor forged: anchor #" in output


def test_an_incremental_run_checks_only_the_rows_above_the_anchor(chain: list[AuditEvent]) -> None:
    verify()
    make_event()
    make_event()
    output = verify("--since-anchor")
    assert output.startswith("chain intact: checked 2 rows from seq 7 in ")
    assert ChainVerification.objects.order_by("-checked_at").first().last_seq == 8  # type: ignore[union-attr]


def test_an_incremental_run_with_nothing_new_keeps_the_head(chain: list[AuditEvent]) -> None:
    verify()
    output = verify("--since-anchor")
    assert output.startswith("chain intact: checked 0 rows from seq 7")
    assert f"head 6:{chain[-1].hash}" in output


def test_an_incremental_run_whose_anchored_row_was_changed_walks_the_whole_chain(
    chain: list[AuditEvent],
) -> None:
    verify()
    with triggers_dropped():
        raw_sql(f"UPDATE {TABLE} SET reason = 'innocent' WHERE seq = 6")  # noqa: S608
    assert "changed: row 6 was changed" in verify("--since-anchor")


def test_the_head_goes_to_the_log_stream(chain: list[AuditEvent], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="sessions_app.audit"):
        verify()
    assert f"head seq=6 hash={chain[-1].hash}" in caplog.text


def test_a_malformed_expected_head_is_refused(chain: list[AuditEvent]) -> None:
    assert "--expect-head takes SEQ:HASH" in verify("--expect-head", "six")


def test_rows_written_before_customer_name_existed_still_verify(chain: list[AuditEvent]) -> None:
    """An empty customer_name is left out of the hashed JSON, as it was before the field existed."""
    old_style = {name: getattr(chain[0], name) for name in HASHED_FIELDS}
    assert canonical_json({**old_style, "customer_name": ""}) == canonical_json(old_style)
    named = make_event(customer_id="ctm_01h8441jn5pcwrfhwh78jqt8hk", customer_name="Initech Procurement")
    assert b"Initech Procurement" in canonical_json({**old_style, "customer_name": named.customer_name})
    with triggers_dropped():
        raw_sql(f"UPDATE {TABLE} SET customer_name = 'Someone Else' WHERE seq = %s", [named.seq])  # noqa: S608
    assert f"changed: row {named.seq} was changed" in verify()


def test_the_chain_is_read_in_bounded_batches(chain: list[AuditEvent]) -> None:
    with CaptureQueriesContext(connection) as queries:
        report = verify_chain(batch_size=4)
    assert report.ok
    assert report.rows == 6
    reads = [q["sql"] for q in queries if f'FROM "{TABLE}"' in q["sql"] and "LIMIT 4" in q["sql"]]
    assert len(reads) == 2
