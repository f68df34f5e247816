"""The Paddle boundary: the only code that talks to Paddle. Use `get_client()` in the app."""

from .client import PaddleClient
from .config import get_client
from .errors import (
    FieldError,
    PaddleAuthError,
    PaddleError,
    PaddleNotFound,
    PaddleRateLimited,
    PaddleRejected,
    PaddleUnavailable,
)
from .ids import QueryKind, classify_query, is_customer_id, is_subscription_id
from .types import Customer, PortalSession, Subscription, SubscriptionItem, SubscriptionLinks

__all__ = [
    "Customer",
    "FieldError",
    "PaddleAuthError",
    "PaddleClient",
    "PaddleError",
    "PaddleNotFound",
    "PaddleRateLimited",
    "PaddleRejected",
    "PaddleUnavailable",
    "PortalSession",
    "QueryKind",
    "Subscription",
    "SubscriptionItem",
    "SubscriptionLinks",
    "classify_query",
    "get_client",
    "is_customer_id",
    "is_subscription_id",
]
