"""Fixtures for four eyes: a high-value (VIP) customer, a second manager, an approved request."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from paddle_emulator import Emulator
from tests.support.personas import make_user


@pytest.fixture
def vip_customer_id(emulator: Emulator) -> str:
    """The emulator's customer with custom_data support_tier=vip."""
    return emulator.examples()["vip"]


@pytest.fixture
def vip_subscription_ids(emulator: Emulator, vip_customer_id: str) -> list[str]:
    return [s["id"] for s in emulator.subscriptions_of(vip_customer_id)]


@pytest.fixture
def other_manager(db: None) -> User:
    return make_user("manager2", role="Support manager", email="manager2@example.com")


@pytest.fixture
def other_manager_client(other_manager: User) -> Client:
    client = Client()
    client.force_login(other_manager)
    return client
