"""The mails the product sends: plain text plus an escaped HTML alternative."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from lms_reflex import routes
from lms_reflex.settings import LOGO_ROUTE, get_settings


@dataclass(frozen=True)
class Mail:
    """One message to one recipient. Subjects never carry a code or a link: they are logged."""

    to: str
    subject: str
    text: str
    html: str
    # (file name, MIME type "type/subtype", content), e.g. a PDF receipt.
    attachments: tuple[tuple[str, str, bytes], ...] = ()


def site_name() -> str:
    """The site's own name (LMS_SITE_NAME), read at send time so every mail agrees."""
    return get_settings().site_name


def _html(before: list[str], *, link: str | None = None, after: tuple[str, ...] = ()) -> str:
    """Wrap already-escaped paragraphs around an escaped link in a minimal page."""
    body = "".join(f"<p>{p}</p>" for p in before)
    if link is not None:
        href = escape(link, quote=True)
        body += f'<p><a href="{href}">{href}</a></p>'
    body += "".join(f"<p>{p}</p>" for p in after)
    return (
        '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">'
        f"{_logo()}{body}<p>&mdash; {escape(site_name())}</p></body></html>"
    )


def _logo() -> str:
    """The site's logo (LMS_SITE_LOGO) at the top of a mail, from the site's own address."""
    settings = get_settings()
    if settings.site_logo is None:
        return ""
    src = escape(settings.base_url + LOGO_ROUTE, quote=True)
    return f'<p><img src="{src}" alt="{escape(site_name(), quote=True)}" height="40"></p>'


def signup_code_mail(email: str, code: str) -> Mail:
    """The sign-up code mail. The code goes in the body only, never in the subject or link."""
    page = f"{get_settings().base_url}{routes.VERIFY}?{urlencode({'email': email})}"
    text = (
        f"Your {site_name()} sign-up code is: {code}\n\n"
        f"It works once, for 10 minutes. Enter it on the sign-up page:\n{page}\n\n"
        "If you did not sign up, ignore this mail.\n"
    )
    html = _html(
        [
            f"Your {escape(site_name())} sign-up code is:",
            f'<strong style="font-size: 1.6em; letter-spacing: 0.2em">{escape(code)}</strong>',
            "It works once, for 10 minutes. Enter it on the sign-up page:",
        ],
        link=page,
        after=("If you did not sign up, ignore this mail.",),
    )
    return Mail(to=email, subject=f"Your {site_name()} sign-up code", text=text, html=html)


def signup_attempt_mail(email: str, first_name: str) -> Mail:
    """Tell an account's owner that someone tried to sign up with their address.

    The visitor saw the usual "enter your code" page (so sign-up reveals nobody's
    account); this mail tells the owner that no code is coming and how to get in.
    """
    base = get_settings().base_url
    sign_in, reset = f"{base}{routes.LOGIN}", f"{base}{routes.FORGOT}"
    text = (
        f"Hello {first_name},\n\n"
        f"Someone just tried to sign up on {site_name()} with this address, which already "
        "has an account. No new account was made and no code will come.\n\n"
        f"If it was you, sign in here:\n{sign_in}\n\n"
        f"Forgot your password? Choose a new one here:\n{reset}\n\n"
        "If it was not you, you can ignore this mail: nothing changed.\n"
    )
    html = _html(
        [
            f"Hello {escape(first_name)},",
            f"Someone just tried to sign up on {escape(site_name())} with this address, "
            "which already has an account. No new account was made and no code will come.",
            "If it was you, sign in here:",
        ],
        link=sign_in,
        after=(
            "Forgot your password? Choose a new one here:",
            f'<a href="{escape(reset, quote=True)}">{escape(reset)}</a>',
            "If it was not you, you can ignore this mail: nothing changed.",
        ),
    )
    subject = f"Someone tried to sign up on {site_name()} with your address"
    return Mail(to=email, subject=subject, text=text, html=html)


def reset_link_mail(email: str, link: str) -> Mail:
    """The password-reset mail; `link` is built on LMS_BASE_URL by the accounts service."""
    text = (
        f"Someone asked to reset the password of your {site_name()} account.\n\n"
        f"To choose a new password, open this link (it works once, for 30 minutes):\n{link}\n\n"
        "If it was not you, ignore this mail: your password stays the same.\n"
    )
    html = _html(
        [
            f"Someone asked to reset the password of your {escape(site_name())} account.",
            "To choose a new password, open this link (it works once, for 30 minutes):",
        ],
        link=link,
        after=("If it was not you, ignore this mail: your password stays the same.",),
    )
    return Mail(to=email, subject=f"Reset your {site_name()} password", text=text, html=html)


def password_changed_mail(email: str) -> Mail:
    """A notice after a password change or reset, so an owner notices a takeover."""
    page = f"{get_settings().base_url}{routes.FORGOT}"
    text = (
        f"The password of your {site_name()} account was just changed, and your other "
        "sessions were signed out.\n\n"
        f"If this was not you, reset your password now:\n{page}\n"
    )
    html = _html(
        [
            f"The password of your {escape(site_name())} account was just changed, and your "
            "other sessions were signed out.",
            "If this was not you, reset your password now:",
        ],
        link=page,
    )
    return Mail(to=email, subject=f"Your {site_name()} password was changed", text=text, html=html)


def enrollment_mail(email: str, course_title: str, course_slug: str) -> Mail:
    """A confirmation after enrolling, with a link back to the course."""
    link = f"{get_settings().base_url}{routes.course_url(course_slug)}"
    text = (
        f"You are enrolled in \u201c{course_title}\u201d on {site_name()}.\n\n"
        f"Start learning here:\n{link}\n"
    )
    html = _html(
        [
            f"You are enrolled in \u201c{escape(course_title)}\u201d on {escape(site_name())}.",
            "Start learning here:",
        ],
        link=link,
    )
    return Mail(to=email, subject=f"You are enrolled: {course_title}"[:150], text=text, html=html)
