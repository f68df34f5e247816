"""Single sign-on with the company's OpenID Connect provider (mozilla-django-oidc underneath).

mozilla-django-oidc exchanges the code (with PKCE) and checks the signature, but not the
audience, the issuer or `auth_time`, and it matches users on email: this backend checks all of
them and matches users on (issuer, sub) only, stored on `OIDCIdentity`. Every refusal is a
`SignInRefused` with a short code that goes into the audit log; nothing here ever logs a token.

Roles follow the provider's groups at every sign-in: the claim `OIDC_ROLES_CLAIM` is mapped
through `OIDC_ROLE_MAP` onto the console's roles (roles.ROLES); other groups are left alone.
"""

import hashlib
import hmac
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, User
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify

from .. import audit
from ..context import context_for
from ..models import OIDCIdentity
from ..roles import ROLES

BACKEND_PATH = "sessions_app.accounts.oidc.OIDCBackend"
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105  (a session key, not a secret)
CLOCK_SKEW_SECONDS = 30
USERNAME_MAX = 150

# code -> what the person is told; the code goes into the audit log as `error_code`.
REFUSALS: dict[str, str] = {
    "state_missing": "The sign-in response was incomplete.",
    "state_unknown": "This sign-in was started elsewhere, has already been used, or has expired.",
    "code_missing": "The sign-in response was incomplete.",
    "provider_error": "The identity provider did not sign you in.",
    "provider_unreachable": "The identity provider could not be reached.",
    "code_rejected": "The identity provider refused this sign-in (it may have been used already).",
    "token_missing": "The identity provider sent no identity token.",
    "signature_invalid": "The identity token was not signed by the identity provider.",
    "token_expired": "The identity token has expired.",
    "token_invalid": "The identity token is not valid.",
    "audience_invalid": "The identity token was issued for another application.",
    "issuer_invalid": "The identity token was issued by another provider.",
    "nonce_invalid": "The identity token does not belong to this sign-in.",
    "userinfo_mismatch": "The identity provider described another person.",
    "email_unverified": "Your email address is not verified at the identity provider.",
    "sub_changed": "Your account is linked to another identity at the provider. Ask an administrator.",
    "account_not_linked": "An account with your email exists but is not linked to SSO. Ask an administrator.",
    "user_inactive": "Your account is deactivated.",
    "step_up_other_user": "You confirmed as someone else than the signed-in person.",
    "step_up_stale": "The identity provider did not ask for your password again. Try again.",
}


