"""Step-up: creating links needs a proof (a sign-in, a re-entered password, or with SSO a fresh
authentication at the identity provider: views/sign_in.oidc_step_up) within the last STEP_UP_MINUTES.

Only the time of the last proof is kept, in the server-side session; the password never is.
"""

import time
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from .. import audit

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


def is_fresh(request: HttpRequest) -> bool:
    """Whether the last password proof is recent enough to create links (always, if step-up is off)."""
    if not settings.STEP_UP_REQUIRED:
        return True
    proved_at = request.session.get(SESSION_KEY)
    if not isinstance(proved_at, int):
        return False
    return 0 <= time.time() - proved_at < settings.STEP_UP_MINUTES * 60


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
        password = self.cleaned_data["password"]
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
        actor=request.user,
        request=request,
        customer_id=customer_id,
        error_code=error_code,
    )
    if valid:
        mark_fresh(request)
    return form
