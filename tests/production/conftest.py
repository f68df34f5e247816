"""Two deployments of two gunicorn processes each, on pytest-django's PostgreSQL test database,
one Redis database and one Paddle emulator served in this process.

Both deployments share the secrets (and so the audit chain's key); they differ in their limits.
Static files come from the source folders (no collectstatic): they are not what is under test.
Tests use `transactional_db` through the `deployment` fixtures, so what they write is committed
and the processes see it. Redis and the emulator are reset around every test.
"""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import redis
from django.apps import apps
from django.db import connection

from bench import harness
from paddle_emulator import Emulator, EmulatorServer, serve
from sessions_app.roles import sync_roles

# Room for the concurrency test's five link sets per agent, and a limit the rate-limit test reaches.
LINKS_PER_HOUR = 5
SEARCHES_PER_MINUTE = 4
SMALL_BUDGET = 6


@dataclass(frozen=True)
class Deployment:
    env: dict[str, str]
    a: str  # base URL of the first process
    b: str  # and of the second


@dataclass(frozen=True)
class Deployments:
    default: Deployment  # PORTAL_SESSIONS_PER_HOUR=LINKS_PER_HOUR, SEARCHES_PER_MINUTE
    busy: Deployment  # a Paddle budget of SMALL_BUDGET a minute, no waiting for room


def make_agent(username: str) -> harness.Agent:
    """A committed user in the agent role, and a browser for them (not yet signed in).

    Hashed for the processes' default hasher (the test run's MD5 is not among theirs).
    """
    sync_roles(apps)  # a transactional test's flush empties the groups the migration made
    harness.create_agents([username])
    return harness.Agent(username)


def seconds_to_next_hour() -> float:
    now = datetime.now(UTC)
    return 3600 - (now.minute * 60 + now.second + now.microsecond / 1e6)


@pytest.fixture(scope="module")
def deployment_paddle() -> Iterator[EmulatorServer]:
    """Paddle with no rate limit of its own: the app's budget is what is under test."""
    server = serve(Emulator(harness.API_KEY, rate_limit_per_minute=10**6))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def redis_url(worker_id: str) -> str:
    """Database 12 (or TEST_REDIS_DB) on loopback Redis, one below for each further xdist worker."""
    worker = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    url = f"redis://127.0.0.1:6379/{int(os.environ.get('TEST_REDIS_DB', '12')) - worker}"
    try:
        harness.flush_redis(url)
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    return url


@pytest.fixture(scope="module")
def deployments(
    django_db_setup: None,
    deployment_paddle: EmulatorServer,
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployments]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    tmp = tmp_path_factory.mktemp("production")
    env = harness.app_env(
        database_url=harness.postgres_url(connection.settings_dict),
        cache_url=redis_url,
        paddle_url=deployment_paddle.base_url,
    )
    envs = {
        "default": {
            **env,
            "PORTAL_SESSIONS_PER_HOUR": str(LINKS_PER_HOUR),
            "SEARCHES_PER_MINUTE": str(SEARCHES_PER_MINUTE),
        },
        "busy": {**env, "PADDLE_BUDGET_PER_MINUTE": str(SMALL_BUDGET), "PADDLE_BUDGET_MAX_WAIT": "0"},
    }
    processes = {
        (name, n): harness.gunicorn(
            envs[name], log_path=tmp / f"gunicorn-{name}-{n}.log", workers=1, threads=4
        )
        for name in envs
        for n in "ab"
    }
    with harness.serving(*processes.values()):
        yield Deployments(
            default=Deployment(envs["default"], processes["default", "a"].url, processes["default", "b"].url),
            busy=Deployment(envs["busy"], processes["busy", "a"].url, processes["busy", "b"].url),
        )


@pytest.fixture
def _fresh(transactional_db: None, deployment_paddle: EmulatorServer, redis_url: str) -> Iterator[None]:
    """Committed test data; empty Redis (limits, budget) and emulator before and after."""
    harness.flush_redis(redis_url)
    deployment_paddle.emulator.reset()
    yield
    deployment_paddle.emulator.reset()
    harness.flush_redis(redis_url)


@pytest.fixture
def deployment_emulator(_fresh: None, deployment_paddle: EmulatorServer) -> Emulator:
    return deployment_paddle.emulator


@pytest.fixture
def deployment(_fresh: None, deployments: Deployments) -> Deployment:
    return deployments.default


@pytest.fixture
def busy_deployment(_fresh: None, deployments: Deployments) -> Deployment:
    return deployments.busy
