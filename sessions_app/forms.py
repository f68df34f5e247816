"""Forms for the agent's journey: every input is checked here before it can reach Paddle."""

import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .links.requester import MAX_EMAIL_LENGTH, Delivery
from .paddle import ids

MAX_SUBSCRIPTIONS = 25  # Paddle's maxItems for subscription_ids
MAX_REASON_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=ids.MAX_QUERY_LENGTH,
        strip=True,
        error_messages={"max_length": "Searches are at most %(limit_value)d characters long."},
    )

    # Set by the Search button (also when Enter submits the form): open a single exact match.
    # htmx's live search never sends it, so typing shows the match without navigating away.
    open = forms.BooleanField(required=False)

    def clean_q(self) -> str:
        query: str = ids.normalize_query(self.cleaned_data["q"])
        if query and ids.classify_query(query) is ids.QueryKind.MALFORMED_ID:
            raise ValidationError(
                "That looks like a Paddle id but is not one: ids are ctm_ or sub_ followed by "
                "26 lowercase letters or digits.",
                code="malformed_id",
            )
        return query

    @property
    def kind(self) -> ids.QueryKind:
        """What the (valid) query is: an email, an id or free text."""
        return ids.classify_query(self.cleaned_data["q"])


class SubscriptionIdsField(forms.Field):
    """A list of distinct, well-formed subscription ids; at most Paddle's 25."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise ValidationError("Subscriptions must be a list.", code="invalid")
        return [str(v) for v in value]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > MAX_SUBSCRIPTIONS:
            raise ValidationError(
                f"Tick at most {MAX_SUBSCRIPTIONS} subscriptions (Paddle's limit per session): "
                f"split them into batches of {MAX_SUBSCRIPTIONS}, creating the links for one batch "
                "and then for the next.",
                code="too_many",
            )
        if len(set(value)) != len(value):
            raise ValidationError("A subscription was ticked twice.", code="duplicate")
        if not all(ids.is_subscription_id(v) for v in value):
            raise ValidationError("A ticked subscription id is malformed.", code="malformed")


def error_messages(form: forms.Form) -> list[str]:
    """Every message of a form that did not validate, field by field, as plain strings."""
    return [str(message) for errors in form.errors.values() for message in errors]


def reject_control_characters(value: str) -> None:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError("The reason may not contain control characters.", code="control_characters")


def requester_email_field(*, required: bool) -> forms.EmailField:
    return forms.EmailField(
        required=required,
        max_length=MAX_EMAIL_LENGTH,
        error_messages={
            "required": "Enter the requester's email as it appears on the ticket.",
            "invalid": "The requester's email is not a valid email address.",
            "max_length": "The requester's email is at most %(limit_value)d characters long.",
        },
    )


def ticket_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=MAX_REASON_LENGTH,
        strip=True,
        validators=[reject_control_characters],
        error_messages={"max_length": "The ticket reference is at most %(limit_value)d characters long."},
    )


class SubscriptionSelectionForm(forms.Form):
    """The ticked subscriptions of the customer page (zero ticked: the overview link only)."""

    subscription_ids = SubscriptionIdsField(required=False)


class HelpdeskForm(forms.Form):
    """What the helpdesk deep link carries (`ticket`, `requester`): prefills, never trusted as is."""

    ticket = ticket_field()
    requester = requester_email_field(required=False)


class ConfirmForm(SubscriptionSelectionForm):
    """The customer page's submission: the ticks, and the helpdesk's prefills if it came with them."""

    ticket = ticket_field()
    requester_email = requester_email_field(required=False)
    # The delivery chosen before a refused submission came back here: a preselection, checked again.
    delivery = forms.TypedChoiceField(
        choices=[(Delivery.EMAIL.value, "Email the customer"), (Delivery.SHOW.value, "Show me the links")],
        coerce=Delivery,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose how the links reach the customer: email or show."},
    )


class PortalSessionForm(SubscriptionSelectionForm):
    """The confirm page's submission: the same ticks, a reason, the requester, delivery and the token."""

    requester_email = requester_email_field(required=True)
    delivery = forms.TypedChoiceField(
        choices=[(Delivery.EMAIL.value, "Email the customer"), (Delivery.SHOW.value, "Show me the links")],
        coerce=Delivery,
        error_messages={
            "required": "Choose how the links reach the customer.",
            "invalid_choice": "Choose how the links reach the customer: email or show.",
        },
    )

    reason = forms.CharField(
        max_length=MAX_REASON_LENGTH,
        strip=True,
        validators=[reject_control_characters],
        error_messages={
            "required": "Enter a reason: the ticket reference or a short note.",
            "max_length": "The reason is at most %(limit_value)d characters long.",
        },
    )
    confirmation_token = forms.CharField(
        max_length=1000,
        widget=forms.HiddenInput,
        error_messages={"required": "The confirmation is missing."},
    )


class ApprovalDecisionForm(forms.Form):
    """A manager's decision on an approval request: approve or deny, a note, the content shown."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("deny", "Deny")],
        error_messages={"required": "Choose approve or deny.", "invalid_choice": "Choose approve or deny."},
    )
    note = forms.CharField(
        max_length=500,
        strip=True,
        validators=[reject_control_characters],
        error_messages={
            "required": "A note is required: say why you approve or deny.",
            "max_length": "The note is at most %(limit_value)d characters long.",
        },
    )
    content_hash = forms.RegexField(
        regex=r"^[0-9a-f]{64}$",
        error_messages={"required": "Open the request again.", "invalid": "Open the request again."},
    )


class LinkSwitchForm(forms.Form):
    """A manager's switch of link creation: on or off, why, and (second step) that they are sure."""

    enabled = forms.TypedChoiceField(
        choices=[("on", "Switch link creation on"), ("off", "Switch link creation off")],
        coerce=lambda value: value == "on",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose on or off.", "invalid_choice": "Choose on or off."},
    )
    reason = forms.CharField(
        max_length=MAX_REASON_LENGTH,
        strip=True,
        validators=[reject_control_characters],
        error_messages={
            "required": "Enter a reason: agents see it while links are off.",
            "max_length": "The reason is at most %(limit_value)d characters long.",
        },
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
