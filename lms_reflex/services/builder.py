"""The course builder: creating a course, its details, publishing, and the /teach list.

Every function checks the role (instructor or admin) AND ownership of the course: another
instructor's course answers NotFound, so drafts of others are never revealed
(SECURITY-CASES 23). The curriculum lives in `curriculum`, files in `course_media`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from lms_reflex.models import (
    Category,
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    Level,
    Role,
    Section,
    utcnow,
)
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_role
from lms_reflex.services.dashboard import percent
from lms_reflex.services.errors import InvalidInput, NotFound
from lms_reflex.services.text import render_markdown

COURSE_NOT_FOUND = "We could not find that course."
TITLE_MIN, TITLE_MAX = 3, 120
SUBTITLE_MAX = 200
DESCRIPTION_MAX = 20_000
PRICE_MAX_CENTS = 1_000_000
LIST_MAX_ITEMS, LIST_ITEM_MAX = 20, 160
LANGUAGE_MAX = 40
SLUG_MAX = 120

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_PRICE = re.compile(r"([0-9]{1,7})(?:\.([0-9]{1,2}))?")


@dataclass(frozen=True)
class EditorLesson:
    """A lesson as the builder shows it."""

    id: int
    title: str
    description: str
    is_preview: bool
    position: int
    duration_s: int
    has_video: bool
    video_url: str
    poster_url: str


@dataclass(frozen=True)
class EditorSection:
    """A section with its lessons in order."""

    id: int
    title: str
    position: int
    lessons: list[EditorLesson]


@dataclass(frozen=True)
class EditorCourse:
    """Every editable field of a course, and its curriculum, for its owner."""

    id: int
    slug: str
    status: str
    title: str
    subtitle: str
    description: str
    category_id: int | None
    level: str
    language: str
    price_cents: int
    currency: str
    what_you_will_learn: list[str]
    requirements: list[str]
    tags: list[str]
    thumbnail_url: str
    sections: list[EditorSection]


@dataclass(frozen=True)
class ChecklistItem:
    """One condition for publishing, and what to do when it is not met."""

    label: str
    done: bool
    hint: str = ""


@dataclass(frozen=True)
class TeachingCourse:
    """A row of the /teach list."""

    id: int
    title: str
    status: str
    students: int
    rating_avg: float
    rating_count: int
    completion_rate: int
    slug: str = ""


# ------------------------------------------------------------------------------ access


def valid_id(value: object) -> bool:
    """Ids from a browser may be anything; only real ints are looked up."""
    return isinstance(value, int) and not isinstance(value, bool)


def owned_course(
    session: Session, actor: Actor | None, course_id: object, *, lock: bool = False
) -> Course:
    """The course if the actor is its instructor or an admin.

    `lock` takes a row lock on PostgreSQL (FOR UPDATE), so two curriculum edits of one
    course run one after the other.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    course = None
    if valid_id(course_id):
        course = session.get(Course, course_id, with_for_update=True if lock else None)
    if course is None or not (actor.is_admin or course.instructor_id == actor.id):
        raise NotFound(COURSE_NOT_FOUND)
    return course


def touch(session: Session, course: Course) -> None:
    """Mark the course changed now (every builder write calls this)."""
    course.updated_at = utcnow()
    session.add(course)


# ------------------------------------------------------------------------------ validation


def clean_text(value: object, label: str, *, max_len: int, min_len: int = 0) -> str:
    """Trimmed text with unified line endings, within the length limits.

    Raises:
        InvalidInput: when it is not text, too short, too long or holds control characters.
    """
    if not isinstance(value, str):
        raise InvalidInput(f"Please enter the {label} as text.")
    text = value.replace("\r\n", "\n").strip()
    if len(text) < min_len:
        raise InvalidInput(f"The {label} needs at least {min_len} characters.")
    if len(text) > max_len:
        raise InvalidInput(f"The {label} can be at most {max_len:,} characters.")
    if _CONTROL.search(text):
        raise InvalidInput(f"The {label} contains characters we cannot store.")
    return text


def clean_title(value: object, label: str = "title") -> str:
    """A one-line title of 3..120 characters.

    Raises:
        InvalidInput: when it does not fit.
    """
    title = clean_text(value, label, max_len=TITLE_MAX, min_len=TITLE_MIN)
    if "\n" in title:
        raise InvalidInput(f"The {label} must be a single line.")
    return title


def _clean_list(value: object, label: str) -> list[str]:
    """Up to 20 non-empty lines of at most 160 characters (blank items are dropped)."""
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"Please send the {label} as a list.")
    items = [clean_text(v, f"{label} item", max_len=LIST_ITEM_MAX) for v in value]
    items = [i for i in items if i]
    if len(items) > LIST_MAX_ITEMS:
        raise InvalidInput(f"The {label} can have at most {LIST_MAX_ITEMS} items.")
    return items


