"""The client's IP address: one answer for the audit log, the sign-in lockout and every limit.

Behind proxies, each proxy appends the address it received the request from to the configured
header (e.g. X-Forwarded-For), so only the right-hand end of that header was written by proxies
we run; anything to its left may have been written by the client. Walking the header from the
right and skipping our own proxies (TRUSTED_PROXIES) gives the first address that no client can
forge: the one our outermost proxy saw. The header counts only when the peer (REMOTE_ADDR)
itself is one of those proxies; otherwise a client could talk to the app directly and write it.
"""

from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address


@lru_cache(maxsize=8)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES parsed as networks; a bare address is a network of one."""
    return tuple(ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _parse(raw: str) -> Address | None:
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:  # "[2001:db8::1]:443"
        raw = raw[1 : raw.index("]")]
    elif raw.count(":") == 1:  # "192.0.2.1:443"
        raw = raw.split(":", 1)[0]
    try:
        address = ip_address(raw)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: Address | None) -> bool:
    """Whether `address` is one of TRUSTED_PROXIES."""
    if address is None:
        return False
    return any(address in network for network in trusted_networks(tuple(settings.TRUSTED_PROXIES)))


def peer_is_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the request came straight from one of TRUSTED_PROXIES."""
    return is_trusted_proxy(_parse(request.META.get("REMOTE_ADDR", "")))


def client_ip(request: HttpRequest) -> str | None:
    """The right-most address in TRUSTED_PROXY_IP_HEADER that is not a trusted proxy, else REMOTE_ADDR.

    None when not even REMOTE_ADDR is an IP address (a test client or a Unix socket).
    """
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    header = settings.TRUSTED_PROXY_IP_HEADER
    if header and is_trusted_proxy(peer):
        for entry in reversed(request.META.get(header, "").split(",")):
            address = _parse(entry)
            if address is None:
                break  # not written by a proxy of ours: nothing left of it can be believed
            if not is_trusted_proxy(address):
                return str(address)
    return str(peer) if peer is not None else None
