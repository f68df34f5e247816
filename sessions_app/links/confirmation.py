"""One-time confirmation tokens: the confirm page issues one, creating the links spends it.

A token is signed (Django `signing`, salted, timestamped) over the user, the customer, the sorted
subscription ids and a random nonce. Spending it inserts the nonce into `SpentConfirmation`,
whose primary key makes a second spend fail in any process: a double submit or a replay
creates nothing.

Time is the database's, not the app host's: a token's age is measured against the database clock
(read in the same query that looks for its nonce), a token dated more than
CONFIRMATION_CLOCK_SKEW_SECONDS ahead of it (signed on a host whose clock runs fast) is refused,
and spent nonces are kept, by the database clock, for a token's lifetime plus twice that margin:
longer than any token signed by a host within the margin can be accepted. A host whose clock is
off by more fails closed (its tokens are refused), never open.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Now

from ..models import SpentConfirmation

_SALT = "sessions_app.links.confirmation.portal-session"


class ConfirmationError(Exception):
    """The token cannot be used; `status` is the HTTP status to answer with."""

    status = 400
    code = "confirmation_invalid"  # for the audit log

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfirmationInvalid(ConfirmationError):
    status = 400


class ConfirmationExpired(ConfirmationError):
    status = 400
    code = "confirmation_expired"


class ConfirmationMismatch(ConfirmationError):
    """Signed for another user, another customer or another set of subscriptions."""

    status = 403
    code = "confirmation_mismatch"


class ConfirmationFromTheFuture(ConfirmationInvalid):
    """Signed at a time ahead of the database clock by more than the skew margin."""

    code = "confirmation_clock_skew"


class ConfirmationSpent(ConfirmationError):
    status = 409
    code = "confirmation_spent"


@dataclass(frozen=True)
class Confirmation:
    user_id: int
    customer_id: str
    subscription_ids: tuple[str, ...]
    nonce: str


def issue(*, user: AbstractBaseUser, customer_id: str, subscription_ids: Iterable[str]) -> str:
    """A signed token for exactly this user, customer and set of subscriptions."""
    payload = {
        "u": user.pk,
        "c": customer_id,
        "s": sorted(set(subscription_ids)),
        "n": secrets.token_hex(16),
    }
    return signing.dumps(payload, salt=_SALT, compress=True)


def verify(
    token: str,
    *,
    user: AbstractBaseUser | AnonymousUser,
    customer_id: str,
    subscription_ids: Iterable[str],
) -> Confirmation:
    """The token's confirmation if it is genuine, fresh, unspent and for exactly this request."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        payload = signer.unsign_object(token)
        signed_at = signing.b62_decode(signing.Signer.unsign(signer, token).rsplit(signer.sep, 1)[1])
        confirmation = Confirmation(
            user_id=int(payload["u"]),
            customer_id=str(payload["c"]),
            subscription_ids=tuple(str(s) for s in payload["s"]),
            nonce=str(payload["n"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, IndexError) as exc:
        raise ConfirmationInvalid("This confirmation is not valid.") from exc
    now, spent = _database_now_and_spent(confirmation.nonce)
    age = now.timestamp() - signed_at
    if age < -settings.CONFIRMATION_CLOCK_SKEW_SECONDS:
        raise ConfirmationFromTheFuture(
            "This confirmation is dated in the future (a server's clock is wrong)."
        )
    if age > settings.CONFIRMATION_TOKEN_SECONDS:
        raise ConfirmationExpired(
            f"This confirmation has expired: it lasts {settings.CONFIRMATION_TOKEN_SECONDS // 60} minutes."
        )
    if confirmation.user_id != user.pk:
        raise ConfirmationMismatch("This confirmation was made by another user.")
    if confirmation.customer_id != customer_id:
        raise ConfirmationMismatch("This confirmation is for another customer.")
    if confirmation.subscription_ids != tuple(sorted(set(subscription_ids))):
        raise ConfirmationMismatch("The ticked subscriptions differ from the ones you confirmed.")
    if spent:
        raise _spent()
    return confirmation


def retention() -> timedelta:
    """How long a spent nonce is kept: a token's lifetime plus twice the clock-skew margin."""
    return timedelta(
        seconds=settings.CONFIRMATION_TOKEN_SECONDS + 2 * settings.CONFIRMATION_CLOCK_SKEW_SECONDS
    )


def _database_now_and_spent(nonce: str) -> tuple[datetime, bool]:
    """The database's clock and whether `nonce` is spent, in one round trip."""
    quote = connection.ops.quote_name
    table = quote(SpentConfirmation._meta.db_table)
    column = quote(SpentConfirmation._meta.get_field("nonce").get_attname_column()[1] or "nonce")
    now_sql = (
        "CURRENT_TIMESTAMP"
        if connection.vendor == "postgresql"
        else "STRFTIME('%%Y-%%m-%%d %%H:%%M:%%f', 'now')"  # SQLite: UTC
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {now_sql}, EXISTS(SELECT 1 FROM {table} WHERE {column} = %s)",  # noqa: S608 (identifiers only)
            [nonce],
        )
        row = cursor.fetchone()
    now = row[0] if isinstance(row[0], datetime) else datetime.fromisoformat(row[0])
    return (now if now.tzinfo else now.replace(tzinfo=UTC)), bool(row[1])


def spend(confirmation: Confirmation) -> None:
    """Mark the token used, once across every process; ConfirmationSpent if it already was."""
    try:
        # One transaction for both statements: the clean-up rides along instead of taking its own.
        # Both use the database clock, so no app host's clock decides what is forgotten.
        with transaction.atomic():
            SpentConfirmation.objects.filter(spent_at__lt=Now() - retention()).delete()
            SpentConfirmation.objects.create(nonce=confirmation.nonce, spent_at=Now())
    except IntegrityError as exc:
        raise _spent() from exc


def _spent() -> ConfirmationSpent:
    return ConfirmationSpent("These links were already created with this confirmation.")
