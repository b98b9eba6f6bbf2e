"""The client's address, taken from forwarding headers only when a trusted proxy sent them.

Behind nginx every request comes from the proxy's own address; counting sign-in failures
per that address would be one counter for the whole site (docs/security.md, "Client
address behind a proxy and sign-in throttles"). Forwarding headers are written by whoever
sent the request, so they are believed only from a peer listed in LMS_TRUSTED_PROXIES.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Mapping

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(text: str) -> tuple[Network, ...]:
    """Parse "127.0.0.1, 10.0.0.0/8, ::1" into networks (a bare address is a /32 or /128).

    Raises:
        ValueError: naming the first item that is neither an address nor a CIDR.
    """
    networks: list[Network] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an address or a CIDR such as 10.0.0.0/8") from None
    return tuple(networks)


@functools.lru_cache(maxsize=8)
def cached_networks(text: str) -> tuple[Network, ...]:
    """`parse_networks` once per distinct setting value (it is read on every request)."""
    return parse_networks(text)


def _address(text: str) -> Address | None:
    """An address from a header hop: bare, "[v6]:port", "v4:port" or quoted; else None."""
    value = text.strip().strip('"').strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # IPv4 with a port; a bare IPv6 has several colons
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address, trusted: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def _forwarded_hops(headers: Mapping[str, str]) -> list[str]:
    """The hops, left (client) to right (nearest proxy), from X-Forwarded-For or Forwarded.

    X-Forwarded-For wins when both are present: the documented nginx sets it and drops
    any Forwarded header the browser sent.
    """
    xff = headers.get("x-forwarded-for", "")
    if xff.strip():
        return [hop for hop in xff.split(",") if hop.strip()]
    hops = []
    for element in headers.get("forwarded", "").split(","):
        for pair in element.split(";"):
            key, _, value = pair.partition("=")
            if key.strip().lower() == "for":
                hops.append(value)
    return hops


def client_address(peer: str, headers: Mapping[str, str], trusted: Iterable[Network]) -> str:
    """The address of the client as far as trusted proxies vouch for it.

    Walks the forwarding hops from the right while each one is itself a trusted proxy;
    the first hop that is not is the client. A hop that is not an address (garbage,
    "unknown", an obfuscated name) stops the walk at the last hop that was vouched for.

    Args:
        peer: The direct peer of the connection (ASGI scope client).
        headers: Request headers with lower-case names; repeated ones joined by ", ".
        trusted: LMS_TRUSTED_PROXIES as networks.

    Returns:
        The client's address as text, or `peer` unchanged when the peer is not trusted.
    """
    trusted = tuple(trusted)
    current = _address(peer)
    if current is None or not _is_trusted(current, trusted):
        return peer
    for hop in reversed(_forwarded_hops(headers)):
        address = _address(hop)
        if address is None:
            break
        current = address
        if not _is_trusted(address, trusted):
            break
    return str(current)
