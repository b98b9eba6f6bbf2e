"""Mails about certificates: issued (with the verify link) and revoked (with the reason)."""

from __future__ import annotations

from lms_reflex import routes
from lms_reflex.mail.admin_messages import mail_of
from lms_reflex.mail.message import Mail, site_name
from lms_reflex.settings import get_settings


def verify_link(code: str) -> str:
    """The absolute verify URL of a certificate, built on LMS_BASE_URL."""
    return f"{get_settings().base_url}{routes.certificate_url(code)}"


def certificate_issued_mail(email: str, first_name: str, course_title: str, code: str) -> Mail:
    """Congratulate the student; the link opens the public page with the PDF."""
    paragraphs = [
        f"Hello {first_name},",
        f"You completed {course_title} on {site_name()}. Your certificate is ready.",
        "Anyone can check it, and you can download it as a PDF, at this address:",
    ]
    return mail_of(email, f"Your certificate for {course_title}", paragraphs, verify_link(code))


def certificate_revoked_mail(email: str, first_name: str, course_title: str, reason: str) -> Mail:
    """Tell the holder their certificate no longer holds, and why."""
    paragraphs = [
        f"Hello {first_name},",
        f"An administrator of {site_name()} revoked your certificate for {course_title}.",
        f"The reason given: {reason}",
        "Its page now says it was revoked. Reply to this mail if you think this is a mistake.",
    ]
    return mail_of(email, f"Your certificate for {course_title} was revoked", paragraphs)
