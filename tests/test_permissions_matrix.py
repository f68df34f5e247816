"""Who may open what: every console URL for every persona, in one table.

Rows are (url, method, persona, expected status). `{customer}` stands for an existing customer id.
Pages send anonymous visitors to sign in (302); signed-in users without the permission get 403.
A superuser without a role is not an agent in the console (403) but keeps the Django admin.
To cover a new URL, add its rows here. Every row runs with SSO off and on.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from pytest_django import Settings

from paddle_emulator import Emulator
from tests.support.oidc_provider.fixture import OFFLINE_SSO

PERSONAS = ("anonymous", "outsider", "agent", "manager", "auditor", "superuser")
CONSOLE_ROLES = ("agent", "manager")


def _rows(url: str, method: str, allowed: dict[str, int]) -> list[tuple[str, str, str, int]]:
    """One row per persona: `allowed` statuses for those it names, 302 anonymous, 403 everyone else."""
    return [
        (url, method, persona, allowed.get(persona, 302 if persona == "anonymous" else 403))
        for persona in PERSONAS
    ]


CUSTOMER_PAGES = dict.fromkeys(CONSOLE_ROLES, 200)

MATRIX: list[tuple[str, str, str, int]] = [
    # `/` sends each role to its start page; someone with no role and no admin has none (403).
    *[("/", "get", persona, 403 if persona == "outsider" else 302) for persona in PERSONAS],
    *[("/accounts/login/", "get", persona, 200 if persona == "anonymous" else 302) for persona in PERSONAS],
    *[("/accounts/logout/", "post", persona, 302) for persona in PERSONAS],
    *_rows("/customers/", "get", CUSTOMER_PAGES),
    *_rows("/customers/?q=Avery", "get", CUSTOMER_PAGES),
    *_rows("/customers/{customer}/", "get", CUSTOMER_PAGES),
    # The customer page's ticks: a 303 to the confirm page's GET (Post/Redirect/Get).
    *_rows("/customers/{customer}/portal-session/confirm/", "post", dict.fromkeys(CONSOLE_ROLES, 303)),
    *_rows("/customers/{customer}/portal-session/confirm/", "get", CUSTOMER_PAGES),
    # Without a confirmation token: a 303 back to the confirm page shows the roles got past the
    # permission check (anonymous visitors are sent to sign in: 302).
    *_rows("/customers/{customer}/portal-session/", "post", dict.fromkeys(CONSOLE_ROLES, 303)),
    # Nothing emailed from this sign-in: 404 shows the roles got past the permission check.
    *_rows("/customers/{customer}/portal-session/emailed/", "get", dict.fromkeys(CONSOLE_ROLES, 404)),
    # Four eyes. Without a confirmation token: back to the confirm page, as above.
    *_rows("/approvals/request/{customer}/", "post", dict.fromkeys(CONSOLE_ROLES, 303)),
    *_rows("/approvals/mine/", "get", dict.fromkeys(CONSOLE_ROLES, 200)),
    *_rows("/approvals/", "get", {"manager": 200}),
    # No request 999999: the roles get past the permission check to "not found".
    *_rows("/approvals/999999/", "get", dict.fromkeys(CONSOLE_ROLES, 404)),
    *_rows("/approvals/999999/", "post", dict.fromkeys(CONSOLE_ROLES, 404)),
    *_rows("/audit/", "get", {"agent": 200, "manager": 200, "auditor": 200}),
    *_rows("/audit/export.csv", "get", {"manager": 200, "auditor": 200}),
    *_rows("/controls/links/", "get", {"manager": 200}),
    # Without a reason: 400 shows the manager got past the permission check.
    *_rows("/controls/links/", "post", {"manager": 400}),
    *_rows("/controls/message/", "get", {"manager": 200}),
    # Without a text: 400 shows the manager got past the permission check.
    *_rows("/controls/message/", "post", {"manager": 400}),
    *[("/healthz", "get", persona, 200) for persona in PERSONAS],
    # Step-up at the identity provider: 404 while SSO is off, so only anonymous visitors are
    # compared here (sent to sign in either way); tests/sso covers it with SSO on.
    ("/oidc/step-up/", "get", "anonymous", 302),
    # The admin is for staff (the demo's manager is staff; these personas are not).
    *[("/admin/", "get", persona, 200 if persona == "superuser" else 302) for persona in PERSONAS],
    *[
        ("/admin/sessions_app/auditevent/", "get", persona, 200 if persona == "superuser" else 302)
        for persona in PERSONAS
    ],
]


@pytest.fixture(params=["sso off", "sso on"])
def sign_in_mode(request: pytest.FixtureRequest, settings: Settings) -> str:
    """Every row runs with passwords and again with single sign-on switched on."""
    if request.param == "sso on":
        for name, value in OFFLINE_SSO.items():
            setattr(settings, name, value)
    return str(request.param)


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "method", "persona", "expected"), MATRIX)
def test_each_persona_gets_the_expected_status(
    client: Client,
    emulator: Emulator,
    request: pytest.FixtureRequest,
    sign_in_mode: str,
    url: str,
    method: str,
    persona: str,
    expected: int,
) -> None:
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url.format(customer=emulator.examples()["all_statuses"]))
    assert response.status_code == expected


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(client: Client, emulator: Emulator) -> None:
    response = client.get(f"/customers/{emulator.examples()['all_statuses']}/")
    assert response["Location"].startswith("/accounts/login/?next=/customers/")


@pytest.mark.django_db
def test_a_superuser_given_the_agent_role_is_an_agent(
    client: Client, emulator: Emulator, superuser: User
) -> None:
    superuser.groups.add(Group.objects.get(name="Support agent"))
    client.force_login(superuser)
    assert client.get("/customers/").status_code == 200
