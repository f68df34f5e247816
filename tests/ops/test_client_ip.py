"""The client's address behind proxies: the right-most address our proxies did not write is the
client, for the lockout and the audit log alike; forwarded headers count only from our proxies."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django import Settings

from sessions_app.client_ip import client_ip
from sessions_app.models import AuditEvent
from tests.support.personas import PASSWORD
from tests.support.responses import ClientResponse

PROXY = "10.1.0.5"  # our load balancer: REMOTE_ADDR of every request that came through it
ATTACKER = "203.0.113.66"
VICTIM = "198.51.100.7"


@pytest.fixture(autouse=True)
def behind_a_proxy(settings: Settings) -> None:
    settings.TRUSTED_PROXIES = ["10.1.0.0/24"]
    settings.TRUSTED_PROXY_IP_HEADER = "HTTP_X_FORWARDED_FOR"


def through_proxy(client: Client, username: str, password: str, *, forwarded: str) -> ClientResponse:
    """A sign-in that reached the app through our proxy, which appended the client's address."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_the_right_most_untrusted_address_is_the_client() -> None:
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}, 10.1.0.9"
    )

    assert client_ip(request) == ATTACKER


def test_the_header_is_ignored_when_the_peer_is_not_a_trusted_proxy() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=VICTIM)

    assert client_ip(request) == ATTACKER


def test_a_header_of_only_our_proxies_falls_back_to_the_peer() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="10.1.0.9")

    assert client_ip(request) == PROXY


@pytest.mark.django_db
def test_rotating_a_forged_left_most_address_does_not_escape_the_lockout(client: Client, agent: User) -> None:
    statuses = [
        through_proxy(client, "agent", "wrong", forwarded=f"10.66.{n}.{n}, {ATTACKER}").status_code
        for n in range(8)
    ]

    assert statuses == [200] * 4 + [429] * 4
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


@pytest.mark.django_db
def test_forging_the_victims_address_does_not_lock_the_victim_out(client: Client, manager: User) -> None:
    for _ in range(5):
        through_proxy(client, "manager", "wrong", forwarded=f"{VICTIM}, {ATTACKER}")

    assert through_proxy(Client(), "manager", PASSWORD, forwarded=VICTIM).status_code == 302


@pytest.mark.django_db
def test_the_audit_log_records_the_address_the_proxy_saw(client: Client, agent: User) -> None:
    through_proxy(client, "agent", "wrong", forwarded=f"{VICTIM}, {ATTACKER}")

    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.client_ip == ATTACKER


@pytest.mark.django_db
def test_forwarded_proto_counts_only_from_a_trusted_proxy(client: Client, settings: Settings) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True

    from_proxy = client.get(reverse("login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    from_anyone = client.get(reverse("login"), REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_PROTO="https")

    assert from_proxy.status_code == 200  # the proxy says https: no redirect
    assert from_anyone.status_code == 301  # a client saying so is not believed
    assert from_anyone["Location"].startswith("https://")
