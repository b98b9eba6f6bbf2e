"""Mail builders and backends: codes stay in bodies, bodies stay out of logs."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import stat
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from lms_reflex.mail import (
    Mail,
    MemoryBackend,
    OutboxBackend,
    SmtpBackend,
    get_backend,
    password_changed_mail,
    reset_link_mail,
    send_mail,
    signup_code_mail,
)
from lms_reflex.mail.admin_messages import instructor_approved_mail
from lms_reflex.settings import get_settings

CODE = "493017"
LINK = "https://learn.example.org/reset-password?token=abc-DEF_123&email=ada%40example.org"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part else ""


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        return "250 OK"


def test_signup_mail_has_the_code_in_the_body_but_not_the_subject(settings_env) -> None:
    mail = signup_code_mail("ada@example.org", CODE)
    assert mail.to == "ada@example.org"
    assert CODE in mail.text and CODE in mail.html
    assert CODE not in mail.subject
    assert "lms_reflex" in mail.subject


def test_mails_carry_the_site_name_escaped(settings_env) -> None:
    settings_env(site_name="Tom & Jerry's <School>")
    mail = signup_code_mail("ada@example.org", CODE)
    assert "Tom & Jerry's <School>" in mail.subject and "lms_reflex" not in mail.subject
    assert "Tom &amp; Jerry&#x27;s &lt;School&gt;" in mail.html
    assert "<School>" not in mail.html
    approved = instructor_approved_mail("ada@example.org", "Ada")
    assert "Tom & Jerry's <School>" in approved.subject
    assert "&mdash; Tom &amp; Jerry" in approved.html


def test_reset_mail_carries_the_link_and_escapes_it_in_html(settings_env) -> None:
    mail = reset_link_mail("ada@example.org", LINK)
    assert LINK in mail.text
    assert LINK.replace("&", "&amp;") in mail.html
    assert "token=" not in mail.subject


def test_html_escapes_hostile_values(settings_env) -> None:
    mail = reset_link_mail("ada@example.org", 'https://x.org/?a="><script>alert(1)</script>')
    assert "<script>" not in mail.html
    assert 'href="https://x.org/?a=&quot;&gt;&lt;script&gt;' in mail.html


def test_mails_link_to_pages_on_lms_base_url(settings_env) -> None:
    settings_env(base_url="https://learn.example.org")
    changed = password_changed_mail("ada@example.org")
    assert "https://learn.example.org/forgot-password" in changed.text
    signup = signup_code_mail("ada@example.org", CODE)
    assert "https://learn.example.org/verify?email=ada%40example.org" in signup.text
    assert "https://learn.example.org/verify?email=ada%40example.org" in signup.html


def test_memory_backend_keeps_sent_mail(mailbox: MemoryBackend) -> None:
    mail = Mail(to="ada@example.org", subject="Hi", text="body", html="<p>body</p>")
    assert send_mail(mail) is True
    assert mailbox.sent == [mail]


def test_without_smtp_host_mail_goes_to_the_outbox(settings_env) -> None:
    backend = get_backend()
    assert isinstance(backend, OutboxBackend)
    assert backend.folder == get_settings().mail_outbox


def test_with_smtp_host_mail_goes_over_smtp(settings_env) -> None:
    settings_env(smtp_host="mail.example.org")
    assert isinstance(get_backend(), SmtpBackend)


def test_outbox_writes_one_private_eml_and_no_temp_file(settings_env) -> None:
    assert send_mail(signup_code_mail("ada@example.org", CODE)) is True
    files = list(Path(get_settings().mail_outbox).iterdir())
    assert len(files) == 1 and files[0].suffix == ".eml"
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == "ada@example.org"
    assert message["From"] == get_settings().mail_from
    assert CODE in body_text(message)
    assert message.get_body(preferencelist=("html",)) is not None


def test_outbox_names_are_unique(settings_env) -> None:
    for _ in range(5):
        send_mail(signup_code_mail("ada@example.org", CODE))
    assert len(list(Path(get_settings().mail_outbox).glob("*.eml"))) == 5


def test_outbox_logs_subject_and_recipient_but_never_the_body(settings_env, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    mail = signup_code_mail("ada@example.org", CODE)
    send_mail(mail)
    assert mail.subject in caplog.text and "ada@example.org" in caplog.text
    assert CODE not in caplog.text


def test_smtp_backend_delivers_to_a_real_server(settings_env) -> None:
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        settings_env(smtp_host="127.0.0.1", smtp_port=str(port))
        assert send_mail(signup_code_mail("ada@example.org", CODE)) is True
    finally:
        server.stop()  # waits for the session to finish, so the message is in
    [received] = inbox.messages
    assert received["To"] == "ada@example.org"
    assert CODE in body_text(received)


def test_failed_delivery_returns_false_and_logs_no_body(settings_env, caplog) -> None:
    settings_env(smtp_host="127.0.0.1", smtp_port=str(free_port()))
    caplog.set_level(logging.DEBUG)
    mail = signup_code_mail("ada@example.org", CODE)
    assert send_mail(mail) is False
    assert "failed" in caplog.text and mail.subject in caplog.text
    assert CODE not in caplog.text


def test_header_injection_is_refused(mailbox: MemoryBackend, settings_env) -> None:
    mail = Mail(to="ada@example.org\r\nBcc: eve@example.org", subject="Hi", text="t", html="h")
    with pytest.raises(ValueError):
        OutboxBackend(get_settings().mail_outbox, sender="a@b.org").send(mail)
