"""Mails that follow an admin's decision: instructor requests and course moderation."""

from __future__ import annotations

from html import escape

from lms_reflex import routes
from lms_reflex.mail.message import Mail
from lms_reflex.settings import PRODUCT_NAME, get_settings


def _html(paragraphs: list[str], *, link: str | None = None) -> str:
    """Escape every paragraph (they may carry user text) and the optional link."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if link is not None:
        href = escape(link, quote=True)
        body += f'<p><a href="{href}">{href}</a></p>'
    return (
        '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">'
        f"{body}<p>&mdash; {escape(PRODUCT_NAME)}</p></body></html>"
    )


def _mail(to: str, subject: str, paragraphs: list[str], link: str | None = None) -> Mail:
    text = "\n\n".join(paragraphs) + (f"\n{link}\n" if link else "\n")
    return Mail(to=to, subject=subject[:150], text=text, html=_html(paragraphs, link=link))


def instructor_approved_mail(email: str, first_name: str) -> Mail:
    """Tell a user their request to teach was approved, with a link to sign in."""
    link = f"{get_settings().base_url}{routes.LOGIN}"
    paragraphs = [
        f"Hello {first_name},",
        f"Your request to teach on {PRODUCT_NAME} was approved. You can now create courses.",
        "Sign in to start:",
    ]
    return _mail(email, f"You can now teach on {PRODUCT_NAME}", paragraphs, link)


def instructor_rejected_mail(email: str, first_name: str, reason: str = "") -> Mail:
    """Tell a user their request to teach was not approved, with the admin's reason if any."""
    paragraphs = [
        f"Hello {first_name},",
        f"Your request to teach on {PRODUCT_NAME} was not approved this time.",
    ]
    if reason:
        paragraphs.append(f"The reason given: {reason}")
    paragraphs.append("You can keep learning as before, and ask again later.")
    return _mail(email, f"Your request to teach on {PRODUCT_NAME}", paragraphs)


def course_unpublished_mail(email: str, course_title: str, reason: str) -> Mail:
    """Tell an instructor an admin took their course out of the catalog, and why."""
    paragraphs = [
        f"An administrator unpublished your course \u201c{course_title}\u201d on {PRODUCT_NAME}.",
        f"The reason given: {reason}",
        "It is a draft again: fix what is needed and publish it once more.",
    ]
    return _mail(email, f"Your course was unpublished: {course_title}", paragraphs)


def course_archived_mail(email: str, course_title: str, reason: str) -> Mail:
    """Tell an instructor an admin archived their course, and why."""
    paragraphs = [
        f"An administrator archived your course \u201c{course_title}\u201d on {PRODUCT_NAME}.",
        f"The reason given: {reason}",
        "Students already enrolled keep their progress; nobody new can enroll.",
    ]
    return _mail(email, f"Your course was archived: {course_title}", paragraphs)
