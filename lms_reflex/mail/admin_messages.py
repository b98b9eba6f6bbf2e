"""Mails that follow an admin's decision: instructor requests and course moderation."""

from __future__ import annotations

from html import escape

from lms_reflex import routes
from lms_reflex.mail.message import Mail, site_name
from lms_reflex.settings import get_settings


def _html(paragraphs: list[str], *, link: str | None = None) -> str:
    """Escape every paragraph (they may carry user text) and the optional link."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if link is not None:
        href = escape(link, quote=True)
        body += f'<p><a href="{href}">{href}</a></p>'
    return (
        '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">'
        f"{body}<p>&mdash; {escape(site_name())}</p></body></html>"
    )


def mail_of(to: str, subject: str, paragraphs: list[str], link: str | None = None) -> Mail:
    """A plain mail whose paragraphs (which may hold user text) are escaped in the HTML."""
    text = "\n\n".join(paragraphs) + (f"\n{link}\n" if link else "\n")
    return Mail(to=to, subject=subject[:150], text=text, html=_html(paragraphs, link=link))


def instructor_approved_mail(email: str, first_name: str) -> Mail:
    """Tell a user their request to teach was approved, with a link to sign in."""
    link = f"{get_settings().base_url}{routes.LOGIN}"
    paragraphs = [
        f"Hello {first_name},",
        f"Your request to teach on {site_name()} was approved. You can now create courses.",
        "Sign in to start:",
    ]
    return mail_of(email, f"You can now teach on {site_name()}", paragraphs, link)


def instructor_rejected_mail(email: str, first_name: str, reason: str = "") -> Mail:
    """Tell a user their request to teach was not approved, with the admin's reason if any."""
    paragraphs = [
        f"Hello {first_name},",
        f"Your request to teach on {site_name()} was not approved this time.",
    ]
    if reason:
        paragraphs.append(f"The reason given: {reason}")
    paragraphs.append("You can keep learning as before, and ask again later.")
    return mail_of(email, f"Your request to teach on {site_name()}", paragraphs)


def course_unpublished_mail(email: str, course_title: str, reason: str) -> Mail:
    """Tell an instructor an admin took their course out of the catalog, and why."""
    paragraphs = [
        f"An administrator unpublished your course \u201c{course_title}\u201d on {site_name()}.",
        f"The reason given: {reason}",
        "It stays a draft until an administrator lifts this decision. Fix what is needed,"
        " then ask for a review on the course's Publish step.",
    ]
    return mail_of(email, f"Your course was unpublished: {course_title}", paragraphs)


def course_archived_mail(email: str, course_title: str, reason: str) -> Mail:
    """Tell an instructor an admin archived their course, and why."""
    paragraphs = [
        f"An administrator archived your course \u201c{course_title}\u201d on {site_name()}.",
        f"The reason given: {reason}",
        "Students already enrolled keep their progress; nobody new can enroll.",
        "To have it reviewed, ask on the course's Publish step.",
    ]
    return mail_of(email, f"Your course was archived: {course_title}", paragraphs)


def review_requested_mail(
    email: str, course_title: str, instructor: str, message: str, course_id: int
) -> Mail:
    """Tell an admin that an instructor asks to have their moderated course reviewed."""
    link = f"{get_settings().base_url}{routes.ADMIN_COURSES}"
    paragraphs = [
        f"{instructor} asks for a review of \u201c{course_title}\u201d (course {course_id}),"
        " which an administrator took down.",
        f"Their message: {message}",
        "To let them publish it again, lift the moderation on the admin course list:",
    ]
    return mail_of(email, f"Review requested: {course_title}", paragraphs, link)


def moderation_lifted_mail(email: str, course_title: str, course_id: int) -> Mail:
    """Tell an instructor an admin lifted the moderation of their course."""
    link = f"{get_settings().base_url}{routes.course_publish_url(course_id)}"
    paragraphs = [
        f"An administrator lifted the moderation of your course \u201c{course_title}\u201d.",
        "You can publish it again from its Publish step:",
    ]
    return mail_of(email, f"You can publish again: {course_title}", paragraphs, link)
