"""Where the last emailed link went: kept in the session between the creating POST and its GET page.

Why the session: the page after a 303 must say where the email went without a second send, and
reloading it must not send again. What is kept is what the page shows (the customer's id and
name, the masked address, when it was sent and expires), never the link or its token.
"""

from datetime import datetime

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from ..links.service import EmailedLink
from ..paddle.types import Customer

SESSION_KEY = "emailed_link"


def keep(request: HttpRequest, emailed: EmailedLink) -> None:
    """Remember `emailed` for this session's next look at the "link emailed" page."""
    session: SessionBase = request.session
    session[SESSION_KEY] = {
        "customer_id": emailed.customer.id,
        "customer_name": emailed.customer.name or "",
        "masked_email": emailed.masked_email,
        "sent_at": emailed.sent_at.isoformat(),
        "expires_at": emailed.expires_at.isoformat(),
    }


def read(request: HttpRequest, customer_id: str) -> EmailedLink | None:
    """The last link this session emailed to `customer_id`, if that is the last one it emailed."""
    session: SessionBase = request.session
    data = session.get(SESSION_KEY)
    if not isinstance(data, dict) or data.get("customer_id") != customer_id:
        return None
    try:
        sent_at = datetime.fromisoformat(str(data["sent_at"]))
        customer = Customer(
            id=customer_id,
            name=str(data["customer_name"]) or None,
            email="",  # not shown: the page names the masked address only
            status="",
            locale="",
            created_at=sent_at,
        )
        return EmailedLink(
            customer=customer,
            masked_email=str(data["masked_email"]),
            sent_at=sent_at,
            expires_at=datetime.fromisoformat(str(data["expires_at"])),
        )
    except (KeyError, ValueError):  # a session written by another version of the console
        return None
