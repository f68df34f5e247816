"""The reply agents paste to the customer with the links: a template managers change in the console.

Each change is a new ReplyTemplate row (the newest is in use; the rest is its history) and an
audit event, committed together. The template holds placeholders only; the composed message holds
the links, so it is built for the one-time links page alone and never stored, logged or cached.
It is plain text: escaping is the page's business, not the message's.
"""

import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import audit
from ..context import RequestContext
from ..models import ReplyTemplate
from ..paddle.types import BillingCycle, Subscription, SubscriptionItem, SubscriptionLinks
from .handover import LinkAction, LinkGroup, groups_of

MAX_LENGTH = 2000
HISTORY_SHOWN = 10

# Placeholder -> what it becomes (shown to managers next to the editor).
PLACEHOLDERS = {
    "customer_name": "the customer's name (\u201cthere\u201d when Paddle has none)",
    "links": "every link with what it does, grouped by subscription (required)",
    "agent_name": "the agent's first name, or their user name",
    "company": "the company's name",
}
REQUIRED = "links"

DEFAULT_TEXT = """Hi {customer_name},

Here are the links to your billing portal that you asked for:

{links}

These links are temporary. If one no longer opens, reply to this message and ask us for new ones.
We will never ask you for your password.

Best regards,
{agent_name}
{company} support"""


@dataclass(frozen=True)
class CurrentTemplate:
    """The template in use, and who saved it when (empty for the built-in default)."""

    text: str
    changed_by: str
    changed_at: datetime | None

    @property
    def is_default(self) -> bool:
        return self.changed_at is None


def current() -> CurrentTemplate:
    """The newest saved template, or the default when no manager has saved one (one query)."""
    row = ReplyTemplate.objects.values_list("text", "changed_by__username", "changed_at").first()
    if row is None:
        return CurrentTemplate(DEFAULT_TEXT, "", None)
    return CurrentTemplate(*row)


def history() -> list[CurrentTemplate]:
    """The last changes, newest first."""
    rows = ReplyTemplate.objects.values_list("text", "changed_by__username", "changed_at")
    return [CurrentTemplate(*row) for row in rows[:HISTORY_SHOWN]]


def normalized(text: str) -> str:
    """Line ends as the browser's CRLF become LF; no trailing blanks (the diff stays what was meant)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def problems(text: str) -> list[str]:
    """What is wrong with a template, in words for the manager; [] when it can be saved."""
    if not text.strip():
        return ["Enter the message."]
    found = []
    if len(text) > MAX_LENGTH:
        found.append(f"The message is {len(text):,} characters long; at most {MAX_LENGTH:,} are allowed.")
    if any(ord(char) < 32 and char not in "\n\t" for char in text):
        found.append("The message contains control characters; use plain text only.")
    try:
        fields = [
            (name, spec or "", conv or "")
            for _, name, spec, conv in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        return [*found, "A { or } on its own: placeholders look like {links}; write {{ or }} for a brace."]
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    for name, spec, conversion in fields:
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            found.append(f"Unknown placeholder {shown}: use only {known}.")
    uses = [name for name, _, _ in fields].count(REQUIRED)
    if uses == 0:
        found.append("The message must contain {links}: without it the customer gets no links.")
    elif uses > 1:
        found.append("Use {links} once: the customer should get each link once.")
    return found


def change(*, context: RequestContext, text: str) -> ReplyTemplate:
    """Save a new version and audit it as `reply_template.changed`, together or not at all.

    Raises ValueError when `problems(text)` finds any (the view shows them first).
    """
    text = normalized(text)
    if found := problems(text):
        raise ValueError(" ".join(found))
    user = context.user
    if user is None:
        raise ValueError("only a signed-in manager changes the message")
    with transaction.atomic():
        previous = current()
        row = ReplyTemplate.objects.create(text=text, changed_at=timezone.now(), changed_by_id=user.pk)
        audit.record(
            action=audit.Action.REPLY_TEMPLATE_CHANGED,
            outcome=audit.Outcome.SUCCESS,
            context=context,
            details={"version": row.pk, "text": text, "previous_text": previous.text},
            with_change=True,
        )
    return row


def compose(
    text: str,
    *,
    customer_name: str | None,
    agent_name: str,
    overview: LinkAction,
    groups: Sequence[LinkGroup],
) -> str:
    """The message with its placeholders filled in: plain text holding the links (a credential)."""
    values = {
        "customer_name": customer_name or "there",
        "links": links_text(overview, groups),
        "agent_name": agent_name,
        "company": settings.COMPANY_NAME,
    }
    parts = []
    for literal, name, _, _ in string.Formatter().parse(text):
        parts.append(literal)
        if name is not None:
            parts.append(values.get(name, ""))
    return "".join(parts)


def links_text(overview: LinkAction, groups: Sequence[LinkGroup]) -> str:
    """The overview link, then each subscription's label and its links, one per line."""
    blocks = [f"{overview.purpose}:\n{overview.url}"]
    for group in groups:
        lines = [f"{group.customer_label}:"]
        lines += [f"- {action.purpose}: {action.url}" for action in group.actions]
        if group.subscription.links_open_overview:
            lines.append(f"  (It is {group.status}, so it cannot be changed or canceled through this link.)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def preview(text: str, *, agent_name: str) -> str:
    """The message as a customer with two subscriptions would get it, with made-up links."""
    base = "https://customer-portal.example.invalid/cpl_example?token=EXAMPLE"
    overview = LinkAction(
        "overview", "", "Your billing portal, with your invoices and all your subscriptions", base
    )
    subscriptions = [
        _sample_subscription("sub_example1", "active"),
        _sample_subscription("sub_example2", "paused"),
    ]
    groups = groups_of(
        [
            (
                sub,
                SubscriptionLinks(
                    sub.id, f"{base}&action=cancel", f"{base}&action=payment", f"{base}&action=view"
                ),
            )
            for sub in subscriptions
        ]
    )
    return compose(text, customer_name="Avery Quinn", agent_name=agent_name, overview=overview, groups=groups)


def _sample_subscription(subscription_id: str, status: str) -> Subscription:
    cycle = BillingCycle("month", 1)
    item = SubscriptionItem("Lighthouse Starter", "Monthly", 1, "3000", "USD", cycle)
    return Subscription(
        subscription_id,
        "ctm_example",
        status,
        "USD",
        "automatic",
        cycle,
        None,
        None,
        None,
        None,
        None,
        (item,),
    )
