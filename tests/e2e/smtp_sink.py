"""A real SMTP server (aiosmtpd) that keeps every message, so tests read mailed codes."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class _Inbox:
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)  # type: ignore[arg-type]
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """Starts on a free localhost port; `wait_for` polls until a matching mail arrives."""

    def __init__(self) -> None:
        self._inbox = _Inbox()
        self.port = _free_port()
        self._controller = Controller(self._inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> int:
        self._controller.start()
        return self.port

    def stop(self) -> None:
        self._controller.stop()

    def messages_to(self, address: str) -> list[EmailMessage]:
        with self._inbox.lock:
            return [m for m in self._inbox.messages if address.lower() in str(m["To"]).lower()]

    def wait_for(
        self, address: str, *, subject_contains: str = "", count: int = 1, timeout: float = 20.0
    ) -> EmailMessage:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [
                m
                for m in self.messages_to(address)
                if subject_contains.lower() in str(m["Subject"]).lower()
            ]
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.1)
        raise AssertionError(f"no mail for {address} ({subject_contains!r}) within {timeout}s")


def body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


def find_code(msg: EmailMessage) -> str:
    match = re.search(r"\b(\d{6})\b", body_text(msg))
    assert match, "no 6-digit code in the mail"
    return match.group(1)


def find_link(msg: EmailMessage) -> str:
    match = re.search(r"https?://\S+", body_text(msg))
    assert match, "no link in the mail"
    return match.group(0)
