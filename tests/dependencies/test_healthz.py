"""`/healthz` of a real gunicorn process with each of its dependencies down: 503 naming it, never 500."""

import pytest
import requests

from paddle_emulator import Emulator
from tests.support.outages import HEALTHZ_TOKEN, Console

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]


def health(console: Console) -> tuple[int, dict[str, bool]]:
    response = requests.get(f"{console.url}/healthz", headers={"X-Healthz-Token": HEALTHZ_TOKEN}, timeout=30)
    body = response.json()
    return response.status_code, {part: body[part]["ok"] for part in ("database", "cache", "paddle")}


def test_healthz_is_200_with_every_dependency_up(console: Console, paddle: Emulator) -> None:
    assert health(console) == (200, {"database": True, "cache": True, "paddle": True})


def test_healthz_names_a_stopped_redis_with_503(console: Console, paddle: Emulator) -> None:
    console.redis.stop()

    assert health(console) == (503, {"database": True, "cache": False, "paddle": True})

    console.redis.start()
    assert health(console)[0] == 200


def test_healthz_names_a_hung_redis_with_503(console: Console, paddle: Emulator) -> None:
    console.redis.pause()

    assert health(console) == (503, {"database": True, "cache": False, "paddle": True})


def test_healthz_names_an_unreachable_postgresql_with_503(console: Console, paddle: Emulator) -> None:
    console.database.close()

    assert health(console) == (503, {"database": False, "cache": True, "paddle": True})

    console.database.open()
    assert health(console)[0] == 200


def test_healthz_names_a_failing_paddle_with_503(console: Console, paddle: Emulator) -> None:
    paddle.add_fault("/customers", kind="html", status=502)

    assert health(console) == (503, {"database": True, "cache": True, "paddle": False})
