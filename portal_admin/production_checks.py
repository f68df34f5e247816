"""What a production start-up refuses, and what it allows only when told so explicitly.

Plain Python (settings cannot import app code): `portal_admin/settings.py` raises for every
`Finding` that is not acknowledged, and `sessions_app/checks.py` reports every finding again
through `manage.py check --deploy`, acknowledged ones as warnings, so that a weakened deployment
never looks like a healthy one.
"""

import math
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import ip_address, ip_network
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

MIN_ENTROPY_BITS = 256  # 32 bytes
# The spread of a key's characters below which it is treated as words or repeats, not randomness:
# a random hex key shows about 3.8 bits per character, a random base64 key about 5.
MIN_BITS_PER_CHARACTER = 3.0
_HEX = frozenset("0123456789abcdefABCDEF")
_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_")
_ZLIB_OVERHEAD = len(zlib.compress(b"a", 9))  # the frame (header, checksum), counted generously
SHARED_CACHE_BACKENDS = (
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
)
PADDLE_API_HOSTS = frozenset({"api.paddle.com", "sandbox-api.paddle.com"})


@dataclass(frozen=True)
class Finding:
    setting: str
    message: str
    acknowledged: bool = False  # allowed by an explicit …_I_UNDERSTAND setting, still reported


def entropy_bits(value: str) -> float:
    """An estimate of the randomness in a secret, in bits: an upper bound that catches the usual
    weak keys (short ones, repeats, a few characters used over and over), not a long passphrase.

    The smaller of length x log2(alphabet), the alphabet being the smallest of hex (16), base64
    (64) and printable ASCII (95) that holds every character, and 8 x the bytes zlib needs for it
    (repeated text compresses); 0 when the characters are spread less than randomness spreads them
    (fewer than MIN_BITS_PER_CHARACTER bits of Shannon entropy each). `secrets.token_urlsafe(32)`
    and `secrets.token_hex(32)` give 256 bits or more; "x" * 100 gives 0.
    """
    if not value:
        return 0.0
    counts = Counter(value)
    shannon = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    if shannon < MIN_BITS_PER_CHARACTER:
        return 0.0
    characters = set(value)
    alphabet = 16 if characters <= _HEX else 64 if characters <= _BASE64 else 95
    compressed = len(zlib.compress(value.encode(), 9)) - _ZLIB_OVERHEAD
    return min(len(value) * math.log2(alphabet), 8.0 * compressed)


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def proxy_findings(*, header: str, proxies: Sequence[str], behind_tls_proxy: bool) -> list[Finding]:
    """The proxy settings must agree: a forwarded header is believed only from TRUSTED_PROXIES."""
    findings = []
    for proxy in proxies:
        try:
            ip_network(proxy.strip(), strict=False)
        except ValueError:
            findings.append(
                Finding("TRUSTED_PROXIES", f"TRUSTED_PROXIES: {proxy!r} is not an IP address or network.")
            )
    if header and not proxies:
        findings.append(
            Finding(
                "TRUSTED_PROXIES",
                f"TRUSTED_PROXY_IP_HEADER is {header!r} but TRUSTED_PROXIES is empty: the header would "
                "be believed from anyone. Set TRUSTED_PROXIES to your proxies' addresses (CIDRs).",
            )
        )
    if behind_tls_proxy and not proxies:
        findings.append(
            Finding(
                "TRUSTED_PROXIES",
                "DJANGO_BEHIND_TLS_PROXY is true but TRUSTED_PROXIES is empty: X-Forwarded-Proto would "
                "be believed from anyone. Set TRUSTED_PROXIES to your proxies' addresses (CIDRs).",
            )
        )
    return findings


def production_findings(
    *,
    secret_key: str,
    audit_chain_key: str,
    cache_backend: str,
    cache_local_acknowledged: bool,
    paddle_base_url: str,
    axes_enabled: bool,
    axes_disabled_acknowledged: bool,
    step_up_required: bool,
    step_up_disabled_acknowledged: bool,
) -> list[Finding]:
    """What a DJANGO_DEBUG=false deployment must not run with (acknowledged ones it may, loudly)."""
    findings = []
    for name, value in (("DJANGO_SECRET_KEY", secret_key), ("AUDIT_CHAIN_KEY", audit_chain_key)):
        bits = entropy_bits(value)
        if bits < MIN_ENTROPY_BITS:
            findings.append(
                Finding(
                    name,
                    f"{name} has about {bits:.0f} bits of entropy; at least {MIN_ENTROPY_BITS} (32 random "
                    "bytes) are required. Use python -c 'import secrets; print(secrets.token_urlsafe(32))'.",
                )
            )
    if cache_backend not in SHARED_CACHE_BACKENDS:
        findings.append(
            Finding(
                "CACHE_URL",
                "CACHE_URL is not a shared cache (Redis): each process would count link limits, read "
                "limits and the Paddle budget on its own, multiplying them by the number of processes. "
                "Set CACHE_URL=redis://…, or CACHE_URL_LOCAL_I_UNDERSTAND=true for a single process.",
                acknowledged=cache_local_acknowledged,
            )
        )
    insecure = urlsplit(paddle_base_url).scheme != "https"
    if paddle_base_url and insecure and not is_loopback_url(paddle_base_url):
        findings.append(
            Finding(
                "PADDLE_API_BASE_URL",
                "PADDLE_API_BASE_URL must be https:// (the API key travels with every request); "
                "plain http:// is allowed only to a loopback address.",
            )
        )
    if not axes_enabled:
        findings.append(
            Finding(
                "AXES_ENABLED",
                "AXES_ENABLED is false: failed sign-ins are never locked out. Set "
                "AXES_DISABLED_I_UNDERSTAND=true to run without the lockout anyway.",
                acknowledged=axes_disabled_acknowledged,
            )
        )
    if not step_up_required:
        findings.append(
            Finding(
                "STEP_UP_REQUIRED",
                "STEP_UP_REQUIRED is false: links are created without a recent password proof. Set "
                "STEP_UP_DISABLED_I_UNDERSTAND=true to run without it anyway.",
                acknowledged=step_up_disabled_acknowledged,
            )
        )
    return findings


def live_key_findings(*, api_key: str, base_url: str) -> list[Finding]:
    """A live key goes only to Paddle's own API hosts, never to an override."""
    if api_key.startswith("pdl_live_") and base_url and urlsplit(base_url).hostname not in PADDLE_API_HOSTS:
        return [
            Finding(
                "PADDLE_API_BASE_URL",
                f"PADDLE_API_BASE_URL points at {urlsplit(base_url).hostname!r}, which is not Paddle, "
                "but PADDLE_API_KEY is a live key: it must only ever be sent to api.paddle.com.",
            )
        ]
    return []


def refuse(findings: Iterable[Finding]) -> None:
    """ImproperlyConfigured naming every setting of an unacknowledged finding."""
    problems = [f for f in findings if not f.acknowledged]
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start:\n" + "\n".join(f"- {f.message}" for f in problems) + "\nSee .env.example."
        )
