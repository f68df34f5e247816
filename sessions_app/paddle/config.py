"""The app's PaddleClient, built from settings and reused so its connection pool is too."""

from functools import lru_cache

from django.conf import settings

from . import budget
from .client import PaddleClient

BASE_URLS = {"sandbox": "https://sandbox-api.paddle.com", "production": "https://api.paddle.com"}


# The health check's probe: short enough that a hung Paddle cannot hold a worker thread past a
# load balancer's own timeout, and never waiting on Retry-After.
PROBE_TIMEOUT = 2.0
PROBE_DEADLINE = 3.0


def base_url() -> str:
    """Paddle's API for the configured environment, or the override (the emulator)."""
    return settings.PADDLE_API_BASE_URL or BASE_URLS[settings.PADDLE_ENVIRONMENT]


def get_client() -> PaddleClient:
    """The client for the current settings (a new one only when a PADDLE_* setting changes)."""
    return _client_for(
        settings.PADDLE_API_KEY,
        base_url(),
        settings.PADDLE_CONNECT_TIMEOUT,
        settings.PADDLE_READ_TIMEOUT,
        settings.PADDLE_DEADLINE,
        settings.PADDLE_MAX_RETRY_AFTER,
        tuple(settings.PADDLE_PORTAL_HOSTS),
    )


def get_probe_client() -> PaddleClient:
    """The app's client settings with the health check's short timeouts."""
    return _client_for(
        settings.PADDLE_API_KEY,
        base_url(),
        PROBE_TIMEOUT,
        PROBE_TIMEOUT,
        PROBE_DEADLINE,
        0,
        tuple(settings.PADDLE_PORTAL_HOSTS),
    )


@lru_cache(maxsize=4)
def _client_for(
    api_key: str,
    base_url: str,
    connect_timeout: float,
    read_timeout: float,
    deadline: float,
    max_retry_after: float,
    portal_hosts: tuple[str, ...],
) -> PaddleClient:
    return PaddleClient(
        api_key=api_key,
        base_url=base_url,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        deadline=deadline,
        max_retry_after=max_retry_after,
        throttle=budget.take,
        portal_hosts=portal_hosts,
    )
