"""Small helpers shared by state classes (plain functions, not handlers)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx

from lms_reflex.mail import Mail, send_mail
from lms_reflex.services.errors import DomainError

log = logging.getLogger("lms_reflex.state")


def route_param(state: rx.State, name: str) -> str:
    """A dynamic route argument or query parameter of the current page ('' when absent)."""
    value = state.router_data.get("query", {}).get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


def error_toast(exc: Exception) -> rx.event.EventSpec:
    """A plain-language toast: the domain message, or a generic one for anything else.

    Unexpected errors are logged with their traceback here, and the browser only gets a
    sentence (SECURITY-CASES 38).
    """
    if isinstance(exc, DomainError):
        return rx.toast.error(exc.message)
    log.exception("unexpected error in an event handler", exc_info=exc)
    return rx.toast.error("Something went wrong on our side. Please try again.")


async def send_mail_off_loop(mail: Mail) -> bool:
    """Send without blocking the event loop; False when the mail could not be sent."""
    return await asyncio.to_thread(send_mail, mail)


def field(form: dict[str, Any], name: str, limit: int = 1000) -> str:
    """A form value as a bounded string (browsers can send anything)."""
    value = form.get(name, "")
    return (value if isinstance(value, str) else "")[:limit]


MAIL_FAILED = "We could not send the email. Please try again in a moment."


PASSWORDS_DIFFER = "The two passwords are not the same."


def passwords_differ(form: dict[str, Any], first: str, second: str) -> bool:
    """Whether the 'confirm password' field does not repeat the password."""
    return field(form, first, 300) != field(form, second, 300)
