"""Step-up: creating links needs a proof (a sign-in, a re-entered password, or with SSO a fresh
authentication at the identity provider: views/sign_in.oidc_step_up) within the last STEP_UP_MINUTES.

Only the time of the last proof is kept, in the server-side session; the password never is.
"""

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import reverse

from .. import audit
from ..context import context_of
from ..links import step_up as links_step_up

SESSION_KEY = "step_up_at"


def mark_fresh(request: HttpRequest, *, at: int | None = None) -> None:
    """Record that the user has just proved who they are (`at`: when, if earlier; None: now).

    With SSO, `at` is the identity provider's `auth_time`; a time in the future counts as now.
    """
    now = int(time.time())
    request.session[SESSION_KEY] = now if at is None else min(int(at), now)


def forget(request: HttpRequest) -> None:
    """Drop the proof: the next link creation needs a new one."""
    request.session.pop(SESSION_KEY, None)


def proved_at(request: HttpRequest) -> float | None:
    """When this session last proved the user's password, if it has."""
    value = request.session.get(SESSION_KEY)
    return float(value) if isinstance(value, int) else None


def is_fresh(request: HttpRequest) -> bool:
    """Whether the last password proof is recent enough to create links (always, if step-up is off)."""
    return links_step_up.is_fresh(proved_at(request))


@receiver(user_logged_in, dispatch_uid="sessions_app.accounts.step_up.on_login")
def _on_login(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    # login() has already cycled or flushed the session, so this lands in the new one.
    if request is not None and hasattr(request, "session"):
        mark_fresh(request)


class StepUpForm(forms.Form):
    """The signed-in user's password, checked through `authenticate` so django-axes counts failures."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to confirm it is you."},
    )

    def __init__(self, request: HttpRequest, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.request = request

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        user = self.request.user
        proved = authenticate(self.request, username=user.get_username(), password=password)
        if proved is None or proved.pk != user.pk:
            raise forms.ValidationError("That password is not correct.", code="invalid")
        return password


def step_up(request: HttpRequest, data: Mapping[str, Any], *, customer_id: str = "") -> StepUpForm:
    """Check the password in `data`, audit the attempt as `auth.step_up`, mark the session fresh on success.

    `customer_id` is the customer whose links the proof is for, recorded with the attempt.

    Returns the bound form: `form.is_valid()` says whether the proof succeeded, its errors say why not.
    """
    form = StepUpForm(request, data)
    valid = form.is_valid()
    if valid:
        error_code = ""
    elif form.has_error("password", "required"):
        error_code = "password_missing"
    else:
        error_code = "password_invalid"
    audit.record(
        action=audit.Action.AUTH_STEP_UP,
        outcome=audit.Outcome.SUCCESS if valid else audit.Outcome.DENIED,
        context=context_of(request),
        customer_id=customer_id,
        error_code=error_code,
    )
    if valid:
        mark_fresh(request)
    return form


class PasswordProof:
    """The link service's step-up proof from this session, or from a password typed with the request."""

    def __init__(self, request: HttpRequest, data: Mapping[str, Any], *, customer_id: str) -> None:
        self.request, self.data, self.customer_id = request, data, customer_id

    def proved_at(self) -> float | None:
        # A password typed with the request is always checked, never silently ignored: the confirm
        # page offers the field before the proof lapses (field_context), and a wrong one there says
        # so even while the last proof still holds. Without one, the session's proof counts.
        if self.data.get("password"):
            return None
        return proved_at(self.request)

    def prove(self) -> links_step_up.StepUpOutcome:
        form = step_up(self.request, self.data, customer_id=self.customer_id)
        if form.is_valid():
            return links_step_up.StepUpOutcome(proved=True)
        return links_step_up.StepUpOutcome(proved=False, errors=[str(e) for e in form.errors["password"]])


def field_context(request: HttpRequest, *, return_to: str) -> dict[str, object]:
    """What the confirm form's step-up field needs: nothing while the proof outlasts the confirmation
    (CONFIRMATION_TOKEN_SECONDS from now); else a password field, or with SSO on, a link that proves
    it at the identity provider and comes back to `return_to`.

    Why not only once it has lapsed: a confirm page left open would then fail on submit. While the
    proof still holds, the field is optional (the service asks for it only once it has lapsed) and
    the page says until when it holds.
    """
    context: dict[str, object] = {"step_up_minutes": settings.STEP_UP_MINUTES}
    proved = proved_at(request)
    if links_step_up.is_fresh(proved, now=time.time() + settings.CONFIRMATION_TOKEN_SECONDS):
        return context
    fresh_now = is_fresh(request)
    if fresh_now and proved is not None:
        lapses = proved + settings.STEP_UP_MINUTES * 60
        context["step_up_lapses_at"] = datetime.fromtimestamp(lapses, UTC)
        context["step_up_lapses_in"] = max(0, int(lapses - time.time()))  # seconds, for the countdown
    if settings.OIDC_ENABLED:
        context["sso_step_up_url"] = f"{reverse('oidc_step_up')}?{urlencode({'next': return_to})}"
        context["sso_provider_name"] = settings.OIDC_PROVIDER_NAME
    else:
        form = StepUpForm(request)
        form.use_required_attribute = not fresh_now  # needed only once the proof has lapsed
        context["step_up_form"] = form
    return context
