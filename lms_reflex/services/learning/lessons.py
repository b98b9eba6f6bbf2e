"""Watching lessons: the player page, progress and where to resume.

Who may open a lesson is lesson_access.py's rule. Progress rows belong to the actor only:
no function here takes another user's id (docs/security.md case 24). Writes are single
upsert statements whose SET clause merges the stored row with the new event in SQL, so two
tabs saving at once both land and completion never reverts (docs/security.md case 40).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from lms_reflex.models import Course, CourseStatus, Lesson, LessonProgress, Section
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, is_course_staff, require_actor
from lms_reflex.services.catalog.course_page import Outline, course_outline
from lms_reflex.services.errors import NotFound, PermissionDenied
from lms_reflex.services.learning.dashboard import percent
from lms_reflex.services.learning.lesson_access import (
    LESSON_NOT_FOUND,
    check_access,
    is_enrolled,
    lesson_and_course,
    open_lesson,
)
from lms_reflex.services.text import render_markdown
from lms_reflex.services.validation import valid_id

RESTART_WITHIN_S = 2.0  # resuming this close to the end starts the lesson again
COURSE_NOT_FOUND = "We could not find that course."


@dataclass(frozen=True)
class PlayerLesson:
    """A lesson line in the player's syllabus."""

    id: int
    title: str
    duration_label: str
    completed: bool
    is_current: bool
    is_preview: bool
    can_open: bool
    is_quiz: bool = False


@dataclass(frozen=True)
class PlayerSection:
    """A syllabus chapter with the actor's progress in it."""

    id: int
    title: str
    completed_count: int
    lesson_count: int
    lessons: list[PlayerLesson]


@dataclass(frozen=True)
class PlayerView:
    """Everything the lesson player shows; progress is the actor's own.

    `tracks_progress` is False for previews (anonymous visitors, instructors, admins),
    whose progress events are accepted and not stored.
    """

    course_id: int
    course_slug: str
    course_title: str
    lesson_id: int
    lesson_title: str
    lesson_description: str
    lesson_description_html: str
    video_url: str
    poster_url: str
    duration_s: int
    resume_position_s: float
    completed: bool
    prev_lesson_id: int | None
    next_lesson_id: int | None
    syllabus: list[PlayerSection]
    completed_lessons: int
    total_lessons: int
    course_percent: int
    tracks_progress: bool


def can_open_lesson(*, session: Session, actor: Actor | None, lesson_id: int) -> bool:
    """Whether the actor may watch a lesson (anonymous visitors included).

    Args:
        session: The open session (read only).
        actor: The signed-in user, or None.
        lesson_id: The lesson.

    Returns:
        True for enrolled students, the course's instructor, admins, and anyone on a
        preview lesson of a published course; False otherwise, also for unknown ids.
    """
    try:
        open_lesson(session, actor, lesson_id)
    except (NotFound, PermissionDenied):
        return False
    return True


def visible_course(session: Session, actor: Actor, course_id: object) -> Course:
    """A course the actor may follow: published, their own to teach, or one they joined.

    Raises:
        NotFound: unknown id, or an unpublished course the actor has no part in.
    """
    course = session.get(Course, course_id) if valid_id(course_id) else None
    if course is None or course.id is None:
        raise NotFound(COURSE_NOT_FOUND)
    if course.status == CourseStatus.PUBLISHED or is_course_staff(actor, course.instructor_id):
        return course
    if not is_enrolled(session, actor, course.id):
        raise NotFound(COURSE_NOT_FOUND)
    return course


# ------------------------------------------------------------------------------ player


def _my_progress(session: Session, user_id: int, lesson_ids: list[int]) -> dict[int, Any]:
    if not lesson_ids:
        return {}
    params = {"user_id": user_id, "lesson_ids": lesson_ids}
    rows = session.exec(_my_progress_query(), params=params).all()
    return {row.lesson_id: row for row in rows}


@functools.cache
def _my_progress_query() -> Any:
    return select(LessonProgress).where(
        LessonProgress.user_id == bindparam("user_id"),
        col(LessonProgress.lesson_id).in_(bindparam("lesson_ids", expanding=True)),
    )


def _syllabus(
    outline: Outline,
    done: set[int],
    current_id: int,
    open_all: bool,
) -> list[PlayerSection]:
    return [
        PlayerSection(
            id=section.id or 0,
            title=section.title,
            completed_count=sum(1 for les in lessons if les.id in done),
            lesson_count=len(lessons),
            lessons=[
                PlayerLesson(
                    id=les.id or 0,
                    title=les.title,
                    duration_label=fmt.clock_label(les.duration_s),
                    completed=les.id in done,
                    is_current=les.id == current_id,
                    is_preview=les.is_preview,
                    can_open=open_all or les.is_preview,
                    is_quiz=les.is_quiz,
                )
                for les in lessons
            ],
        )
        for section, lessons in outline
    ]


