"""Which Redis the tests use: TEST_REDIS_URL (default redis://127.0.0.1:6379), one database per
xdist worker so that parallel workers may flush theirs freely."""

import os

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")


def redis_db_url(first_db: int) -> str:
    """Database `first_db` of the test Redis for the first xdist worker, one below for each further one."""
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "")
    worker = int(worker_id[2:]) if worker_id.startswith("gw") else 0
    return f"{REDIS_URL}/{first_db - worker}"
