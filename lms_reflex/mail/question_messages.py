"""Mails of lesson Q&A: the instructor's digest of new questions, and an asker's new answer."""

from __future__ import annotations

from dataclasses import dataclass

from lms_reflex import routes
from lms_reflex.mail.admin_messages import mail_of
from lms_reflex.mail.message import Mail, site_name
from lms_reflex.settings import get_settings


@dataclass(frozen=True)
class DigestItem:
    """One new question in a digest."""

    title: str
    lesson_id: int
    lesson_title: str


def _lesson_link(course_slug: str, lesson_id: int) -> str:
    return f"{get_settings().base_url}{routes.lesson_url(course_slug, lesson_id)}"


def digest_mail(
    email: str, first_name: str, course_title: str, course_slug: str, items: list[DigestItem]
) -> Mail:
    """One mail listing every question asked in a course since the last digest."""
    count = len(items)
    noun = "question" if count == 1 else "questions"
    paragraphs = [
        f"Hello {first_name},",
        f"Students asked {count} new {noun} in {course_title} on {site_name()}:",
        *(
            f"- {item.title} (lesson: {item.lesson_title}) "
            f"{_lesson_link(course_slug, item.lesson_id)}"
            for item in items
        ),
        "Open a lesson's Questions area to answer.",
    ]
    return mail_of(email, f"{count} new {noun} in {course_title}", paragraphs)


def answer_mail(
    email: str, first_name: str, question_title: str, course_slug: str, lesson_id: int
) -> Mail:
    """Tell the asker their question has a new answer, with the lesson's link."""
    paragraphs = [
        f"Hello {first_name},",
        f"Your question \u201c{question_title}\u201d has a new answer on {site_name()}.",
        "Read it in the lesson's Questions area:",
    ]
    link = _lesson_link(course_slug, lesson_id)
    return mail_of(email, "New answer to your question", paragraphs, link)