def _neighbours(syllabus: list[PlayerSection], current_id: int) -> tuple[int | None, int | None]:
    """The previous and next lessons the viewer can open, in syllabus order."""
    order = [les.id for sec in syllabus for les in sec.lessons if les.can_open or les.is_current]
    at = order.index(current_id)
    return (order[at - 1] if at > 0 else None, order[at + 1] if at + 1 < len(order) else None)


def _resume_from(position: float, duration: int) -> float:
    """Where the player starts: the saved position, or the beginning when it was at the end."""
    return 0.0 if duration > 0 and position >= duration - RESTART_WITHIN_S else position


def get_lesson_for_player(
    *, session: Session, actor: Actor | None, course_slug: str, lesson_id: int
) -> PlayerView:
    """The lesson player page: the video, the syllabus and the actor's progress.

    Args:
        session: The open session (read only).
        actor: The signed-in user, or None for a visitor watching a free preview.
        course_slug: The course in the URL; the lesson must belong to it.
        lesson_id: The lesson to play.

    Returns:
        The player read model. Visitors who are not enrolled see no progress.

    Raises:
        NotFound: unknown lesson or course, a lesson of another course, or an
            unpublished course the actor has no part in.
        NotSignedIn: an anonymous visitor on a lesson that is not a free preview.
        PermissionDenied: a signed-in user who is not enrolled, on such a lesson.
    """
    lesson, course = lesson_and_course(session, lesson_id)
    if course.slug != course_slug:
        raise NotFound(LESSON_NOT_FOUND)
    enrolled = check_access(session, actor, lesson, course)
    assert course.id is not None and lesson.id is not None
    outline = course_outline(session, course.id)
    ids = [les.id or 0 for _, lessons in outline for les in lessons]
    mine = _my_progress(session, actor.id, ids) if enrolled and actor else {}
    done = {lid for lid, row in mine.items() if row.completed_at is not None}
    open_all = enrolled or is_course_staff(actor, course.instructor_id)
    syllabus = _syllabus(outline, done, lesson.id, open_all)
    prev_id, next_id = _neighbours(syllabus, lesson.id)
    row = mine.get(lesson.id)
    return PlayerView(
        course_id=course.id,
        course_slug=course.slug,
        course_title=course.title,
        lesson_id=lesson.id,
        lesson_title=lesson.title,
        lesson_description=lesson.description,
        lesson_description_html=render_markdown(lesson.description),
        video_url=fmt.media_url(lesson.video_key),
        poster_url=fmt.media_url(lesson.poster_key),
        duration_s=lesson.duration_s,
        resume_position_s=_resume_from(row.position_s, lesson.duration_s) if row else 0.0,
        completed=lesson.id in done,
        prev_lesson_id=prev_id,
        next_lesson_id=next_id,
        syllabus=syllabus,
        completed_lessons=len(done),
        total_lessons=len(ids),
        course_percent=percent(len(done), len(ids)),
        tracks_progress=enrolled,
    )


# ------------------------------------------------------------------------------ progress


def resume_target(
    *, session: Session, actor: Actor | None, course_id: int
) -> tuple[int, float] | None:
    """Where "continue" takes the actor in a course.

    Args:
        session: The open session (read only).
        actor: The signed-in user.
        course_id: The course.

    Returns:
        (lesson id, position in seconds): the most recently watched unfinished lesson,
        else the first unfinished one in syllabus order, else the first lesson (from the
        start); None when the course has no lessons.

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown course, or an unpublished course the actor has no part in.
    """
    actor = require_actor(actor)
    course = visible_course(session, actor, course_id)
    rows = session.execute(
        select(Lesson.id, LessonProgress.position_s, LessonProgress.completed_at)
        .add_columns(col(LessonProgress.updated_at))
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .outerjoin(
            LessonProgress,
            (col(LessonProgress.lesson_id) == col(Lesson.id))
            & (col(LessonProgress.user_id) == actor.id),
        )
        .where(col(Section.course_id) == course.id)
        .order_by(col(Section.position), col(Section.id), col(Lesson.position), col(Lesson.id))
    ).all()
    started = [r for r in rows if r[3] is not None and r[2] is None]
    if started:
        latest = max(started, key=lambda r: r[3])
        return int(latest[0]), float(latest[1])
    unfinished = [r for r in rows if r[2] is None]
    if unfinished:
        return int(unfinished[0][0]), float(unfinished[0][1] or 0.0)
    return (int(rows[0][0]), 0.0) if rows else None


def resume_target_for_slug(
    *, session: Session, actor: Actor | None, course_slug: str
) -> int | None:
    """The lesson id "continue" opens for a course named by its slug.

    Raises:
        NotSignedIn: for anonymous callers.
        NotFound: unknown course, or an unpublished course the actor has no part in.
    """
    require_actor(actor)
    course_id = session.exec(select(Course.id).where(Course.slug == course_slug)).first()
    if course_id is None:
        raise NotFound("We could not find that course.")
    target = resume_target(session=session, actor=actor, course_id=course_id)
    return target[0] if target else None
