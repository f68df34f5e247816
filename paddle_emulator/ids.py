"""Paddle-style ids and timestamps.

An id is a prefix and 26 characters of [a-z0-9]: like a lowercase ULID, 10 characters of
creation time then 16 random ones, so ids sort in creation order as Paddle's do.
"""

import random
import secrets
import time
from datetime import UTC, datetime

# Crockford's base32, lowercased: a subset of [a-z0-9] in ASCII order, so text order is time order.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def _time_part(ms: int) -> str:
    chars = []
    for _ in range(10):
        ms, digit = divmod(ms, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def seeded_id(prefix: str, at: datetime, rng: random.Random) -> str:
    """A deterministic id created at `at`, its random part drawn from `rng`."""
    tail = "".join(rng.choice(ALPHABET) for _ in range(16))
    return f"{prefix}_{_time_part(int(at.timestamp() * 1000))}{tail}"


def fresh_id(prefix: str) -> str:
    """A new unpredictable id created now."""
    tail = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return f"{prefix}_{_time_part(time.time_ns() // 1_000_000)}{tail}"


def timestamp(at: datetime, digits: int = 3) -> str:
    """RFC 3339 in UTC with `digits` fractional digits (Paddle mixes 0, 3 and 6)."""
    at = at.astimezone(UTC)
    text = at.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{at.microsecond:06d}"[:digits]
    return text + "Z"


def now_timestamp() -> str:
    return timestamp(datetime.now(UTC))
