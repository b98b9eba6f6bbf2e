"""A course's curriculum: sections and lessons, their order, and deleting them safely.

Positions stay dense (0..n-1) after every write: inserts append, deletes renumber, and
reorders replace the whole order in one transaction after checking that the request names
exactly the current ids of this course (a stale or foreign request changes nothing).
Deletes commit, then remove the lesson files, so a row never points at a missing file.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from lms_reflex.media import storage
from lms_reflex.models import Course, Lesson, LessonProgress, Section
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import Conflict, InvalidInput, NotFound
from lms_reflex.services.learning.captions import caption_keys
from lms_reflex.services.teaching.builder import clean_title, owned_course, touch
from lms_reflex.services.text import clean_text
from lms_reflex.services.validation import valid_id

log = logging.getLogger("lms_reflex.curriculum")

SECTION_NOT_FOUND = "We could not find that section."
LESSON_NOT_FOUND = "We could not find that lesson."
LESSON_DESCRIPTION_MAX = 5_000
STALE = "The course changed in the meantime. Please reload the page and try again."


# ------------------------------------------------------------------------------ lookups


def owned_section(
    session: Session, actor: Actor | None, section_id: object
) -> tuple[Section, Course]:
    """The section and its course, checked for role and ownership (course row locked).

    Raises:
        NotSignedIn, PermissionDenied: see `owned_course`.
        NotFound: unknown id, or a section of another instructor's course.
    """
    section = session.get(Section, section_id) if valid_id(section_id) else None
    try:
        course = owned_course(session, actor, section.course_id if section else None, lock=True)
    except NotFound:
        raise NotFound(SECTION_NOT_FOUND) from None
    assert section is not None
    return section, course


def owned_lesson(
    session: Session, actor: Actor | None, lesson_id: object
) -> tuple[Lesson, Section, Course]:
    """The lesson, its section and course, checked for role and ownership.

    Raises:
        NotSignedIn, PermissionDenied: see `owned_course`.
        NotFound: unknown id, or a lesson of another instructor's course.
    """
    lesson = session.get(Lesson, lesson_id) if valid_id(lesson_id) else None
    try:
        section, course = owned_section(session, actor, lesson.section_id if lesson else None)
    except NotFound:
        raise NotFound(LESSON_NOT_FOUND) from None
    assert lesson is not None
    return lesson, section, course


def _sections(session: Session, course_id: int) -> list[Section]:
    query = select(Section).where(Section.course_id == course_id)
    return list(session.exec(query.order_by(col(Section.position), col(Section.id))))


def _lessons(session: Session, section_ids: Iterable[int]) -> list[Lesson]:
    query = select(Lesson).where(col(Lesson.section_id).in_(list(section_ids)))
    return list(session.exec(query.order_by(col(Lesson.position), col(Lesson.id))))


def _renumber(rows: Iterable[Section] | Iterable[Lesson]) -> None:
    """Dense positions 0..n-1 in the rows' current order."""
    for index, row in enumerate(rows):
        row.position = index


def lesson_ids_in_order(*, session: Session, course_id: int) -> list[list[int]]:
    """The lesson ids per section, sections in order (a read helper for checks and tests)."""
    sections = _sections(session, course_id)
    lessons = _lessons(session, [s.id or 0 for s in sections])
    return [[le.id or 0 for le in lessons if le.section_id == s.id] for s in sections]


# ------------------------------------------------------------------------------ sections


def add_section(*, session: Session, actor: Actor | None, course_id: int, title: str) -> int:
    """Append a section to the course.

    Returns:
        The new section id.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
        InvalidInput: when the title is not 3..120 characters.
    """
    course = owned_course(session, actor, course_id, lock=True)
    title = clean_title(title, "section title")
    count = session.exec(
        select(func.count()).select_from(Section).where(Section.course_id == course.id)
    ).one()
    section = Section(course_id=course.id or 0, title=title, position=int(count))
    session.add(section)
    touch(session, course)
    session.flush()
    assert section.id is not None
    return section.id


def rename_section(*, session: Session, actor: Actor | None, section_id: int, title: str) -> None:
    """Give a section a new title.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a section of another instructor's course.
        InvalidInput: when the title is not 3..120 characters.
    """
    section, course = owned_section(session, actor, section_id)
    section.title = clean_title(title, "section title")
    session.add(section)
    touch(session, course)
    session.flush()


def _students_with_progress(session: Session, lesson_ids: list[int]) -> int:
    query = select(func.count(func.distinct(LessonProgress.user_id))).where(
        col(LessonProgress.lesson_id).in_(lesson_ids)
    )
    return int(session.exec(query).one()) if lesson_ids else 0


def _check_progress_loss(session: Session, lesson_ids: list[int], confirmed: bool) -> None:
    """Refuse to wipe students' progress unless the instructor said so.

    Raises:
        Conflict: naming how many students have progress in those lessons.
    """
    students = _students_with_progress(session, lesson_ids)
    if students and not confirmed:
        who = "1 student has" if students == 1 else f"{students} students have"
        raise Conflict(f"{who} progress in this. Confirm to delete it together with it.")


def _delete_lessons(session: Session, lessons: list[Lesson]) -> list[str]:
    """Delete lessons and their progress rows; returns their file keys to remove later."""
    ids = [le.id for le in lessons]
    keys = [k for le in lessons for k in (le.video_key, le.poster_key) if k]
    keys += caption_keys(session, [le.id or 0 for le in lessons])  # rows go by CASCADE
    session.exec(delete(LessonProgress).where(col(LessonProgress.lesson_id).in_(ids)))
    for lesson in lessons:
        session.delete(lesson)
    return keys


