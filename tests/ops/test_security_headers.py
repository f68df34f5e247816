"""Security headers and cookies on every page, and pages the CSP can enforce: no inline code."""

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from paddle_emulator import Emulator
from tests.support.personas import PASSWORD

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}


@dataclass(frozen=True)
class Page:
    """A page to walk: a URL name, who asks, and what the query or the path needs."""

    name: str
    persona: str | None  # a persona fixture, or None for anonymous
    example: str | None = None  # an emulator example customer for `customer_id`
    query: dict[str, str] = field(default_factory=dict)
    status: int = 200


PAGES = [
    Page("login", None),
    Page("healthz", None),
    Page("sessions_app:customer_search", "agent"),
    Page("sessions_app:customer_search", "agent", query={"q": "example.com"}),
    Page("sessions_app:customer_search", "agent", query={"q": "<script>alert(1)</script>"}),
    Page("sessions_app:customer_detail", "agent", example="all_statuses"),
    Page("sessions_app:customer_detail", "agent", example="html_name"),
    Page("sessions_app:audit_list", "manager"),
    Page("sessions_app:customer_search", "outsider", status=403),
    Page("sessions_app:audit_list", None, status=302),
]


class InlineCodeFinder(HTMLParser):
    """Collects everything a strict CSP would block: inline scripts, styles and handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            if not names.get("src"):
                self.problems.append("<script> without src")
            self._in_script = True
        if tag == "style":
            self.problems.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"style= on <{tag}>")
            if name.startswith(("on", "hx-on")):
                self.problems.append(f"{name}= handler on <{tag}>")
            if value and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append("code inside <script>")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def csp_directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.name}-{p.persona}-{p.example or p.query}")
def test_every_page_carries_the_csp_and_has_no_inline_code(
    page: Page, client: Client, emulator: Emulator, request: pytest.FixtureRequest
) -> None:
    if page.persona:
        client.force_login(request.getfixturevalue(page.persona))
    kwargs = {"customer_id": emulator.examples()[page.example]} if page.example else {}

    response = client.get(reverse(page.name, kwargs=kwargs), page.query)

    assert response.status_code == page.status
    directives = csp_directives(response["Content-Security-Policy"])
    assert {name: directives.get(name) for name in EXPECTED_CSP} == EXPECTED_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Referrer-Policy"] in ("same-origin", "no-referrer")
    if response["Content-Type"].startswith("text/html"):
        assert inline_code(response.content.decode()) == []


def test_the_finder_sees_each_kind_of_inline_code() -> None:
    html = (
        '<script>alert(1)</script><script src="/a.js"></script><style>p{}</style>'
        '<p style="color:red" onclick="x()" hx-on:click="y()"><a href="javascript:z()">z</a></p>'
    )

    assert inline_code(html) == [
        "<script> without src",
        "code inside <script>",
        "<style> element",
        "style= on <p>",
        "onclick= handler on <p>",
        "hx-on:click= handler on <p>",
        "javascript: URL on <a>",
    ]


def test_the_htmx_script_tag_loads_files_only() -> None:
    html = Template("{% load django_htmx %}{% htmx_script %}").render(Context({}))

    assert "<script" in html
    assert inline_code(html) == []


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_its_indicator_style(client: Client) -> None:
    page = client.get(reverse("login")).content.decode()
    start = page.index('<meta name="htmx-config" content=\'') + len('<meta name="htmx-config" content=\'')
    config = json.loads(page[start : page.index("'", start)])

    assert config["includeIndicatorStyles"] is False
    assert config["allowEval"] is False


@pytest.mark.django_db
def test_hsts_is_sent_over_https(client: Client, settings: Settings) -> None:
    settings.SECURE_HSTS_SECONDS = 31_536_000

    response = client.get(reverse("login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only_and_same_site_strict(client: Client, agent: User) -> None:
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "agent", "password": PASSWORD})

    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Strict", name
