"""Publishing a course: the checklist it must meet, then publish, unpublish and archive.

Every function checks the role and ownership through `builder.owned_course`
(docs/security.md case 23); status changes take the course's row lock (FOR UPDATE on PostgreSQL).
A course an admin took down refuses every status change until an admin lifts the hold
(`course_moderation`, docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from lms_reflex.models import Course, CourseStatus, Lesson, LessonKind, Section, utcnow
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import InvalidInput, PermissionDenied
from lms_reflex.services.learning.quiz_content import load_quiz
from lms_reflex.services.teaching.builder import TITLE_MAX, TITLE_MIN, owned_course, touch
from lms_reflex.services.teaching.caption_checks import captions_advice
from lms_reflex.services.teaching.course_moderation import held_message


@dataclass(frozen=True)
class ChecklistItem:
    """One condition for publishing, and what to do when it is not met."""

    label: str
    done: bool
    hint: str = ""
    warning: bool = False  # advice only: publishing is not held back (captions, issue 21)


def _has_playable_lesson(session: Session, course_id: int) -> bool:
    query = (
        select(Lesson.id)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(
            Section.course_id == course_id, col(Lesson.video_key).isnot(None), Lesson.duration_s > 0
        )
    )
    return session.exec(query.limit(1)).first() is not None


def _quiz_item(session: Session, course_id: int) -> list[ChecklistItem]:
    """Only for courses with quizzes (issue 21): an unfinished quiz could never be passed."""
    quizzes = session.exec(
        select(Lesson)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(Section.course_id == course_id, Lesson.kind == LessonKind.QUIZ)
    ).all()
    if not quizzes:
        return []
    unready = [q.title for q in quizzes if not load_quiz(session, q.id or 0).ready]
    hint = "Finish the questions of: " + ", ".join(unready) + " (in Curriculum, Edit)."
    return [ChecklistItem("Every quiz is ready for students", not unready, hint)]


def _checklist(session: Session, course: Course) -> list[ChecklistItem]:
    assert course.id is not None
    return [
        ChecklistItem(
            "A title",
            len(course.title.strip()) >= TITLE_MIN,
            f"Give the course a title of {TITLE_MIN} to {TITLE_MAX} characters in Details.",
        ),
        ChecklistItem(
            "A description",
            bool(course.description.strip()),
            "Describe the course for students in Details.",
        ),
        ChecklistItem("A category", course.category_id is not None, "Pick a category in Details."),
        ChecklistItem(
            "A thumbnail", course.thumbnail_key is not None, "Upload a picture in Details."
        ),
        ChecklistItem(
            "A section with at least one lesson that has a video",
            _has_playable_lesson(session, course.id),
            "Add a section and a lesson, and upload its video, in Curriculum.",
        ),
        *[ChecklistItem(*advice, warning=True) for advice in captions_advice(session, course.id)],
        *_quiz_item(session, course.id),
    ]


def publish_checklist(
    *, session: Session, actor: Actor | None, course_id: int
) -> list[ChecklistItem]:
    """What a course needs before it can be published, each item done or not.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
    """
    return _checklist(session, owned_course(session, actor, course_id))


def publish_course(*, session: Session, actor: Actor | None, course_id: int) -> None:
    """Put a course in the catalog (published_at is set on the first publish only).

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
        PermissionDenied: also while an admin's moderation holds (with their reason).
        InvalidInput: when the checklist is not complete (the message lists what is missing).
    """
    course = owned_course(session, actor, course_id, lock=True)
    _not_held(course)
    items = _checklist(session, course)
    missing = [item.label.lower() for item in items if not item.done and not item.warning]
    if missing:
        raise InvalidInput("Before publishing, please add: " + ", ".join(missing) + ".")
    if course.status == CourseStatus.PUBLISHED:
        return
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or utcnow()
    touch(session, course)
    session.flush()


def _not_held(course: Course) -> None:
    """Refuse status changes while an admin's moderation holds (admins lift it first).

    Raises:
        PermissionDenied: with the admin's reason.
    """
    if course.moderated_at is not None:
        raise PermissionDenied(held_message(course))


def _set_status(session: Session, actor: Actor | None, course_id: int, status: str) -> None:
    course = owned_course(session, actor, course_id, lock=True)
    _not_held(course)
    if course.status == status:
        return
    course.status = status
    touch(session, course)
    session.flush()


def unpublish_course(*, session: Session, actor: Actor | None, course_id: int) -> None:
    """Take a course out of the catalog (back to draft); enrolled students keep access.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin, or while
            an admin's moderation holds.
        NotFound: unknown id, or a course of another instructor.
    """
    _set_status(session, actor, course_id, CourseStatus.DRAFT)


def archive_course(*, session: Session, actor: Actor | None, course_id: int) -> None:
    """Retire a course: out of the catalog for good; enrolled students keep access.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin, or while
            an admin's moderation holds.
        NotFound: unknown id, or a course of another instructor.
    """
    _set_status(session, actor, course_id, CourseStatus.ARCHIVED)
