"""`manage.py check --deploy`: every weakened production setting, and warnings at every start."""

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core import checks

from portal_admin import production_checks

logger = logging.getLogger(__name__)

# Paddle calls per read, at most: a search one or two (a `sub_` id: the subscription, then its
# customer); a customer page four (customer, subscriptions, payment methods, transactions).
PADDLE_CALLS_PER_SEARCH = 2
PADDLE_CALLS_PER_VIEW = 4


def findings() -> list[production_checks.Finding]:
    """What production_checks finds in the settings as they are now."""
    return [
        *production_checks.production_findings(
            secret_key=settings.SECRET_KEY,
            audit_chain_key=settings.AUDIT_CHAIN_KEY,
            cache_backend=settings.CACHES["default"]["BACKEND"],
            cache_local_acknowledged=settings.CACHE_URL_LOCAL_I_UNDERSTAND,
            paddle_base_url=settings.PADDLE_API_BASE_URL,
            axes_enabled=settings.AXES_ENABLED,
            axes_disabled_acknowledged=settings.AXES_DISABLED_I_UNDERSTAND,
            step_up_required=settings.STEP_UP_REQUIRED,
            step_up_disabled_acknowledged=settings.STEP_UP_DISABLED_I_UNDERSTAND,
        ),
        *production_checks.proxy_findings(
            header=settings.TRUSTED_PROXY_IP_HEADER,
            proxies=settings.TRUSTED_PROXIES,
            behind_tls_proxy=settings.SECURE_PROXY_SSL_HEADER is not None,
        ),
        *production_checks.live_key_findings(
            api_key=settings.PADDLE_API_KEY, base_url=settings.PADDLE_API_BASE_URL
        ),
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Each finding: an error, or a warning when an …_I_UNDERSTAND setting allows it."""
    messages: list[checks.CheckMessage] = []
    for finding in findings():
        make = checks.Warning if finding.acknowledged else checks.Error
        messages.append(make(finding.message, id=f"sessions_app.{finding.setting}"))
    calls = (
        settings.SEARCHES_PER_MINUTE * PADDLE_CALLS_PER_SEARCH
        + settings.CUSTOMER_VIEWS_PER_MINUTE * PADDLE_CALLS_PER_VIEW
    )
    if calls > settings.PADDLE_BUDGET_PER_MINUTE // 2:
        messages.append(
            checks.Warning(
                f"One agent's reads (SEARCHES_PER_MINUTE x {PADDLE_CALLS_PER_SEARCH} + "
                f"CUSTOMER_VIEWS_PER_MINUTE x {PADDLE_CALLS_PER_VIEW} = {calls} Paddle calls) may take "
                f"more than half of PADDLE_BUDGET_PER_MINUTE ({settings.PADDLE_BUDGET_PER_MINUTE}).",
                id="sessions_app.read_limits",
            )
        )
    return messages


def warn_at_start() -> None:
    """Log each acknowledged weakening once per process start (DEBUG off)."""
    if settings.DEBUG:
        return
    for finding in findings():
        if finding.acknowledged:
            logger.warning("Running weakened on purpose: %s", finding.message)
