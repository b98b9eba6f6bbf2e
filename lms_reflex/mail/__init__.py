"""Outgoing mail: message builders and the SMTP, outbox and memory backends."""

from lms_reflex.mail.backends import (
    MailBackend,
    MemoryBackend,
    OutboxBackend,
    SmtpBackend,
    get_backend,
    send_mail,
    set_backend,
)
from lms_reflex.mail.message import (
    Mail,
    enrollment_mail,
    password_changed_mail,
    reset_link_mail,
    signup_attempt_mail,
    signup_code_mail,
)

__all__ = [
    "Mail",
    "MailBackend",
    "MemoryBackend",
    "OutboxBackend",
    "SmtpBackend",
    "enrollment_mail",
    "get_backend",
    "password_changed_mail",
    "reset_link_mail",
    "send_mail",
    "set_backend",
    "signup_attempt_mail",
    "signup_code_mail",
]
