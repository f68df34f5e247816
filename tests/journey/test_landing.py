"""Each role starts where it can work, and no navigation item leads to a 403."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db

NAV_RE = re.compile(r'<nav class="nav"[^>]*>(.*?)</nav>', re.S)
HREF_RE = re.compile(r'href="([^"]+)"')


def nav_links(html: str) -> list[str]:
    match = NAV_RE.search(html)
    return HREF_RE.findall(match.group(1)) if match else []


@pytest.mark.parametrize(
    ("persona", "start"),
    [("agent", "/customers/"), ("manager", "/customers/"), ("auditor", "/audit/"), ("superuser", "/admin/")],
)
def test_the_root_sends_each_role_to_its_start_page(
    client: Client, request: pytest.FixtureRequest, persona: str, start: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, start)
    assert client.get(start).status_code == 200


def test_someone_without_a_role_is_told_so_at_the_root_with_no_way_back_into_a_loop(
    client: Client, outsider: User
) -> None:
    client.force_login(outsider)
    response = client.get("/")
    assert response.status_code == 403
    assert "Back to the start" not in response.content.decode()


def test_an_auditor_signs_in_and_lands_on_the_audit_log(client: Client, auditor: User) -> None:
    response = client.post("/accounts/login/", {"username": "auditor", "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/audit/")


@pytest.mark.parametrize(("persona", "start"), [("auditor", "/audit/"), ("agent", "/customers/")])
def test_the_brand_and_back_to_the_start_lead_to_the_roles_start_page(
    client: Client, request: pytest.FixtureRequest, persona: str, start: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert f'<a class="brand" href="{start}">' in client.get(start).content.decode()
    refused = client.get("/customers/" if persona == "auditor" else "/audit/export.csv")
    assert refused.status_code == 403
    assert f'href="{start}">Back to the start' in refused.content.decode()


@pytest.mark.parametrize("persona", ["agent", "manager", "auditor"])
@pytest.mark.parametrize("staff", [False, True])
def test_every_navigation_item_opens_for_the_role_that_sees_it(
    client: Client, request: pytest.FixtureRequest, persona: str, staff: bool
) -> None:
    user: User = request.getfixturevalue(persona)
    user.is_staff = staff
    user.save()
    client.force_login(user)
    start = client.get("/", follow=True)
    links = nav_links(start.content.decode())
    assert links, "the start page has a navigation"
    for url in links:
        assert client.get(url).status_code == 200, url


def test_an_auditor_sees_no_customers_item_and_an_agent_no_admin_item(
    client: Client, auditor: User, agent: User
) -> None:
    agent.is_staff = True  # staff, but the admin has nothing an agent may use
    agent.save()
    client.force_login(auditor)
    assert nav_links(client.get("/audit/").content.decode()) == ["/audit/"]
    client.force_login(agent)
    assert nav_links(client.get("/customers/").content.decode()) == [
        "/customers/",
        "/approvals/mine/",
        "/audit/",
    ]
