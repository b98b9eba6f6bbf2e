"""A student's notes leaving the platform: Markdown, the data export, account deletion.

Markdown for one course, grouped by lesson; a list in the account's JSON data export; and
erased with the account (issue 21, notes; docs/security.md case 76).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from lms_reflex.models import Course, Lesson, LessonNote, Section
from lms_reflex.services.actor import Actor, require_actor
from lms_reflex.services.errors import NotFound
from lms_reflex.services.formatting import clock_label
from lms_reflex.services.validation import valid_id
from lms_reflex.settings import get_settings

NO_NOTES = "You have no notes in this course yet."


@dataclass(frozen=True)
class NotesFile:
    """A download: its file name and its Markdown text."""

    filename: str
    text: str


def _rows(session: Session, user_id: int, course_id: int | None = None) -> list[Any]:
    """(note, lesson, course) for the user, in course order: section, lesson, second."""
    statement = (
        select(LessonNote, Lesson, Course)
        .join(Lesson, col(Lesson.id) == LessonNote.lesson_id)
        .join(Section, col(Section.id) == Lesson.section_id)
        .join(Course, col(Course.id) == Section.course_id)
        .where(LessonNote.user_id == user_id)
        .order_by(
            col(Course.id),
            col(Section.position),
            col(Lesson.position),
            col(LessonNote.position_s),
            col(LessonNote.id),
        )
    )
    if course_id is not None:
        statement = statement.where(Section.course_id == course_id)
    return [tuple(row) for row in session.exec(statement)]


def _item(base: str, course: Course, lesson: Lesson, note: LessonNote) -> list[str]:
    """One list item: the time as a link to the lesson at that second, then the text.

    Lines after the first are indented so a multi-line note stays one item.
    """
    link = f"{base}/learn/{course.slug}/{lesson.id}?t={note.position_s}"
    first, *rest = note.body.split("\n")
    return [f"- [{clock_label(note.position_s)}]({link}) {first}"] + [f"  {r}" for r in rest]


def notes_markdown(*, session: Session, actor: Actor | None, course_id: int) -> NotesFile:
    """Every note of the caller in one course as Markdown, grouped by lesson.

    Raises:
        NotSignedIn: nobody is signed in.
        NotFound: the caller has no notes in that course (or the id is malformed).
    """
    actor = require_actor(actor)
    rows = _rows(session, actor.id, course_id) if valid_id(course_id) else []
    if not rows:
        raise NotFound(NO_NOTES)
    course = rows[0][2]
    base = get_settings().base_url.rstrip("/")
    lines = [f"# My notes: {course.title}", ""]
    lesson_id = None
    for note, lesson, _ in rows:
        if lesson.id != lesson_id:
            lines += ([""] if lesson_id is not None else []) + [f"## {lesson.title}", ""]
            lesson_id = lesson.id
        lines += _item(base, course, lesson, note)
    return NotesFile(f"notes-{course.slug}.md", "\n".join(lines) + "\n")


def export_notes(session: Session, user_id: int) -> list[dict[str, Any]]:
    """The user's notes for the JSON data export (services/accounts/own_account.py)."""
    return [
        {
            "course": course.title,
            "lesson": lesson.title,
            "lesson_id": lesson.id,
            "position_s": note.position_s,
            "text": note.body,
            "created_at": note.created_at.isoformat(),
            "updated_at": note.updated_at.isoformat(),
        }
        for note, lesson, course in _rows(session, user_id)
    ]


def delete_notes_of(session: Session, user_id: int) -> None:
    """Erase the user's notes with their account (the foreign key cascades too)."""
    session.exec(delete(LessonNote).where(col(LessonNote.user_id) == user_id))
