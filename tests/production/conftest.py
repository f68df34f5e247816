"""Two deployments of two gunicorn processes each, on pytest-django's PostgreSQL test database,
one Redis database and one Paddle emulator served in this process.

Both deployments share the secrets (and so the audit chain's key); they differ in their limits.
Static files come from the source folders (no collectstatic): they are not what is under test.
Tests use `transactional_db` through the `deployment` fixtures, so what they write is committed
and the processes see it. Redis and the emulator are reset around every test.
"""

from collections.abc import Iterator

import pytest
import redis
from django.db import connection

from paddle_emulator import Emulator, EmulatorServer
from tests.support import harness
from tests.support.production import (
    LINKS_PER_HOUR,
    SEARCHES_PER_MINUTE,
    SMALL_BUDGET,
    Deployment,
    Deployments,
)
from tests.support.redis_db import REDIS_URL, redis_db_url


@pytest.fixture(scope="module")
def redis_url() -> str:
    """Database 12 of the test Redis, one below for each further xdist worker."""
    url = redis_db_url(12)
    try:
        harness.flush_redis(url)
    except redis.ConnectionError:
        pytest.skip(f"needs Redis at {REDIS_URL}")
    return url


@pytest.fixture(scope="module")
def deployments(
    django_db_setup: None,
    deployment_paddle: EmulatorServer,
    redis_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Deployments]:
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
