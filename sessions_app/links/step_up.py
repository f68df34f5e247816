"""The step-up rule: creating links needs a proof of identity within the last STEP_UP_MINUTES.

How a proof is given (a password typed on the confirm page, a fresh sign-in) is the sign-in
side's business (`sessions_app.accounts.step_up`); the link service only asks when the last proof
was and, if it is stale, for a new one.
"""

import time
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class StepUpOutcome:
    proved: bool
    errors: list[str] = field(default_factory=list)


class StepUpProof(Protocol):
    def proved_at(self) -> float | None:
        """When the user last proved who they are (epoch seconds), if ever in this session."""

    def prove(self) -> StepUpOutcome:
        """Check a proof given with this request (and record it); whether it holds and why not."""


def is_fresh(proved_at: float | None, *, now: float | None = None) -> bool:
    """Whether a proof made at `proved_at` still allows creating links (always, if step-up is off)."""
    if not settings.STEP_UP_REQUIRED:
        return True
    if proved_at is None:
        return False
    age = (time.time() if now is None else now) - proved_at
    fresh_for: int = settings.STEP_UP_MINUTES * 60
    return 0 <= age < fresh_for
