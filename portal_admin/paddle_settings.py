"""The start-up check of the PADDLE_* settings (plain Python: settings cannot import app code)."""

from django.core.exceptions import ImproperlyConfigured

KEY_PREFIXES = {"sandbox": "pdl_sdbx_", "production": "pdl_live_"}


def check_paddle_environment(api_key: str, environment: str) -> None:
    """Refuse an unknown PADDLE_ENVIRONMENT, and a live key with sandbox or a sandbox key with production."""
    if environment not in KEY_PREFIXES:
        raise ImproperlyConfigured(
            f"PADDLE_ENVIRONMENT must be one of {', '.join(KEY_PREFIXES)}, not {environment!r}."
        )
    for other, prefix in KEY_PREFIXES.items():
        if other != environment and api_key.startswith(prefix):
            raise ImproperlyConfigured(
                f"PADDLE_API_KEY is a {other} key ({prefix}…) but PADDLE_ENVIRONMENT is {environment!r}: "
                "Paddle would answer 403 invalid_token to every call. Use the key of that environment."
            )


# The hosts of Paddle's customer portal links (PADDLE_API.md: customer-portal.paddle.com; the
# sandbox's sandbox- prefix is seen in SDK fixtures, not yet in a Paddle doc).
PORTAL_HOSTS = {
    "production": ["customer-portal.paddle.com"],
    "sandbox": ["sandbox-customer-portal.paddle.com"],
}


def default_portal_hosts(environment: str) -> list[str]:
    """PADDLE_PORTAL_HOSTS unless set: the portal host of the environment."""
    return list(PORTAL_HOSTS.get(environment, []))
