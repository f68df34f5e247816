"""The provider's own views: `max_age` on the authorization endpoint, and a test-only user admin."""

import json
import secrets
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.views import AuthorizationView

from tests.support.oidc_provider import settings as provider_settings

from .validator import UNVERIFIED_EMAIL_GROUP


class MaxAgeAuthorizationView(AuthorizationView):  # type: ignore[misc]
    """DOT handles `prompt=login` but ignores `max_age` (OIDC Core 3.1.2.1): too old, sign in again."""

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        raw = request.GET.get("max_age")
        if raw is not None and raw.isdigit() and request.user.is_authenticated:
            last = request.user.last_login
            if last is None or time.time() - last.timestamp() > int(raw):
                query = dict(parse_qsl(urlsplit(request.get_full_path()).query))
                query.pop("max_age", None)  # else max_age=0 would loop
                query.pop("prompt", None)
                return redirect_to_login(f"{request.path}?{urlencode(query)}", settings.LOGIN_URL)
        response: HttpResponseBase = super().get(request, *args, **kwargs)
        return response


@csrf_exempt
@require_POST
def put_user(request: HttpRequest) -> HttpResponse:
    """Create or change a provider user (tests and the demo only; needs the admin token).

    JSON: username, password, email, groups, is_active, email_verified, recreate (a new `sub`).
    """
    expected = f"Bearer {provider_settings.ADMIN_TOKEN}"
    if not secrets.compare_digest(request.headers.get("Authorization", ""), expected):
        return JsonResponse({"error": "forbidden"}, status=403)
    data = json.loads(request.body)
    if data.get("recreate"):
        User.objects.filter(username=data["username"]).delete()
    user, _ = User.objects.get_or_create(username=data["username"])
    user.email = data.get("email", user.email)
    user.first_name = data.get("first_name", user.first_name)
    user.is_active = data.get("is_active", True)
    if "password" in data:
        user.set_password(data["password"])
    user.save()
    groups = list(data.get("groups", []))
    if not data.get("email_verified", True):
        groups.append(UNVERIFIED_EMAIL_GROUP)
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in groups])
    return JsonResponse({"sub": str(user.pk)})


def home(request: HttpRequest) -> HttpResponse:
    who = request.user.get_username() if request.user.is_authenticated else "anonymous"
    return HttpResponse(f"identity provider; signed in: {who}", content_type="text/plain")
