"""Creating a course and editing its details: title, texts, category, level, price, lists.

Every function checks the role and ownership through `builder.owned_course`
(docs/security.md case 23). The editor's view of a course (`EditorCourse`, with its sections and
lessons) is built here too; the curriculum step edits those through `curriculum`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from lms_reflex.models import Category, Course, Lesson, Level, Role, Section, utcnow
from lms_reflex.services import formatting as fmt
from lms_reflex.services.actor import Actor, require_role
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.teaching.builder import clean_title, owned_course, touch
from lms_reflex.services.text import clean_text, render_markdown
from lms_reflex.services.validation import first_free_slug, is_whole_number, make_slug, valid_id

SUBTITLE_MAX = 200
DESCRIPTION_MAX = 20_000
PRICE_MAX_CENTS = 1_000_000
LIST_MAX_ITEMS, LIST_ITEM_MAX = 20, 160
LANGUAGE_MAX = 40
SLUG_MAX = 120

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
    kind: str = "video"  # or "quiz" (issue 21): edited on its own page


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
    certificate_on_completion: bool = True


# ------------------------------------------------------------------------------ validation


def _clean_list(value: object, label: str, field: str) -> list[str]:
    """Up to 20 non-empty lines of at most 160 characters (blank items are dropped)."""
    if not isinstance(value, list | tuple):
        raise InvalidInput(f"Please send the {label} as a list.", field=field)
    items = [clean_text(v, f"{label} item", max_len=LIST_ITEM_MAX, field=field) for v in value]
    items = [i for i in items if i]
    if len(items) > LIST_MAX_ITEMS:
        raise InvalidInput(f"The {label} can have at most {LIST_MAX_ITEMS} items.", field=field)
    return items


def _clean_price(value: object) -> int:
    if not is_whole_number(value) or not 0 <= value <= PRICE_MAX_CENTS:  # type: ignore[operator]
        raise InvalidInput("The price must be between 0 and 10,000.00.", field="price")
    return value  # type: ignore[return-value]


def _clean_level(value: object) -> str:
    if value not in {level.value for level in Level}:
        raise InvalidInput("Please pick a level from the list.", field="level")
    return str(value)


def _clean_category(session: Session, value: object) -> int | None:
    if value is None:
        return None
    if not valid_id(value) or session.get(Category, value) is None:
        raise InvalidInput("Please pick a category from the list.", field="category")
    return value  # type: ignore[return-value]


# ------------------------------------------------------------------------------ details


def _free_slug(session: Session, base: str) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not taken yet."""
    taken = set(session.exec(select(Course.slug).where(col(Course.slug).startswith(base))))
    return first_free_slug(base, taken)


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
    base = make_slug(title, fallback="course", max_len=SLUG_MAX)
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
        kind=lesson.kind,
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
        currency=fmt.site_currency(),  # one site currency (docs/architecture.md, "Payments")
        what_you_will_learn=list(c.what_you_will_learn),
        requirements=list(c.requirements),
        tags=list(c.tags),
        thumbnail_url=fmt.media_url(c.thumbnail_key),
        sections=editor_sections(session, c.id),
        certificate_on_completion=c.certificate_on_completion,
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
        "what_you_will_learn": _clean_list(what_you_will_learn, "what you will learn", "learn"),
        "requirements": _clean_list(requirements, "requirements", "requirements"),
        "tags": _clean_list(tags, "tags", "tags"),
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
        raise InvalidInput("Please enter the price as a number, like 19.99.", field="price")
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return 0
    match = _PRICE.fullmatch(cleaned)
    if match is None:
        raise InvalidInput(
            "Please enter the price as a number, like 19.99 (0 for free).", field="price"
        )
    units, cents = match.group(1), (match.group(2) or "").ljust(2, "0")
    return _clean_price(int(units) * 100 + int(cents))


def description_preview(markdown: str) -> str:
    """The description as students will see it: markdown rendered and sanitised."""
    return render_markdown(markdown if isinstance(markdown, str) else "")


def set_certificate_on_completion(
    *, session: Session, actor: Actor | None, course_id: int, enabled: bool
) -> bool:
    """The instructor's switch: whether finishing the course issues a certificate.

    Switching it off issues no new certificates; those already issued stay valid.

    Returns:
        The stored value.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: as `update_course_details`.
        InvalidInput: when `enabled` is not true or false.
    """
    if not isinstance(enabled, bool):
        raise InvalidInput("Please switch certificates on or off.")
    course = owned_course(session, actor, course_id)
    course.certificate_on_completion = enabled
    touch(session, course)
    session.flush()
    return enabled
