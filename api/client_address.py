"""The address a request comes from, the one rule for throttles, sign-in lockouts and view counts.

`X-Forwarded-For` is whatever the client wrote, followed by what each proxy appended: only the
entries our own proxies appended can be believed. `TRUSTED_PROXIES` (settings, from the
environment) lists those proxies' addresses or networks. With none, the address is the peer's,
`REMOTE_ADDR`, and `X-Forwarded-For` is ignored. When the peer is a trusted proxy, the header is
read from the right, past every trusted proxy, to the first address that is not one: the client
as the outermost trusted proxy saw it. Entries left of that are the client's own say and ignored.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_address(request: HttpRequest) -> str:
    """The client's address under TRUSTED_PROXIES; "" when the peer has none (a Unix socket)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    proxies = trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    hop = _parse(peer)
    if hop is None or not proxies or not _is_trusted(hop, proxies):
        return str(hop) if hop is not None else peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        address = _parse(entry)
        if address is None:
            # Not an address where our proxy wrote one: believe nothing further left.
            break
        hop = address
        if not _is_trusted(address, proxies):
            break
    return str(hop)


@functools.cache
def trusted_networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES parsed: addresses (`10.0.0.5`) or networks (`10.0.0.0/8`)."""
    return tuple(parse_trusted_proxies(values))


def parse_trusted_proxies(values: Iterable[str]) -> list[Network]:
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {value!r} is not an address or network (e.g. 10.0.0.0/8)."
            ) from None
    return networks


def _is_trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in proxies)


def _parse(value: str) -> Address | None:
    """An address as proxies write them: bare, `[v6]`, `[v6]:port` or `v4:port`."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None