class SignInRefused(Exception):
    """A sign-in through the provider is refused; `code` is audited, `message` is shown."""

    def __init__(self, code: str, *, username: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.message = REFUSALS[code]
        self.username = username[:USERNAME_MAX]


class OIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """Verifies the provider's answer and finds, creates and updates the console's user."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> None:
        """Never signs in through `django.contrib.auth.authenticate`: only the callback view may."""
        return

    def complete(
        self, request: HttpRequest, *, nonce: str, code_verifier: str | None
    ) -> tuple[User, dict[str, Any], str]:
        """Exchange the code, verify the ID token and claims: (user, claims, raw ID token)."""
        self.request = request
        code = request.GET.get("code", "")
        if not code:
            raise SignInRefused("code_missing")
        token_request = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": absolutify(request, reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL)),
        }
        if code_verifier is not None:
            token_request["code_verifier"] = code_verifier
        try:
            token_info = self.get_token(token_request)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            raise SignInRefused("code_rejected" if 400 <= status < 500 else "provider_unreachable") from None
        except (requests.RequestException, ValueError):
            raise SignInRefused("provider_unreachable") from None
        id_token = token_info.get("id_token") if isinstance(token_info, dict) else None
        if not isinstance(id_token, str) or not id_token:
            raise SignInRefused("token_missing")
        payload = self.verify_token(id_token, nonce=nonce)
        try:
            userinfo = self.get_userinfo(token_info.get("access_token"), id_token, payload)
        except (requests.RequestException, ValueError):
            raise SignInRefused("provider_unreachable") from None
        if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
            raise SignInRefused("userinfo_mismatch")
        claims = {**userinfo, **payload}  # the ID token wins (auth_time, iss, aud live there)
        user = self.user_for(claims)
        return user, claims, id_token

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """Signature (the provider's JWKS, RS256 only), exp, iat, iss, aud, azp and nonce."""
        try:
            key = self.retrieve_matching_jwk(token)
        except (SuspiciousOperation, KeyError, jwt.InvalidTokenError, jwt.PyJWKError):
            raise SignInRefused("signature_invalid") from None
        except (requests.RequestException, ValueError):
            raise SignInRefused("provider_unreachable") from None
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=["RS256"],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SignInRefused("token_expired") from None
        except jwt.InvalidAudienceError:
            raise SignInRefused("audience_invalid") from None
        except jwt.InvalidIssuerError:
            raise SignInRefused("issuer_invalid") from None
        except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError, jwt.DecodeError):
            raise SignInRefused("signature_invalid") from None
        except jwt.InvalidTokenError:
            raise SignInRefused("token_invalid") from None
        audiences = payload["aud"] if isinstance(payload["aud"], list) else [payload["aud"]]
        if len(audiences) > 1 and payload.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SignInRefused("audience_invalid")
        nonce = kwargs.get("nonce")
        if nonce is not None and not hmac.compare_digest(str(payload.get("nonce", "")), nonce):
            raise SignInRefused("nonce_invalid")
        return payload

    def user_for(self, claims: dict[str, Any]) -> User:
        """The user with this (issuer, sub), created on first sign-in; never matched on email alone."""
        sub, email = str(claims["sub"]), str(claims.get("email") or "")
        username_hint = str(claims.get("preferred_username") or email)
        if claims.get("email_verified") is not True or not email:
            raise SignInRefused("email_unverified", username=username_hint)
        identity = (
            OIDCIdentity.objects.select_related("user")
            .filter(issuer=settings.OIDC_OP_ISSUER, sub=sub)
            .first()
        )
        if identity is None:
            known = User.objects.filter(email__iexact=email).first()
            if known is not None:
                linked = OIDCIdentity.objects.filter(user=known).exists()
                raise SignInRefused(
                    "sub_changed" if linked else "account_not_linked", username=known.username
                )
            return self._create(claims)
        user = identity.user
        if not user.is_active:
            raise SignInRefused("user_inactive", username=user.username)
        return user

    @transaction.atomic
    def _create(self, claims: dict[str, Any]) -> User:
        sub = str(claims["sub"])
        wanted = str(claims.get("preferred_username") or str(claims["email"]).split("@")[0])[:120]
        username = wanted
        if User.objects.filter(username=username).exists():
            username = f"{wanted}-{hashlib.sha256(sub.encode()).hexdigest()[:8]}"
        user = User.objects.create_user(username, email=str(claims["email"]))
        user.set_unusable_password()
        user.save(update_fields=["password"])
        OIDCIdentity.objects.create(user=user, issuer=settings.OIDC_OP_ISSUER, sub=sub)
        return user


def update_from_claims(user: User, claims: dict[str, Any], *, request: HttpRequest) -> None:
    """Copy the profile, remember `auth_time`, and set the console roles the provider's groups give."""
    user.email = str(claims.get("email") or user.email)
    user.first_name = str(claims.get("given_name") or "")[:150]
    user.last_name = str(claims.get("family_name") or "")[:150]
    user.save(update_fields=["email", "first_name", "last_name"])
    auth_time = claims.get("auth_time")
    if isinstance(auth_time, int):
        OIDCIdentity.objects.filter(user=user).update(
            last_auth_time=datetime.fromtimestamp(auth_time, tz=UTC)
        )
    apply_roles(user, claims, request=request)


def mapped_roles(claims: dict[str, Any]) -> set[str]:
    """The console roles that the provider's groups claim maps to (unknown groups give nothing)."""
    groups = claims.get(settings.OIDC_ROLES_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        return set()
    role_map: dict[str, str] = settings.OIDC_ROLE_MAP
    return {role_map[g] for g in groups if isinstance(g, str) and g in role_map} & set(ROLES)


def apply_roles(user: User, claims: dict[str, Any], *, request: HttpRequest | None) -> None:
    """Give the user exactly the mapped console roles; record `auth.roles_changed` when they change."""
    wanted = mapped_roles(claims)
    with transaction.atomic():
        before = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if before == wanted:
            return
        user.groups.remove(*Group.objects.filter(name__in=before - wanted))
        user.groups.add(*Group.objects.filter(name__in=wanted - before))
        audit.record(
            action=audit.Action.AUTH_ROLES_CHANGED,
            outcome=audit.Outcome.SUCCESS,
            context=context_for(request, actor=user),
            details={
                "before": sorted(before),
                "after": sorted(wanted),
                "method": "oidc",
                "sub": claims["sub"],
            },
            with_change=True,
        )


def auth_time_of(claims: dict[str, Any]) -> int | None:
    """When the provider last authenticated the person (seconds since the epoch), if it says."""
    value = claims.get("auth_time")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def is_recent(auth_time: int | None, *, max_age: int) -> bool:
    """Whether the provider authenticated the person within `max_age` seconds (with clock skew)."""
    if auth_time is None:
        return False
    age = time.time() - auth_time
    return -CLOCK_SKEW_SECONDS <= age <= max_age + CLOCK_SKEW_SECONDS


def provider_logout_url(request: HttpRequest) -> str | None:
    """The provider's end-session URL (RP-initiated logout) with the ID token as a hint, if any."""
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not settings.OIDC_OP_END_SESSION_ENDPOINT or not isinstance(id_token, str):
        return None
    params = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": absolutify(request, reverse("login")),
    }
    return f"{settings.OIDC_OP_END_SESSION_ENDPOINT}?{urlencode(params)}"


def sub_of(user: AbstractBaseUser | AnonymousUser) -> str:
    """The provider's `sub` for a user signed in through SSO ("" otherwise)."""
    if user.pk is None:
        return ""
    sub = OIDCIdentity.objects.filter(user_id=user.pk).values_list("sub", flat=True).first()
    return sub or ""
