"""Appends from many processes at once never fork the chain (PostgreSQL and SQLite)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from sessions_app.audit.chain import verify_chain
from sessions_app.models import AuditEvent
from tests.support.harness import postgres_url

pytestmark = pytest.mark.slow
EVENTS_EACH = 25


def run_writers(count: int, database_url: str) -> None:
    """Start `count` writer processes together and wait for all of them."""
    env = {**os.environ, "DATABASE_URL": database_url}
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.audit.append_worker", f"writer{i}", str(EVENTS_EACH)],
            cwd=settings.BASE_DIR,
            env=env,
        )
        for i in range(count)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0] * count


@pytest.mark.postgres_only
def test_eight_processes_appending_on_postgresql_keep_one_valid_chain(transactional_db: None) -> None:
    run_writers(8, postgres_url(connection.settings_dict))
    report = verify_chain()
    assert report.ok, report.problem
    assert report.rows == 8 * EVENTS_EACH
    per_writer = AuditEvent.objects.values_list("actor_username").distinct().count()
    assert per_writer == 8


@pytest.mark.sqlite_only
def test_four_processes_appending_on_sqlite_keep_one_valid_chain(tmp_path: Path) -> None:
    """Its own database file, since the test database is in memory and private to this process."""
    url = f"sqlite:///{tmp_path / 'audit.sqlite3'}"
    env = {**os.environ, "DATABASE_URL": url}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=settings.BASE_DIR, env=env, check=True)
    run_writers(4, url)
    verified = subprocess.run(
        [*manage, "verify_audit_chain"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert verified.returncode == 0, verified.stderr
    assert f"chain intact: checked {4 * EVENTS_EACH} rows" in verified.stdout
