"""Signing in and out: passwords, or the company's identity provider (OpenID Connect) when SSO is on.

With SSO on, the sign-in page offers only the provider; superusers keep a password form for
break-glass when ALLOW_PASSWORD_LOGIN_FOR_SUPERUSERS is on (still behind django-axes).
"""

from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from django import forms
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import LoginView
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from .. import audit
from ..accounts import oidc, step_up
from ..context import context_for
from ..landing import landing_url

STEP_UP_SESSION_KEY = "oidc_step_ups"  # state -> {"next": local path, "max_age": seconds}
STEP_UP_PENDING_MAX = 10  # as many step-ups in flight as tabs a person plausibly opens


def safe_next(request: HttpRequest, default: str) -> str:
    """`next` from the query string if it is a path on this site, else `default`."""
    candidate = request.GET.get("next", "")
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()})
    ):
        return candidate
    return default


def _refused(
    request: HttpRequest, refusal: oidc.SignInRefused, *, step_up_next: str | None = None
) -> HttpResponse:
    """The failure page: what went wrong, a fresh sign-in (or step-up) link; audited; no session made."""
    signed_in = request.user.is_authenticated
    audit.record(
        action=audit.Action.AUTH_STEP_UP if step_up_next is not None else audit.Action.AUTH_LOGIN_FAILED,
        outcome=audit.Outcome.DENIED if step_up_next is not None else audit.Outcome.FAILURE,
        context=context_for(request, actor=request.user if signed_in else AnonymousUser()),
        actor_username=refusal.username,
        error_code=refusal.code,
        details={"method": "oidc"},
    )
    if step_up_next is not None:
        retry_url = f"{reverse('oidc_step_up')}?{urlencode({'next': step_up_next})}"
    else:
        retry_url = reverse("oidc_authentication_init")
    context = {
        "message": refusal.message,
        "code": refusal.code,
        "retry_url": retry_url,
        "step_up": step_up_next is not None,
        "provider_name": settings.OIDC_PROVIDER_NAME,
    }
    status = 403 if refusal.code in {"user_inactive", "sub_changed", "account_not_linked"} else 400
    return render(request, "registration/oidc_refused.html", context, status=status)


class _SignInAtProvider(OIDCAuthenticationRequestView):  # type: ignore[misc]
    """mozilla-django-oidc's redirect to the provider (state, nonce, PKCE S256 kept in the session)."""

    max_age: int | None = None

    def get_extra_params(self, request: HttpRequest) -> dict[str, str]:
        if self.max_age is None:
            return {}
        # OIDC Core 3.1.2.1: ask for a new authentication, and say how old one may be.
        return {"max_age": str(self.max_age), "prompt": "login"}


@require_GET
@never_cache
def oidc_sign_in(request: HttpRequest) -> HttpResponseBase:
    """Send the visitor to the provider to sign in (`?next=` a local path)."""
    if not settings.OIDC_ENABLED:
        raise Http404
    response: HttpResponseBase = _SignInAtProvider.as_view()(request)
    return response


@login_required
@require_GET
@never_cache
def oidc_step_up(request: HttpRequest) -> HttpResponseBase:
    """Send the signed-in user to the provider to prove it is them again, then back to `next`."""
    if not settings.OIDC_ENABLED:
        raise Http404
    next_url = safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    max_age = settings.STEP_UP_MINUTES * 60
    response: HttpResponseBase = _SignInAtProvider.as_view(max_age=max_age)(request)
    state = parse_qs(urlparse(response["Location"]).query)["state"][0]
    pending = dict(request.session.get(STEP_UP_SESSION_KEY) or {})
    pending[state] = {"next": next_url, "max_age": max_age}
    request.session[STEP_UP_SESSION_KEY] = dict(list(pending.items())[-STEP_UP_PENDING_MAX:])
    return response


