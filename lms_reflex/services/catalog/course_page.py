"""Assembles the course page read model with a fixed number of queries."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, func
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from lms_reflex.models import (
    Category,
    Course,
    Enrollment,
    Lesson,
    LessonKind,
    Review,
    Section,
    User,
)
from lms_reflex.services import formatting as fmt
from lms_reflex.services.text import render_markdown
from lms_reflex.services.views import CourseDetail, LessonRow, ReviewView, SectionView

REVIEWS_ON_PAGE = 10


@dataclass(frozen=True)
class OutlineSection:
    """A section as the course page and the player's syllabus show it."""

    id: int
    title: str


@dataclass(frozen=True)
class OutlineLesson:
    """A lesson as the course page and the player's syllabus show it."""

    id: int
    title: str
    duration_s: int
    is_preview: bool
    is_quiz: bool = False


Outline = list[tuple[OutlineSection, list[OutlineLesson]]]


_OUTLINE_COLUMNS = (
    col(Section.id),
    col(Section.title),
    col(Lesson.id),
    col(Lesson.title),
    col(Lesson.duration_s),
    col(Lesson.is_preview),
    col(Lesson.kind),
)


@functools.cache
def _outline_query() -> Select:
    """Built once: every course page and every lesson opened runs it.

    Only the shown columns: ORM objects for every section and lesson (with their
    descriptions) cost more than the query on the busiest pages.
    """
    return (
        sql_select(*_OUTLINE_COLUMNS)
        .outerjoin(Lesson, col(Lesson.section_id) == col(Section.id))
        .where(col(Section.course_id) == bindparam("course_id"))
        .order_by(col(Section.position), col(Section.id), col(Lesson.position), col(Lesson.id))
    )


def course_outline(session: Session, course_id: int) -> Outline:
    """Sections in order, each with its lessons in order, in one statement.

    Ties on position (never expected, positions are dense) fall back to ids, so every
    page shows the same order.
    """
    rows = session.execute(_outline_query(), {"course_id": course_id}).all()
    grouped: dict[int, tuple[OutlineSection, list[OutlineLesson]]] = {}
    for section_id, section_title, lesson_id, title, duration_s, is_preview, kind in rows:
        entry = grouped.setdefault(section_id, (OutlineSection(section_id, section_title), []))
        if lesson_id is not None:
            quiz = kind == LessonKind.QUIZ
            entry[1].append(OutlineLesson(lesson_id, title, duration_s, is_preview, quiz))
    return list(grouped.values())


def _section_view(section: OutlineSection, lessons: list[OutlineLesson]) -> SectionView:
    total = sum(lesson.duration_s for lesson in lessons)
    return SectionView(
        id=section.id or 0,
        title=section.title,
        lesson_count=len(lessons),
        duration_label=fmt.length_label(total),
        lessons=[
            LessonRow(les.id or 0, les.title, fmt.clock_label(les.duration_s), les.is_preview)
            for les in lessons
        ],
    )


@functools.cache
def _distribution_query() -> Select:
    return (
        select(Review.rating, func.count())
        .where(Review.course_id == bindparam("course_id"), col(Review.is_hidden).is_(False))
        .group_by(col(Review.rating))
    )


@functools.cache
def _reviews_query() -> Select:
    return (
        select(Review, User.first_name, User.last_name)
        .outerjoin(User, col(User.id) == col(Review.user_id))
        .where(Review.course_id == bindparam("course_id"), col(Review.is_hidden).is_(False))
        .order_by(col(Review.created_at).desc(), col(Review.id).desc())
        .limit(REVIEWS_ON_PAGE)
    )


@functools.cache
def _students_query() -> SelectOfScalar[int]:
    return (
        select(func.count())
        .select_from(Enrollment)
        .where(Enrollment.course_id == bindparam("course_id"))
    )


def _rating_distribution(session: Session, course_id: int) -> list[int]:
    """Counts of 1..5 star reviews, index 0 is one star."""
    rows = session.execute(_distribution_query(), {"course_id": course_id}).all()
    counts = dict(rows)
    return [int(counts.get(stars, 0)) for stars in range(1, 6)]


def _reviews(session: Session, course_id: int) -> list[ReviewView]:
    rows = session.execute(_reviews_query(), {"course_id": course_id}).all()
    return [
        ReviewView(
            id=review.id or 0,
            author=f"{first} {last[:1]}." if first else "Former student",
            rating=review.rating,
            body=review.body,
            date_label=fmt.day_label(review.created_at),
            instructor_reply=review.instructor_reply,
        )
        for review, first, last in rows
    ]


@functools.cache
def _names_query() -> Select:
    """The instructor's name and the category in one statement (NULL where either is gone)."""
    by_id = Category.id == bindparam("category_id")
    return select(
        select(User.first_name + " " + User.last_name)
        .where(User.id == bindparam("user_id"))
        .scalar_subquery(),
        select(Category.name).where(by_id).scalar_subquery(),
        select(Category.slug).where(by_id).scalar_subquery(),
    )


def build_course_detail(session: Session, course: Course) -> CourseDetail:
    """The course page for a course the caller is allowed to see."""
    assert course.id is not None
    instructor_name, category_name, category_slug = session.execute(
        _names_query(), params={"user_id": course.instructor_id, "category_id": course.category_id}
    ).one()
    outline = course_outline(session, course.id)
    sections = [_section_view(section, lessons) for section, lessons in outline]
    students = session.exec(_students_query(), params={"course_id": course.id}).one()
    total_s = sum(les.duration_s for _, lessons in outline for les in lessons)
    return CourseDetail(
        id=course.id,
        slug=course.slug,
        title=course.title,
        subtitle=course.subtitle,
        description_html=render_markdown(course.description),
        status=course.status,
        instructor_id=course.instructor_id,
        instructor_name=(instructor_name or "").strip(),
        category_name=category_name or "",
        category_slug=category_slug or "",
        level=course.level.capitalize(),
        language=course.language,
        updated_label=fmt.date_label(course.updated_at),
        price_label=fmt.price_label(course.price_cents),
        is_free=course.price_cents == 0,
        rating_avg=round(course.rating_avg, 1),
        rating_count=course.rating_count,
        rating_distribution=_rating_distribution(session, course.id),
        student_count=int(students),
        thumbnail_url=fmt.media_url(course.thumbnail_key),
        what_you_will_learn=list(course.what_you_will_learn),
        requirements=list(course.requirements),
        sections=sections,
        lesson_count=sum(s.lesson_count for s in sections),
        total_duration_label=fmt.length_label(total_s),
        reviews=_reviews(session, course.id),
    )
