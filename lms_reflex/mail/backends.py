"""Where mail goes: SMTP when LMS_SMTP_HOST is set, else .eml files in the outbox folder."""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import ssl
import tempfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol

from lms_reflex.mail.message import Mail
from lms_reflex.settings import Settings, get_settings

_log = logging.getLogger("lms_reflex.mail")
SMTP_TIMEOUT_S = 10


class MailBackend(Protocol):
    """Anything that can deliver a Mail (raising on failure)."""

    def send(self, mail: Mail) -> None:
        """Deliver `mail` or raise."""


def build_message(mail: Mail, *, sender: str) -> EmailMessage:
    """A MIME message with a text part and an HTML alternative.

    Raises:
        ValueError: when a header would contain a line break (header injection).
    """
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    for filename, mime, content in mail.attachments:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


class SmtpBackend:
    """Sends through the SMTP server of LMS_SMTP_*; blocking, so call it off the event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, mail: Mail) -> None:
        """Deliver over SMTP (STARTTLS and login when configured).

        Raises:
            smtplib.SMTPException, OSError: when the server refuses or cannot be reached.
        """
        s = self.settings
        assert s.smtp_host is not None
        message = build_message(mail, sender=s.mail_from)
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
            if s.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_username:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                smtp.login(s.smtp_username, password)
            smtp.send_message(message)


class OutboxBackend:
    """Writes each mail as an .eml file into a folder (the development default).

    Only the subject and the recipient are logged; the body (which holds codes and links)
    is only in the file.
    """

    def __init__(self, folder: Path, *, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    def send(self, mail: Mail) -> None:
        """Write the .eml atomically: a temp file in the same folder, then a rename.

        Raises:
            OSError: when the folder cannot be written.
        """
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = bytes(build_message(mail, sender=self.sender))
        # mkstemp makes the file 0600: the body holds one-time codes.
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            final = self.folder / f"{stamp}-{secrets.token_hex(6)}.eml"
            os.replace(tmp, final)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _log.info("mail to %s written to the outbox: %r (%s)", mail.to, mail.subject, final.name)


class MemoryBackend:
    """Keeps mail in `sent` (for tests)."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        """Remember `mail`."""
        self.sent.append(mail)


_override: MailBackend | None = None


def set_backend(backend: MailBackend | None) -> None:
    """Force a backend (tests pass a MemoryBackend); None goes back to the settings."""
    global _override
    _override = backend


def get_backend() -> MailBackend:
    """The forced backend, else SMTP when LMS_SMTP_HOST is set, else the outbox folder."""
    if _override is not None:
        return _override
    settings = get_settings()
    if settings.smtp_host:
        return SmtpBackend(settings)
    return OutboxBackend(settings.mail_outbox, sender=settings.mail_from)


def send_mail(mail: Mail) -> bool:
    """Deliver a mail; blocking, so async callers use asyncio.to_thread.

    Returns:
        True when delivered; False when it failed (logged without the body), so a mail
        problem never turns into a traceback for the user.
    """
    try:
        get_backend().send(mail)
    except Exception as exc:
        _log.error("mail to %s failed: %r: %s: %s", mail.to, mail.subject, type(exc).__name__, exc)
        return False
    return True
