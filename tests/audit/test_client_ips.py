"""Whatever address a failed sign-in comes from, the row stores exactly the text it hashed."""

import pytest
from django.test import Client
from pytest_django import Settings

from sessions_app.audit.chain import verify_chain
from sessions_app.models import AuditEvent

pytestmark = pytest.mark.django_db
ADDRESSES = {
    "::ffff:10.0.0.1": "10.0.0.1",
    "fe80::1%eth0": "fe80::1",
    "2001:db8::1": "2001:db8::1",
    "10.0.0.1": "10.0.0.1",
}


@pytest.mark.parametrize(("address", "stored"), ADDRESSES.items())
def test_a_failed_sign_in_from_any_address_leaves_the_chain_verifying(
    client: Client, address: str, stored: str
) -> None:
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"}, REMOTE_ADDR=address)
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.client_ip == stored
    report = verify_chain()
    assert report.ok, report.problem


@pytest.mark.parametrize(("address", "stored"), ADDRESSES.items())
def test_an_address_from_the_trusted_proxy_header_verifies_too(
    client: Client, settings: Settings, address: str, stored: str
) -> None:
    settings.TRUSTED_PROXY_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client is the proxy
    client.post(
        "/accounts/login/",
        {"username": "nobody", "password": "wrong"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"192.0.2.7, {address}",  # the proxy appended the address it saw
    )
    assert AuditEvent.objects.get(action="auth.login_failed").client_ip == stored
    assert verify_chain().ok
