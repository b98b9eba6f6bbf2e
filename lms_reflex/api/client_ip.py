"""The client address of an HTTP request, honouring LMS_TRUSTED_PROXIES (see lms_reflex.net)."""

from __future__ import annotations

from starlette.requests import Request

from lms_reflex.net import client_address
from lms_reflex.settings import get_settings

_FORWARDING = ("x-forwarded-for", "forwarded")


def request_ip(request: Request) -> str:
    """The browser's address: the peer, or what a trusted proxy in front of it says."""
    peer = request.client.host if request.client else ""
    headers = {name: ", ".join(request.headers.getlist(name)) for name in _FORWARDING}
    return client_address(peer, headers, get_settings().trusted_networks)
