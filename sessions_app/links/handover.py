"""What the links pages show and the customer's reply lists: one group per subscription, in the
agent's order, labelled so two subscriptions of one product differ, with only the links that work.

Paddle's cancel and payment-method links of a paused or canceled subscription, and the
payment-method link of one paid by invoice, open the overview page instead (PADDLE_API.md): they
are not offered as what they are not; the group says why instead.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..paddle.types import PortalSession, Subscription, SubscriptionLinks
from ..templatetags.billing import recurring_total
from .service import IssuedLinks


@dataclass(frozen=True, repr=False)
class LinkAction:
    """One link: what the agent sees, what the customer is told it does, and the URL (a credential)."""

    key: str  # "payment" | "cancel" | "view" | "overview": the element ids' suffix
    text: str  # "Update payment method"
    purpose: str  # "Update the payment method": what it does, in the customer's message
    url: str

    def __repr__(self) -> str:  # keeps the URL out of tracebacks and debug output
        return f"LinkAction(key={self.key!r}, url=[redacted])"


@dataclass(frozen=True, repr=False)
class LinkGroup:
    """One ticked subscription on the links page: heading, amount, status and its working links."""

    subscription: Subscription
    product: str  # "Lighthouse Starter" (items joined with " + ")
    plan: str  # the price names, "" when Paddle gives none
    amount: str  # "USD 30.00 every month"
    actions: tuple[LinkAction, ...]
    note: str  # why a link is not offered, "" when all are
    # Another group has the same label (for the agent, or for the customer, who is not shown the
    # plan's internal name): the sub_ id tells them apart.
    same_as_another: bool
    same_for_customer: bool

    @property
    def status(self) -> str:
        return self.subscription.status.replace("_", " ")

    @property
    def label(self) -> str:
        """ "Lighthouse Starter · Monthly (USD 30.00 every month, active)": copy buttons are named for it."""
        name = f"{self.product} · {self.plan}" if self.plan else self.product
        label = f"{name} ({self.amount}, {self.status})"
        return f"{label} {self.subscription.id}" if self.same_as_another else label

    @property
    def customer_label(self) -> str:
        """ "Lighthouse Starter (USD 30.00 every month, active)": the message's heading for the group.

        Without the plan: Paddle's price names can be internal ("Legacy price, grandfathered").
        """
        label = f"{self.product} ({self.amount}, {self.status})"
        return f"{label}, subscription {self.subscription.id}" if self.same_for_customer else label

    def __repr__(self) -> str:
        return f"LinkGroup(subscription={self.subscription.id!r}, links=[redacted])"


def overview_action(session: PortalSession) -> LinkAction:
    return LinkAction(
        "overview",
        "Open the customer's portal",
        "Your billing portal, with your invoices and all your subscriptions",
        session.overview_url,
    )


def link_groups(issued: IssuedLinks) -> list[LinkGroup]:
    """Each ticked subscription with its links, in the order of the confirm page (the agent's)."""
    entries = {entry.subscription_id: entry for entry in issued.session.subscriptions}
    return groups_of([(subscription, entries[subscription.id]) for subscription in issued.subscriptions])


def groups_of(pairs: Sequence[tuple[Subscription, SubscriptionLinks]]) -> list[LinkGroup]:
    """A group per (subscription, its links), in that order; same labels are told apart by sub_ id."""
    drafts = [_group(subscription, entry) for subscription, entry in pairs]
    labels = [group.label for group in drafts]
    customer_labels = [group.customer_label for group in drafts]
    return [
        replace(
            group,
            same_as_another=labels.count(group.label) > 1,
            same_for_customer=customer_labels.count(group.customer_label) > 1,
        )
        for group in drafts
    ]


def _group(subscription: Subscription, entry: SubscriptionLinks) -> LinkGroup:
    products = " + ".join(dict.fromkeys(item.product_name for item in subscription.items)) or "Subscription"
    plans = " + ".join(dict.fromkeys(item.price_name for item in subscription.items if item.price_name))
    actions, note = _actions(subscription, entry)
    return LinkGroup(
        subscription=subscription,
        product=products,
        plan=plans,
        amount=recurring_total(subscription),
        actions=actions,
        note=note,
        same_as_another=False,
        same_for_customer=False,
    )


def _actions(subscription: Subscription, entry: SubscriptionLinks) -> tuple[tuple[LinkAction, ...], str]:
    view = LinkAction("view", "View subscription", "See this subscription", entry.view or "")
    if subscription.links_open_overview:
        # All its links open the subscription's overview: offer that one page, under its own name.
        page = LinkAction(
            "view", "Open the subscription", "See this subscription", entry.view or entry.cancel
        )
        status = subscription.status
        note = (
            f"It is {status}: Paddle's cancel and payment-method links open its overview page, "
            "so only that page is offered."
        )
        return (page,), note
    cancel = LinkAction("cancel", "Cancel subscription", "Cancel this subscription", entry.cancel)
    payment = LinkAction(
        "payment", "Update payment method", "Update the payment method", entry.update_payment_method
    )
    actions = (cancel,) if subscription.payment_link_opens_overview else (payment, cancel)
    if entry.view:
        actions = (*actions, view)
    if subscription.payment_link_opens_overview:
        return (
            actions,
            "Paid by invoice: Paddle's payment-method link opens the overview page, so it is not offered.",
        )
    return actions, ""
