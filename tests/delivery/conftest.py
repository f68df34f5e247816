"""Fixtures for delivery by email: the customer's email on file and a proved-fresh service caller."""

import pytest

from paddle_emulator import Emulator


@pytest.fixture
def email_on_file(emulator: Emulator, customer_id: str) -> str:
    return str(emulator.customer(customer_id)["email"])
