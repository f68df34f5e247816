"""Fuzz-suite fixtures (no quota or budget in the way of many cases) and the count of cases run."""

import pytest
from pytest_django import Settings

from .fuzzing import CASES


@pytest.fixture(autouse=True)
def _no_limits_in_the_way(settings: Settings) -> None:
    """Hundreds of cases in one test must not meet the Paddle budget or the per-agent quotas."""
    settings.PADDLE_BUDGET_PER_MINUTE = 1_000_000
    settings.PORTAL_SESSIONS_PER_HOUR = 1_000_000
    settings.PORTAL_SESSIONS_PER_DAY = 1_000_000
    settings.SEARCHES_PER_MINUTE = 0  # 0: no read limit
    settings.CUSTOMER_VIEWS_PER_MINUTE = 0


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the count to the controller
        workeroutput["fuzz_cases"] = dict(CASES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    CASES.update(getattr(node, "workeroutput", {}).get("fuzz_cases", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CASES:
        per_test = ", ".join(f"{name} {count}" for name, count in sorted(CASES.items()))
        terminalreporter.write_line(f"fuzz: {sum(CASES.values())} generated cases ({per_test})")
