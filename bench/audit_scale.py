"""The audit log at 1,000,000 events on PostgreSQL: review pages vs the admin, export memory, verify.

Creates (dropping it first) its own database, migrates, loads a valid hash chain with COPY (the
hashes are computed with `audit.row_hash`, so verify checks them; no trigger or index is
dropped), then times `/audit/` pages as a manager and the admin changelist as a superuser through
Django's test Client, measures the CSV export's peak Python memory (tracemalloc) at 100,000 and
1,000,000 rows, and verifies the chain. Prints `name: value` lines.
Run: .venv/bin/python bench/audit_scale.py [events]   (PostgreSQL on 127.0.0.1:5432 as postgres)
"""

import os
import random
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("BENCH_DATABASE", "bench_audit")
os.environ.update(
    DATABASE_URL=f"{SERVER}/{DATABASE}",
    DJANGO_SETTINGS_MODULE="portal_admin.settings",
    DJANGO_DEBUG="false",  # DEBUG would keep every query in memory
    DATABASE_STATEMENT_TIMEOUT_MS="0",  # the million-row COPY and VACUUM take minutes
    # Fixed random values (production refuses weak ones); one process, so the local cache is fine.
    DJANGO_SECRET_KEY="q0Yt8m3vJrX2hK9wLpB4sNc7dE1fGz6uVa5iOy-TlQeRb_WnHjUkMxSoPgCiDAF",  # noqa: S106
    AUDIT_CHAIN_KEY="Zr4kP9qW2xN7vB1mC8tY3hL6dJ0fS5gA-uE_iOaKbTz",
    CACHE_URL_LOCAL_I_UNDERSTAND="true",
    DJANGO_ALLOWED_HOSTS="testserver",
    PUBLIC_BASE_URL="http://testserver",
    DJANGO_SECURE_SSL_REDIRECT="false",
    DJANGO_STATIC_MANIFEST="false",
    PADDLE_API_KEY="pdl_sdbx_apikey_01bench00000000000000000000_BenchBenchBenchBenchBe_Bch",
    LOG_LEVEL="WARNING",
)

DAYS = 730  # the events span two years: about 1,370 a day at 1M
CUSTOMERS = 50_000
AGENTS = 40
PAGE_RUNS = 9
ADMIN_RUNS = 3
# (action, outcome, weight)
MIX = [
    ("customer.search", "success", 38),
    ("customer.view", "success", 30),
    ("portal_session.requested", "success", 8),
    ("portal_session.created", "success", 7),
    ("portal_session.failed", "failure", 1),
    ("audit.view", "success", 8),
    ("auth.login", "success", 5),
    ("auth.login_failed", "failure", 2),
    ("auth.logout", "success", 1),
]


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def customer(k: int) -> tuple[str, str]:
    return f"ctm_{k:026d}", f"customer{k}@example.com"


def chain_rows(count: int, agent_ids: list[tuple[int, str]]) -> Iterator[tuple[Any, ...]]:
    """`count` events with valid chain hashes, oldest first, spread evenly over DAYS days."""
    from sessions_app.audit import ALL_HASHED_FIELDS, GENESIS_HASH, row_hash

    rng = random.Random(1)
    start = datetime.now(UTC) - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / count
    actions = [(a, o) for a, o, _ in MIX]
    weights = [w for _, _, w in MIX]
    prev_hash = GENESIS_HASH
    for seq in range(1, count + 1):
        action, outcome = rng.choices(actions, weights)[0]
        actor_id, username = rng.choice(agent_ids)
        row: dict[str, Any] = {
            "seq": seq,
            "created_at": start + step * seq,
            "actor_id": actor_id,
            "actor_username": username,
            "action": action,
            "outcome": outcome,
            "customer_id": "",
            "customer_email": "",
            "customer_name": "",
            "subscription_ids": [],
            "reason": "",
            "paddle_session_id": "",
            "paddle_request_id": "",
            "error_code": "",
            "client_ip": f"10.0.{seq % 250}.{seq % 200}",
            "user_agent": "Mozilla/5.0 (bench)",
            "details": {},
            "prev_hash": prev_hash,
        }
        if action.startswith(("customer.", "portal_session.")):
            k = rng.randrange(CUSTOMERS)
            row["customer_id"], row["customer_email"] = customer(k)
            row["customer_name"] = f"Customer {k:05d} GmbH"
        if action.startswith("portal_session."):
            row["subscription_ids"] = [f"sub_{rng.randrange(10**9):026d}"]
            row["reason"] = f"TICKET-{rng.randrange(10**6)}"
            row["details"] = {"attempt": str(uuid.UUID(int=rng.getrandbits(128)))}
            row["paddle_request_id"] = f"req_{seq}"
        if action == "portal_session.created":
            row["paddle_session_id"] = f"cpls_{seq:026d}"
        if action == "portal_session.failed":
            row["error_code"] = "invalid_field"
        if action == "auth.login_failed":
            row["actor_id"] = None
        if action == "customer.search":
            row["details"] = {"query_kind": "email", "results": 1}
        digest = row_hash(row)
        yield (*(row[name] for name in ALL_HASHED_FIELDS), digest)
        prev_hash = digest


def load(count: int, agent_ids: list[tuple[int, str]]) -> float:
    """COPY the chain in; returns the seconds VACUUM ANALYZE took after it."""
    import json

    from django.db import connection

    from sessions_app.audit import ALL_HASHED_FIELDS

    columns = (*ALL_HASHED_FIELDS, "hash")
    json_columns = {columns.index("subscription_ids"), columns.index("details")}
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY sessions_app_auditevent ({', '.join(columns)}) FROM STDIN") as copy:
            for row in chain_rows(count, agent_ids):
                copy.write_row(
                    [json.dumps(value) if i in json_columns else value for i, value in enumerate(row)]
                )
        # The head table, as audit.record keeps it.
        cursor.execute(
            "INSERT INTO sessions_app_audithead (id, seq, hash, created_at) SELECT 1, seq, hash, created_at"
            " FROM sessions_app_auditevent ORDER BY seq DESC LIMIT 1"
        )
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE sessions_app_auditevent")
        return time.perf_counter() - started


