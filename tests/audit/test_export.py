"""`/audit/export.csv` and `manage.py export_audit`: streamed, filtered, spreadsheet-safe, audited."""

import csv
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.test import Client

from sessions_app.audit.export import COLUMNS, csv_chunks, safe_cell
from sessions_app.models import AuditEvent
from tests.support.audit_events import make_event
from tests.support.personas import signed_in
from tests.support.responses import ClientResponse

pytestmark = pytest.mark.django_db


def rows_of(response: ClientResponse) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def test_the_export_streams_a_csv_attachment_in_seq_order(client: Client, manager: User) -> None:
    events = [make_event(customer_email=f"zoë{i}@example.com") for i in range(3)]
    response = signed_in(client, manager).get("/audit/export.csv")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = rows_of(response)
    assert rows[0] == list(COLUMNS)
    by_seq = {int(row[0]): row for row in rows[1:]}
    assert list(by_seq) == sorted(by_seq)
    for event in events:
        assert by_seq[event.seq][COLUMNS.index("customer_email")] == event.customer_email
        assert by_seq[event.seq][COLUMNS.index("hash")] == event.hash


def test_the_export_is_audited_before_the_first_byte(client: Client, manager: User) -> None:
    make_event()
    response = signed_in(client, manager).get("/audit/export.csv", {"action": "customer.search"})
    export = AuditEvent.objects.filter(action="audit.export").get()  # before the body is read
    assert (export.actor, export.details) == (manager, {"filters": {"action": "customer.search"}})
    assert len(rows_of(response)) == 2


def test_the_export_applies_the_filters(client: Client, manager: User, agent: User) -> None:
    wanted = make_event(action="customer.view", actor=agent)
    make_event(action="customer.view", actor=manager)
    make_event(action="customer.search", actor=agent)
    response = signed_in(client, manager).get(
        "/audit/export.csv", {"actor": "agent", "action": "customer.view"}
    )
    assert [int(row[0]) for row in rows_of(response)[1:]] == [wanted.seq]


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_are_neutralised(client: Client, manager: User, dangerous: str) -> None:
    make_event(reason=dangerous, customer_email=dangerous)
    rows = rows_of(signed_in(client, manager).get("/audit/export.csv", {"action": "customer.search"}))
    assert rows[1][COLUMNS.index("reason")] == "'" + dangerous
    assert rows[1][COLUMNS.index("customer_email")] == "'" + dangerous


def test_harmless_cells_are_left_alone() -> None:
    assert [safe_cell(v) for v in ("TICKET-1", 42, None, ["sub_a", "sub_b"], {"b": 1, "a": "é"})] == [
        "TICKET-1",
        "42",
        "",
        "sub_a sub_b",
        '{"a": "é", "b": 1}',
    ]


def test_rows_are_read_in_bounded_batches(db: None) -> None:
    for _ in range(5):
        make_event()
    chunks = list(csv_chunks(AuditEvent.objects.all(), batch_size=2))
    assert len(chunks) == 1 + 3  # the header, then batches of 2, 2 and 1 rows
    assert sum(chunk.count("\r\n") for chunk in chunks) == 6


def test_the_command_exports_with_filters_and_is_audited(db: None) -> None:
    make_event(action="customer.view")
    make_event(action="customer.search")
    out = io.StringIO()
    call_command("export_audit", "--action", "customer.view", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert [row[COLUMNS.index("action")] for row in rows[1:]] == ["customer.view"]
    export = AuditEvent.objects.filter(action="audit.export").get()
    assert export.actor is None
    assert export.actor_username.startswith("manage.py")
    assert export.details["filters"] == {"action": "customer.view"}
