"""Every URL refuses the HTTP methods it does not serve with a 405, never a 500."""

import pytest
from django.test import Client

from paddle_emulator import Emulator

pytestmark = pytest.mark.django_db

CUSTOMER = "ctm_01aaaaaaaaaaaaaaaaaaaaaaaa"
URLS = [
    "/",
    "/customers/",
    f"/customers/{CUSTOMER}/",
    f"/customers/{CUSTOMER}/portal-session/confirm/",
    f"/customers/{CUSTOMER}/portal-session/",
    "/audit/",
    "/audit/export.csv",
    "/audit/1/",
    "/accounts/logout/",
    "/healthz",
]
WRONG_METHODS = ["put", "delete", "patch"]


@pytest.mark.parametrize("method", WRONG_METHODS)
@pytest.mark.parametrize("url", URLS)
def test_a_wrong_method_is_a_405(manager_client: Client, emulator: Emulator, url: str, method: str) -> None:
    response = getattr(manager_client, method)(url, data="subscription_ids=sub_1", content_type="text/plain")
    assert response.status_code == 405
    assert emulator.requests == []


@pytest.mark.parametrize("method", WRONG_METHODS)
def test_the_sign_in_page_refuses_a_wrong_method_too(client: Client, emulator: Emulator, method: str) -> None:
    assert getattr(client, method)("/accounts/login/").status_code == 405
