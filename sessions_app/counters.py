"""Counters in the shared cache: one atomic increment per event, each window's key expiring by itself.

Every limit (links, reads, sign-in posts, redemptions) and the once-per-window sign-in audit count
this way, so that all app processes sharing Redis see one count.
"""

from django.core.cache import cache


def count(key: str, timeout: int) -> int:
    """Add one to `key`'s counter, created with `timeout` seconds to live; the new count."""
    # incr first: once a window's counter exists (every event but its first) that is the only
    # write; add (set-if-absent) starts it, and a lost race tries incr again.
    while True:
        try:
            return int(cache.incr(key))
        except ValueError:
            if cache.add(key, 1, timeout):
                return 1