def _clean_price(value: object) -> int:
    if not valid_id(value) or not 0 <= value <= PRICE_MAX_CENTS:  # type: ignore[operator]
        raise InvalidInput("The price must be between 0 and 10,000.00.")
    return value  # type: ignore[return-value]


def _clean_level(value: object) -> str:
    if value not in {level.value for level in Level}:
        raise InvalidInput("Please pick a level from the list.")
    return str(value)


def _clean_category(session: Session, value: object) -> int | None:
    if value is None:
        return None
    if not valid_id(value) or session.get(Category, value) is None:
        raise InvalidInput("Please pick a category from the list.")
    return value  # type: ignore[return-value]


# ------------------------------------------------------------------------------ details


def slug_base(title: str) -> str:
    """An ASCII, lower-case, dash-separated slug for a title ('course' when nothing is left)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_title.lower()).strip("-")[:SLUG_MAX].strip("-")
    return slug or "course"


def _free_slug(session: Session, base: str) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken yet."""
    taken = set(session.exec(select(Course.slug).where(col(Course.slug).startswith(base))))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def create_course(*, session: Session, actor: Actor | None, title: str) -> int:
    """Start a draft course owned by the actor.

    Args:
        session: The open session (the caller commits).
        actor: The signed-in instructor or admin.
        title: 3..120 characters; the slug is made from it, with a suffix when taken.

    Returns:
        The new course id.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        InvalidInput: when the title does not fit.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    title = clean_title(title)
    base = slug_base(title)
    for attempt in range(3):
        slug = _free_slug(session, base) if attempt == 0 else f"{base}-{utcnow():%f}{attempt}"
        course = Course(slug=slug, title=title, instructor_id=actor.id)
        try:
            with session.begin_nested():  # a concurrent twin took the slug: try another
                session.add(course)
                session.flush()
        except IntegrityError:
            continue
        assert course.id is not None
        return course.id
    raise InvalidInput("Please try again in a moment.")


def _editor_lesson(lesson: Lesson) -> EditorLesson:
    return EditorLesson(
        id=lesson.id or 0,
        title=lesson.title,
        description=lesson.description,
        is_preview=lesson.is_preview,
        position=lesson.position,
        duration_s=lesson.duration_s,
        has_video=lesson.video_key is not None,
        video_url=fmt.media_url(lesson.video_key),
        poster_url=fmt.media_url(lesson.poster_key),
    )


def editor_sections(session: Session, course_id: int) -> list[EditorSection]:
    """The curriculum in order, in two queries."""
    sections = session.exec(
        select(Section)
        .where(Section.course_id == course_id)
        .order_by(col(Section.position), col(Section.id))
    ).all()
    lessons = session.exec(
        select(Lesson)
        .where(col(Lesson.section_id).in_([s.id for s in sections]))
        .order_by(col(Lesson.position), col(Lesson.id))
    ).all()
    by_section: dict[int, list[EditorLesson]] = {s.id or 0: [] for s in sections}
    for lesson in lessons:
        by_section[lesson.section_id].append(_editor_lesson(lesson))
    return [EditorSection(s.id or 0, s.title, s.position, by_section[s.id or 0]) for s in sections]


def get_course_for_editing(
    *, session: Session, actor: Actor | None, course_id: int
) -> EditorCourse:
    """Everything the builder edits about one course.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
    """
    c = owned_course(session, actor, course_id)
    assert c.id is not None
    return EditorCourse(
        id=c.id,
        slug=c.slug,
        status=c.status,
        title=c.title,
        subtitle=c.subtitle,
        description=c.description,
        category_id=c.category_id,
        level=c.level,
        language=c.language,
        price_cents=c.price_cents,
        currency=c.currency,
        what_you_will_learn=list(c.what_you_will_learn),
        requirements=list(c.requirements),
        tags=list(c.tags),
        thumbnail_url=fmt.media_url(c.thumbnail_key),
        sections=editor_sections(session, c.id),
    )


def update_course_details(
    *,
    session: Session,
    actor: Actor | None,
    course_id: int,
    title: str,
    subtitle: str,
    description: str,
    category_id: int | None,
    level: str,
    language: str,
    price_cents: int,
    what_you_will_learn: list[str],
    requirements: list[str],
    tags: list[str],
) -> None:
    """Save the details form; nothing is written unless every field is acceptable.

    The slug is kept when the title changes, so shared links keep working.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
        InvalidInput: when a value does not fit (the message names the field).
    """
    course = owned_course(session, actor, course_id)
    values: dict[str, Any] = {
        "title": clean_title(title),
        "subtitle": clean_text(subtitle, "subtitle", max_len=SUBTITLE_MAX).replace("\n", " "),
        "description": clean_text(description, "description", max_len=DESCRIPTION_MAX),
        "category_id": _clean_category(session, category_id),
        "level": _clean_level(level),
        "language": clean_text(language, "language", max_len=LANGUAGE_MAX, min_len=1),
        "price_cents": _clean_price(price_cents),
        "what_you_will_learn": _clean_list(what_you_will_learn, "what you will learn"),
        "requirements": _clean_list(requirements, "requirements"),
        "tags": _clean_list(tags, "tags"),
    }
    for name, value in values.items():
        setattr(course, name, value)
    touch(session, course)
    session.flush()


def parse_price(text: object) -> int:
    """The price typed in the builder ('19.99', '19,99', '20', '' for free) in cents.

    Raises:
        InvalidInput: when it is not an amount with at most two decimals within the limits.
    """
    if not isinstance(text, str):
        raise InvalidInput("Please enter the price as a number, like 19.99.")
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return 0
    match = _PRICE.fullmatch(cleaned)
    if match is None:
        raise InvalidInput("Please enter the price as a number, like 19.99 (0 for free).")
    units, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    return _clean_price(int(units) * 100 + int(cents))


def description_preview(markdown: str) -> str:
    """The description as students will see it: markdown rendered and sanitised."""
    return render_markdown(markdown if isinstance(markdown, str) else "")


# ------------------------------------------------------------------------------ /teach


def _completed_counts(session: Session, course_ids: list[int]) -> dict[int, int]:
    """Enrolled students who completed every lesson, per course (one query)."""
    totals = (
        select(Section.course_id, func.count(col(Lesson.id)).label("total"))
        .join(Lesson, col(Lesson.section_id) == col(Section.id))
        .where(col(Section.course_id).in_(course_ids))
        .group_by(col(Section.course_id))
        .subquery()
    )
    done = (
        select(Section.course_id, LessonProgress.user_id, func.count().label("done"))
        .join(Lesson, col(Lesson.id) == col(LessonProgress.lesson_id))
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(col(Section.course_id).in_(course_ids), col(LessonProgress.completed_at).isnot(None))
        .group_by(col(Section.course_id), col(LessonProgress.user_id))
        .subquery()
    )
    on_enrollment = and_(
        col(Enrollment.course_id) == done.c.course_id, col(Enrollment.user_id) == done.c.user_id
    )
    rows = session.exec(
        select(done.c.course_id, func.count())
        .join(totals, totals.c.course_id == done.c.course_id)
        .join(Enrollment, on_enrollment)
        .where(done.c.done >= totals.c.total, totals.c.total > 0)
        .group_by(done.c.course_id)
    ).all()
    return {int(course_id): int(n) for course_id, n in rows}


def list_my_teaching(*, session: Session, actor: Actor | None) -> list[TeachingCourse]:
    """The actor's own courses with their numbers, newest first, in two queries.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
    """
    actor = require_role(actor, Role.INSTRUCTOR)
    students = (
        select(func.count())
        .select_from(Enrollment)
        .where(col(Enrollment.course_id) == col(Course.id))
        .correlate(Course)
        .scalar_subquery()
    )
    rows = session.exec(
        select(Course, students)
        .where(Course.instructor_id == actor.id)
        .order_by(col(Course.created_at).desc(), col(Course.id).desc())
    ).all()
    completed = _completed_counts(session, [c.id for c, _ in rows]) if rows else {}
    return [
        TeachingCourse(
            id=c.id or 0,
            title=c.title,
            status=c.status,
            students=int(n),
            rating_avg=round(c.rating_avg, 1),
            rating_count=c.rating_count,
            completion_rate=percent(completed.get(c.id or 0, 0), int(n)),
            slug=c.slug,
        )
        for c, n in rows
    ]


# ------------------------------------------------------------------------------ publishing


def _has_playable_lesson(session: Session, course_id: int) -> bool:
    query = (
        select(Lesson.id)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(
            Section.course_id == course_id, col(Lesson.video_key).isnot(None), Lesson.duration_s > 0
        )
    )
    return session.exec(query.limit(1)).first() is not None


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
        InvalidInput: when the checklist is not complete (the message lists what is missing).
    """
    course = owned_course(session, actor, course_id, lock=True)
    missing = [item.label.lower() for item in _checklist(session, course) if not item.done]
    if missing:
        raise InvalidInput("Before publishing, please add: " + ", ".join(missing) + ".")
    if course.status == CourseStatus.PUBLISHED:
        return
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or utcnow()
    touch(session, course)
    session.flush()


def _set_status(session: Session, actor: Actor | None, course_id: int, status: str) -> None:
    course = owned_course(session, actor, course_id, lock=True)
    if course.status == status:
        return
    course.status = status
    touch(session, course)
    session.flush()


def unpublish_course(*, session: Session, actor: Actor | None, course_id: int) -> None:
    """Take a course out of the catalog (back to draft); enrolled students keep access.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
    """
    _set_status(session, actor, course_id, CourseStatus.DRAFT)


def archive_course(*, session: Session, actor: Actor | None, course_id: int) -> None:
    """Retire a course: out of the catalog for good; enrolled students keep access.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
    """
    _set_status(session, actor, course_id, CourseStatus.ARCHIVED)