@require_GET
@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: sign in (or accept a step-up), or refuse with a clear page."""
    if not settings.OIDC_ENABLED:
        raise Http404
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states") or {}
    pending = request.session.get(STEP_UP_SESSION_KEY) or {}
    step_up_intent = pending.pop(state, None) if state else None
    if not state:
        return _refused(request, oidc.SignInRefused("state_missing"))
    if state not in states:
        return _refused(request, oidc.SignInRefused("state_unknown"))
    # One use per state: forget it before anything else, so a replayed callback finds nothing.
    flow = states.pop(state)
    request.session["oidc_states"] = states
    request.session[STEP_UP_SESSION_KEY] = pending
    next_url = step_up_intent["next"] if step_up_intent else request.session.get("oidc_login_next")
    request.session.save()
    # Other tabs may be signing in meanwhile: reload the session after the slow calls below
    # instead of writing back a stale copy (as mozilla-django-oidc's own callback does).
    request.session = request.session.__class__(request.session.session_key)
    step_up_next = step_up_intent["next"] if step_up_intent else None
    if request.GET.get("error"):
        return _refused(request, oidc.SignInRefused("provider_error"), step_up_next=step_up_next)
    backend = oidc.OIDCBackend()
    try:
        user, claims, id_token = backend.complete(
            request, nonce=flow.get("nonce", ""), code_verifier=flow.get("code_verifier")
        )
        if step_up_intent is not None:
            _check_step_up(request, user, claims, max_age=int(step_up_intent["max_age"]))
    except oidc.SignInRefused as refusal:
        return _refused(request, refusal, step_up_next=step_up_next)
    oidc.update_from_claims(user, claims, request=request)
    auth_time = oidc.auth_time_of(claims)
    if step_up_intent is None and request.user != user:
        user.backend = oidc.BACKEND_PATH  # read by the sign-in audit
        auth.login(request, user, backend=oidc.BACKEND_PATH)
    if step_up_intent is not None:
        audit.record(
            action=audit.Action.AUTH_STEP_UP,
            outcome=audit.Outcome.SUCCESS,
            context=context_for(request, actor=user),
            details={"method": "oidc", "sub": claims["sub"]},
        )
    # The step-up proof is the provider's authentication time, not the time of this callback: a
    # silent sign-in on an old provider session proves nothing new.
    if auth_time is None:
        step_up.forget(request)
    else:
        step_up.mark_fresh(request, at=auth_time)
    request.session[oidc.ID_TOKEN_SESSION_KEY] = id_token
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def _check_step_up(request: HttpRequest, user: User, claims: dict[str, Any], *, max_age: int) -> None:
    """A step-up proves the signed-in person authenticated at the provider within `max_age`."""
    if not request.user.is_authenticated or request.user.pk != user.pk:
        raise oidc.SignInRefused("step_up_other_user", username=user.username)
    if not oidc.is_recent(oidc.auth_time_of(claims), max_age=max_age):
        raise oidc.SignInRefused("step_up_stale", username=user.username)


class BreakGlassForm(AuthenticationForm):
    """The password form while SSO is on: superusers only (django-axes still counts failures)."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not getattr(user, "is_superuser", False):
            audit.record(
                action=audit.Action.AUTH_LOGIN_FAILED,
                outcome=audit.Outcome.DENIED,
                context=context_for(self.request, actor=AnonymousUser()),
                actor_username=user.get_username(),
                error_code="password_login_disabled",
                details={"method": "password"},
            )
            raise forms.ValidationError(
                "Passwords are only for break-glass by superusers. "
                f"Sign in with {settings.OIDC_PROVIDER_NAME}.",
                code="password_login_disabled",
            )


class ConsoleLoginView(LoginView):
    """Django's sign-in page; with SSO on, it offers the provider (and break-glass, if allowed)."""

    redirect_authenticated_user = True
    http_method_names = ["get", "head", "post", "options"]

    def get_default_redirect_url(self) -> str:
        """Straight to the role's start page (auditors to the audit log), without the hop through `/`."""
        return landing_url(self.request) or super().get_default_redirect_url()

    def get_form_class(self) -> type[AuthenticationForm]:
        return BreakGlassForm if settings.OIDC_ENABLED else AuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.OIDC_ENABLED:
            query = urlencode({"next": context.get("next") or ""}) if context.get("next") else ""
            context.update(
                sso=True,
                provider_name=settings.OIDC_PROVIDER_NAME,
                sso_url=reverse("oidc_authentication_init") + (f"?{query}" if query else ""),
                break_glass=settings.ALLOW_PASSWORD_LOGIN_FOR_SUPERUSERS,
            )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.OIDC_ENABLED and not settings.ALLOW_PASSWORD_LOGIN_FOR_SUPERUSERS:
            audit.record(
                action=audit.Action.AUTH_LOGIN_FAILED,
                outcome=audit.Outcome.DENIED,
                context=context_for(request, actor=AnonymousUser()),
                actor_username=str(request.POST.get("username", ""))[: oidc.USERNAME_MAX],
                error_code="password_login_disabled",
                details={"method": "password"},
            )
            context = self.get_context_data(password_refused=True)
            return render(request, "registration/login.html", context, status=403)
        response: HttpResponse = super().post(request, *args, **kwargs)
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        if settings.OIDC_ENABLED:
            audit.record(
                action=audit.Action.AUTH_BREAK_GLASS,
                outcome=audit.Outcome.SUCCESS,
                context=context_for(self.request, actor=form.get_user()),
                details={"method": "password"},
            )
        return response


@require_POST
@never_cache
def sign_out(request: HttpRequest) -> HttpResponseRedirect:
    """Sign out of the console, and of the provider too (RP-initiated logout) after an SSO sign-in."""
    target = oidc.provider_logout_url(request) if settings.OIDC_ENABLED else None
    auth.logout(request)
    return redirect(target or resolve_url(settings.LOGOUT_REDIRECT_URL))