def remove_files(keys: Iterable[str | None]) -> None:
    """Delete files whose rows are gone; a failure leaves an orphan, never a broken row."""
    for key in keys:
        if not key:
            continue
        try:
            storage.delete_key(key)
        except (ValueError, OSError):
            log.warning("could not delete media file %s", key, exc_info=True)


def delete_section(
    *,
    session: Session,
    actor: Actor | None,
    section_id: int,
    confirm_progress_loss: bool = False,
) -> None:
    """Delete a section with its lessons, then their files; commits.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a section of another instructor's course.
        Conflict: when students have progress in its lessons and the loss is not confirmed.
    """
    section, course = owned_section(session, actor, section_id)
    lessons = _lessons(session, [section.id or 0])
    _check_progress_loss(session, [le.id or 0 for le in lessons], confirm_progress_loss)
    keys = _delete_lessons(session, lessons)
    session.delete(section)
    session.flush()
    _renumber(_sections(session, course.id or 0))
    touch(session, course)
    session.commit()
    remove_files(keys)


# ------------------------------------------------------------------------------ lessons


def add_lesson(
    *,
    session: Session,
    actor: Actor | None,
    section_id: int,
    title: str,
    description: str = "",
    is_preview: bool = False,
) -> int:
    """Append a lesson (without a video yet) to a section.

    Returns:
        The new lesson id.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a section of another instructor's course.
        InvalidInput: when the title or description does not fit.
    """
    section, course = owned_section(session, actor, section_id)
    lesson = Lesson(
        section_id=section.id or 0,
        title=clean_title(title, "lesson title"),
        description=clean_text(description, "description", max_len=LESSON_DESCRIPTION_MAX),
        is_preview=is_preview is True,
        position=len(_lessons(session, [section.id or 0])),
    )
    session.add(lesson)
    touch(session, course)
    session.flush()
    assert lesson.id is not None
    return lesson.id


def update_lesson(
    *,
    session: Session,
    actor: Actor | None,
    lesson_id: int,
    title: str,
    description: str,
    is_preview: bool,
) -> None:
    """Rename a lesson and set its description and free-preview flag.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a lesson of another instructor's course.
        InvalidInput: when the title or description does not fit.
    """
    lesson, _, course = owned_lesson(session, actor, lesson_id)
    title = clean_title(title, "lesson title")
    description = clean_text(description, "description", max_len=LESSON_DESCRIPTION_MAX)
    lesson.title, lesson.description, lesson.is_preview = title, description, is_preview is True
    session.add(lesson)
    touch(session, course)
    session.flush()


def delete_lesson(
    *,
    session: Session,
    actor: Actor | None,
    lesson_id: int,
    confirm_progress_loss: bool = False,
) -> None:
    """Delete a lesson (and, when confirmed, students' progress in it), then its files; commits.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a lesson of another instructor's course.
        Conflict: when students have progress in it and the loss is not confirmed.
    """
    lesson, section, course = owned_lesson(session, actor, lesson_id)
    _check_progress_loss(session, [lesson.id or 0], confirm_progress_loss)
    keys = _delete_lessons(session, [lesson])
    session.flush()
    _renumber(_lessons(session, [section.id or 0]))
    touch(session, course)
    session.commit()
    remove_files(keys)


# ------------------------------------------------------------------------------ order


def _check_ids(sent: object, current: set[int]) -> list[int]:
    """The ids as a list, when they are exactly `current` with no duplicates.

    Raises:
        InvalidInput: for non-int ids, duplicates, foreign, missing or stale ids.
    """
    if not isinstance(sent, list | tuple) or not all(valid_id(i) for i in sent):
        raise InvalidInput("Please send the new order as a list of ids.")
    ids = list(sent)
    if len(set(ids)) != len(ids) or set(ids) != current:
        raise InvalidInput(STALE)
    return ids


def reorder_sections(
    *, session: Session, actor: Actor | None, course_id: int, section_ids: list[int]
) -> None:
    """Put the course's sections in the given order.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
        InvalidInput: when the ids are not exactly the course's sections (nothing changes).
    """
    course = owned_course(session, actor, course_id, lock=True)
    sections = {s.id: s for s in _sections(session, course.id or 0)}
    order = _check_ids(section_ids, set(sections))  # type: ignore[arg-type]
    _renumber(sections[i] for i in order)
    touch(session, course)
    session.flush()


def move_lessons(
    *, session: Session, actor: Actor | None, course_id: int, layout: dict[int, list[int]]
) -> None:
    """Lay out every lesson of the course: section id -> its lesson ids in order.

    Lessons may move between sections. The layout must name every section of the course
    and every lesson exactly once; anything else changes nothing.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
        InvalidInput: for foreign, duplicate, missing or stale ids (nothing changes).
    """
    course = owned_course(session, actor, course_id, lock=True)
    section_ids = {s.id or 0 for s in _sections(session, course.id or 0)}
    lessons = {le.id: le for le in _lessons(session, section_ids)}
    if not isinstance(layout, dict):
        raise InvalidInput("Please send the new order as sections with their lesson ids.")
    _check_ids(list(layout), section_ids)
    if not all(isinstance(ids, list | tuple) for ids in layout.values()):
        raise InvalidInput("Please send each section's lessons as a list of ids.")
    _check_ids([i for ids in layout.values() for i in ids], set(lessons))  # type: ignore[arg-type]
    for section_id, ids in layout.items():
        for position, lesson_id in enumerate(ids):
            lessons[lesson_id].section_id, lessons[lesson_id].position = section_id, position
    touch(session, course)
    session.flush()
