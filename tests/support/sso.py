"""Someone signing in at the test identity provider, and reading what the audit log says of it."""

import re
from urllib.parse import parse_qs, urlsplit

import requests
from pytest_django import Settings

from sessions_app.models import AuditEvent
from tests.support.oidc_provider.fixture import Provider

PROVIDER_PASSWORD = "provider password 123"


def apply(settings: Settings, values: dict[str, object]) -> None:
    for name, value in values.items():
        setattr(settings, name, value)


class Person:
    """Someone with a browser (a requests session) and an account at the provider."""

    def __init__(self, *, username: str, email: str, provider: Provider) -> None:
        self.username, self.email, self.provider = username, email, provider
        self.sub = ""
        self.browser = requests.Session()
        self.browser.trust_env = False

    def set_groups(self, groups: list[str], **fields: object) -> None:
        self.sub = self.provider.put_user(
            self.username, PROVIDER_PASSWORD, email=self.email, groups=groups, **fields
        )

    def sign_in(self, console: str, *, next_path: str = "/customers/") -> requests.Response:
        """Console → provider sign-in form → back through the callback; the final response."""
        form = self.browser.get(f"{console}/oidc/authenticate/", params={"next": next_path}, timeout=10)
        return self.submit_provider_form(form)

    def submit_provider_form(self, form_page: requests.Response) -> requests.Response:
        assert form_page.url.startswith(f"{self.provider.origin}/accounts/login/"), form_page.url
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page.text)
        next_field = re.search(r'name="next" value="([^"]*)"', form_page.text)
        assert csrf is not None
        assert next_field is not None
        return self.browser.post(
            form_page.url,
            data={
                "csrfmiddlewaretoken": csrf.group(1),
                "username": self.username,
                "password": PROVIDER_PASSWORD,
                "next": next_field.group(1).replace("&amp;", "&"),
            },
            timeout=10,
        )

    def start_sign_in(self, console: str) -> dict[str, str]:
        """Only the console's half: the authorization request's parameters (state, nonce, ...)."""
        response = self.browser.get(f"{console}/oidc/authenticate/", allow_redirects=False, timeout=10)
        assert response.status_code == 302
        return {
            name: values[0] for name, values in parse_qs(urlsplit(response.headers["Location"]).query).items()
        }

    def sign_out(self, console: str) -> requests.Response:
        self.browser.get(f"{console}/customers/", timeout=10)
        csrf = self.browser.cookies.get("csrftoken")
        return self.browser.post(
            f"{console}/accounts/logout/", data={"csrfmiddlewaretoken": csrf}, timeout=10
        )

    def is_signed_in(self, console: str) -> bool:
        response = self.browser.get(f"{console}/customers/", allow_redirects=False, timeout=10)
        return response.status_code != 302


def last_event(action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(action=action).order_by("-seq").first()
    assert event is not None, f"no {action} event"
    return event
