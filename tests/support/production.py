"""Production-shaped processes for the ops tests, and the two deployments of tests/production.

The processes themselves are started by tests/support/harness.py.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps

from sessions_app.roles import sync_roles
from tests.support import harness

LIVE_KEY = "pdl_live_apikey_01gtgztp8f4kek3yd4g1wrksa3_q6TGTJyvoIz7LDtXT65bX7_AQO"

# Room for the concurrency test's five link sets per agent, and a limit the rate-limit test reaches.
LINKS_PER_HOUR = 5
SEARCHES_PER_MINUTE = 4
SMALL_BUDGET = 6


def production_env(**overrides: str) -> dict[str, str]:
    """Only what a production process gets: DEBUG off, every secret set, secure defaults."""
    env = {
        **harness.production_base_env(),
        "DJANGO_ALLOWED_HOSTS": "console.example.com,127.0.0.1",
        "PADDLE_API_KEY": LIVE_KEY,
        "PADDLE_ENVIRONMENT": "production",
        # Never connected to by the checks; a shared cache is required in production.
        "CACHE_URL": "redis://127.0.0.1:6379/15",
    }
    env.update(overrides)
    return env


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
