"""Fixtures for delivery by email: the customer's email on file and a proved-fresh service caller."""

import time

import pytest

from paddle_emulator import Emulator
from sessions_app.links.step_up import StepUpOutcome


class FreshProof:
    """A step-up proof made just now (the service's callers pass the request's)."""

    def proved_at(self) -> float | None:
        return time.time()

    def prove(self) -> StepUpOutcome:
        return StepUpOutcome(proved=True)


@pytest.fixture
def email_on_file(emulator: Emulator, customer_id: str) -> str:
    return str(emulator.customer(customer_id)["email"])
