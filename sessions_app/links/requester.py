"""The requester check: does the person asking (the ticket's email) own the account (Paddle's email)?

A match is the two addresses equal after trimming whitespace and lower-casing, nothing more: no
plus-address (`p+x@`) or dot folding (`p.q@gmail`), because whether those reach the same mailbox
depends on the provider, and a stranger can register `p.q@` where `pq@` is the customer.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_EMAIL_LENGTH = 254  # RFC 5321's path limit, as Django's EmailField


class Delivery(StrEnum):
    """How the links reach the customer: emailed to the address on file (default) or shown to the agent."""

    EMAIL = "email"
    SHOW = "show"


@dataclass(frozen=True)
class RequesterCheck:
    """The requester's email as the agent typed it and whether it matches the email on file."""

    requester_email: str
    matches: bool

    @property
    def deliveries(self) -> tuple[Delivery, ...]:
        """What the agent may choose: both on a match, only the email on file otherwise."""
        return (Delivery.EMAIL, Delivery.SHOW) if self.matches else (Delivery.EMAIL,)

    def audit_details(self) -> dict[str, object]:
        return {"requester_email": self.requester_email, "requester_match": self.matches}


def normalize(email: str) -> str:
    return email.strip().lower()


def check(*, requester_email: str, email_on_file: str) -> RequesterCheck:
    """Compare trimmed, case-insensitively; an empty email on file matches nothing."""
    requester = requester_email.strip()
    on_file = normalize(email_on_file)
    return RequesterCheck(
        requester_email=requester, matches=bool(on_file) and normalize(requester) == on_file
    )


def is_deliverable(email: str) -> bool:
    """Whether an email on file can receive mail: non-empty, well-formed, at most 254 characters."""
    email = email.strip()
    if not email or len(email) > MAX_EMAIL_LENGTH:
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def masked(email: str) -> str:
    """`p•••@example.com`: enough for the agent to recognise it, not to read it out."""
    local, _, domain = email.strip().partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"
