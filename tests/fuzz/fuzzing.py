"""The fuzz suite's decorator: hypothesis settings for Django tests, and a count of generated cases."""

import collections
import functools
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

# Cases run per test in this process; conftest.py reports the total at the end of the run.
CASES: collections.Counter[str] = collections.Counter()


def fuzz(max_examples: int, **strategies: SearchStrategy[Any]) -> Callable[[Callable[..., None]], Any]:
    """`@given(**strategies)` with settings fit for tests that use Django's function-scoped fixtures.

    Each case shares the test's database transaction and signed-in client; tests reset the
    emulator per case. No example database: every run explores afresh, nothing is written.
    """

    def decorate(test: Callable[..., None]) -> Any:
        @functools.wraps(test)
        def one_case(*args: Any, **kwargs: Any) -> None:
            CASES[test.__name__] += 1
            test(*args, **kwargs)

        return settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )(given(**strategies)(one_case))

    return decorate
