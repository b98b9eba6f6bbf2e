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
    sentence (docs/security.md case 38).
    """
    if isinstance(exc, DomainError):
        return rx.toast.error(exc.message)
    log.exception("unexpected error in an event handler", exc_info=exc)
    return rx.toast.error("Something went wrong on our side. Please try again.")


async def send_mail_off_loop(mail: Mail) -> bool:
    """Send without blocking the event loop; False when the mail could not be sent."""
    return await asyncio.to_thread(send_mail, mail)


_mail_tasks: set[asyncio.Task[bool]] = set()  # strong references until each send ends


async def _send_soon(mail: Mail) -> bool:
    await asyncio.sleep(0)  # let the handler hand its reply to the framework first
    return await asyncio.to_thread(send_mail, mail)


def send_after_reply(*mails: Mail | None) -> None:
    """Send account mails in a worker thread without the handler waiting for them.

    The handler's answer and its timing must not depend on whether a mail went out: that
    would tell who has an account (docs/security.md, "Account enumeration"). A failed send
    is logged by `send_mail`; the user asks for a new code as with any lost mail.
    """
    loop = asyncio.get_running_loop()
    for mail in mails:
        if mail is None:
            continue
        task = loop.create_task(_send_soon(mail))
        _mail_tasks.add(task)
        task.add_done_callback(_mail_tasks.discard)


async def mail_sent() -> None:
    """Wait until every mail handed to `send_after_reply` has been sent (for tests)."""
    while _mail_tasks:
        await asyncio.gather(*list(_mail_tasks), return_exceptions=True)


def field(form: dict[str, Any], name: str, limit: int = 1000) -> str:
    """A form value as a bounded string (browsers can send anything)."""
    value = form.get(name, "")
    return (value if isinstance(value, str) else "")[:limit]


MAIL_FAILED = "We could not send the email. Please try again in a moment."


PASSWORDS_DIFFER = "The two passwords are not the same."


def passwords_differ(form: dict[str, Any], first: str, second: str) -> bool:
    """Whether the 'confirm password' field does not repeat the password."""
    return field(form, first, 300) != field(form, second, 300)
