"""One gunicorn process whose own services the tests stop: its Redis is a `redis-server` of its
own (on its own port, started, stopped, paused here), and it reaches PostgreSQL (pytest-django's
test database) through a loopback TCP proxy that the tests close, reopen or make hang.

The Paddle emulator and `make_agent` come from tests/production's two-process harness.
"""

from collections.abc import Iterator

import pytest
from django.db import connection

from paddle_emulator import Emulator, EmulatorServer
from tests.support import harness
from tests.support.outages import HEALTHZ_TOKEN, Console, RedisServer, SmtpServer, TcpProxy


@pytest.fixture(scope="module")
def console_services(
    django_db_setup: None,
    deployment_paddle: EmulatorServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Console]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    tmp = tmp_path_factory.mktemp("dependencies")
    own_redis = RedisServer(tmp / "redis.log")
    own_redis.start()
    smtp = SmtpServer()
    settings_dict = connection.settings_dict
    proxy = TcpProxy((str(settings_dict.get("HOST") or "127.0.0.1"), int(settings_dict.get("PORT") or 5432)))
    proxy.open()
    database_url = harness.postgres_url({**settings_dict, "HOST": "127.0.0.1", "PORT": proxy.port})
    env = harness.app_env(
        database_url=database_url, cache_url=own_redis.url, paddle_url=deployment_paddle.base_url
    )
    env["HEALTHZ_TOKEN"] = HEALTHZ_TOKEN  # the details name the part that is down
    env["EMAIL_URL"] = smtp.url
    env["EMAIL_TIMEOUT"] = "5"
    log_path = tmp / "gunicorn.log"
    process = harness.gunicorn(env, log_path=log_path, workers=1, threads=4)
    try:
        with harness.serving(process):
            yield Console(process.url, own_redis, proxy, log_path, smtp)
    finally:
        proxy.close()
        own_redis.stop()
        smtp.stop()


def _all_up(console: Console, emulator: Emulator) -> None:
    console.smtp.start()
    console.redis.start()
    console.redis.resume()
    console.database.open()
    console.redis.flush()
    emulator.reset()


@pytest.fixture
def console(
    transactional_db: None,
    console_services: Console,
    deployment_paddle: EmulatorServer,
) -> Iterator[Console]:
    """Every service up, Redis and the emulator empty, before and after each test."""
    _all_up(console_services, deployment_paddle.emulator)
    yield console_services
    _all_up(console_services, deployment_paddle.emulator)


@pytest.fixture
def paddle(console: Console, deployment_paddle: EmulatorServer) -> Emulator:
    return deployment_paddle.emulator
