"""docs/security.md case 20: only our own origin may open the event websocket."""

from __future__ import annotations

import base64
import os
import socket
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e


def handshake_status(base_url: str, origin: str) -> str:
    """Send a raw websocket upgrade to /_event and return the HTTP status line."""
    parts = urlsplit(base_url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: {parts.netloc}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request.encode())
        return sock.recv(4096).decode(errors="replace").split("\r\n", 1)[0]


def test_handshake_from_our_own_origin_is_accepted(base_url: str) -> None:
    assert " 101 " in handshake_status(base_url, base_url)


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://localhost:9999"])
def test_handshake_from_a_foreign_origin_is_refused(base_url: str, origin: str) -> None:
    status = handshake_status(base_url, origin)
    assert " 101 " not in status, status