def timed_ms(get: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median and fastest of `runs` requests, after one warm-up."""
    get()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = get()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), min(times)


def _post_ok(client: Any, url: str) -> Any:
    response = client.post(url)
    response.status_code = 200 if response.status_code == 302 else response.status_code
    return response


def export(client: Any, params: dict[str, str], *, traced: bool) -> tuple[int, float, int]:
    """Rows streamed, seconds, and tracemalloc's peak (bytes) while consuming the response."""
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    response = client.get("/audit/export.csv", params)
    rows = -1  # the header
    for chunk in response.streaming_content:
        rows += chunk.count(b"\r\n")
    seconds = time.perf_counter() - started
    peak = 0
    if traced:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    response.close()
    return rows, seconds, peak


def main(count: int) -> None:
    overall = time.perf_counter()
    recreate_database()
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    from sessions_app.audit.chain import verify_chain
    from sessions_app.models import AuditEvent

    call_command("migrate", verbosity=0)
    manager = User.objects.create(username="manager")
    manager.groups.add(Group.objects.get(name="Support manager"))
    root = User.objects.create(username="root", is_staff=True, is_superuser=True)
    agents = [User.objects.create(username=f"agent{i}") for i in range(AGENTS)]

    started = time.perf_counter()
    vacuum_seconds = load(count, [(agent.pk, agent.username) for agent in agents])
    load_seconds = time.perf_counter() - started - vacuum_seconds
    print(f"events: {count}")
    print(f"load_seconds: {load_seconds:.1f}")
    print(f"load_rows_per_second: {count / load_seconds:,.0f}")
    print(f"vacuum_analyze_seconds: {vacuum_seconds:.1f}")

    head = AuditEvent.objects.latest("seq").seq
    sample = AuditEvent.objects.filter(action="portal_session.created").values_list("customer_id")[0]
    year_ago = (datetime.now(UTC) - timedelta(days=365)).date()
    pages = {
        "page_first": {},
        "page_filtered_action_failed": {"action": "portal_session.failed"},
        "page_filtered_customer": {"customer": sample[0]},
        "page_filtered_actor": {"actor": "agent7"},
        "page_filtered_actor_other_case": {"actor": "AGENT7"},
        "page_filtered_customer_name": {"customer": "customer 01234"},
        "page_links_for_customer": {"customer": sample[0], "links": "on"},
        "page_filtered_week_a_year_ago": {"from": str(year_ago), "to": str(year_ago + timedelta(days=6))},
        "page_1000_deep": {"before": str(max(head - 50_000, 1))},
    }
    manager_client = Client()
    manager_client.force_login(manager)
    results = {}
    print(f"load_average_before_pages: {os.getloadavg()[0]:.1f}")
    for name, params in pages.items():

        def get_page(params: dict[str, str] = params) -> object:
            return manager_client.get("/audit/", params)

        results[name], fastest = timed_ms(get_page, PAGE_RUNS)
        print(f"{name}_median_ms: {results[name]:.1f}")
        print(f"{name}_min_ms: {fastest:.1f}")

    admin_client = Client()
    admin_client.force_login(root)
    admin_ms, fastest = timed_ms(lambda: admin_client.get("/admin/sessions_app/auditevent/"), ADMIN_RUNS)
    print(f"admin_changelist_first_page_median_ms: {admin_ms:.1f}")
    print(f"admin_changelist_first_page_min_ms: {fastest:.1f}")
    print("admin_show_full_result_count: default (True)")
    for name, ms in results.items():
        print(f"speedup_vs_admin_{name.removeprefix('page_')}: {admin_ms / ms:.1f}x")

    # About 100,000 rows: the newest 73 days of the two years.
    today = datetime.now(UTC).date()
    recent_days = min(round(DAYS * 100_000 / count), 366)
    recent = {"from": str(today - timedelta(days=recent_days - 1)), "to": str(today)}
    for label, params in (("100k", recent), ("all", {})):
        rows, seconds, peak = export(manager_client, params, traced=True)
        print(f"export_{label}_rows: {rows}")
        print(f"export_{label}_peak_tracemalloc_kib: {peak / 1024:,.0f}")
        rows, seconds, _ = export(manager_client, params, traced=False)
        print(f"export_{label}_rows_per_second: {rows / seconds:,.0f}")

    from sessions_app import audit
    from sessions_app.audit.chain import save_result
    from sessions_app.context import RequestContext

    report = verify_chain()
    assert report.ok, report.problem
    print(f"verify_rows: {report.rows}")
    print(f"verify_rows_per_second: {report.rows_per_second:,.0f}")
    save_result(report)
    for _ in range(1000):
        audit.record(action="customer.search", outcome="success", context=RequestContext(actor=manager))
    report = verify_chain(since_anchor=True)
    assert report.ok, report.problem
    print(f"verify_since_anchor_rows: {report.rows}")
    print(f"verify_since_anchor_seconds: {report.seconds:.3f}")
    print(f"verify_since_anchor_rows_per_second: {report.rows_per_second:,.0f}")
    verify_now_ms, _ = timed_ms(lambda: _post_ok(manager_client, "/audit/verify/"), 3)
    print(f"verify_now_button_median_ms: {verify_now_ms:.1f}")
    print(f"load_average_at_end: {os.getloadavg()[0]:.1f}")
    print(f"total_seconds: {time.perf_counter() - overall:.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
