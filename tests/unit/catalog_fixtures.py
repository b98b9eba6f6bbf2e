"""Small catalog builders for tests (rows, until the builder services exist)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import Session

from lms_reflex.models import Category, Course, CourseStatus, Lesson, Role, Section, User, utcnow
from lms_reflex.services.actor import Actor


def add_user(session: Session, email: str, role: str = Role.STUDENT) -> User:
    user = User(
        email=email,
        first_name=email.split("@")[0].title(),
        last_name="Tester",
        password_hash="x",
        role=role,
        email_verified_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def add_category(session: Session, name: str = "Programming") -> Category:
    cat = Category(name=name, slug=name.lower().replace(" ", "-"), description=f"All {name}")
    session.add(cat)
    session.flush()
    return cat


def add_course(
    session: Session,
    instructor: User,
    slug: str,
    *,
    title: str | None = None,
    status: str = CourseStatus.PUBLISHED,
    category: Category | None = None,
    description: str = "",
    lessons: int = 2,
) -> Course:
    course = Course(
        slug=slug,
        title=title or slug.replace("-", " ").title(),
        instructor_id=instructor.id,
        status=status,
        description=description,
        category_id=category.id if category else None,
        published_at=utcnow() if status == CourseStatus.PUBLISHED else None,
    )
    session.add(course)
    session.flush()
    section = Section(course_id=course.id, title="Getting started", position=0)
    session.add(section)
    session.flush()
    for i in range(lessons):
        session.add(
            Lesson(
                section_id=section.id,
                title=f"Lesson {i + 1}",
                position=i,
                duration_s=65,
                is_preview=i == 0,
            )
        )
    session.flush()
    return course


def actor(user: User) -> Actor:
    return Actor.of(user)


def add_user_at_0001(session: Session, email: str, role: str = Role.STUDENT) -> User:
    """A verified user written with the columns of migration 0001 only (see add_course_at_0001).

    Returns a detached User holding only the id and email, for passing on to other builders.
    """
    now = datetime.now(UTC)
    user_id = session.execute(
        text(
            'INSERT INTO "user" (email, first_name, last_name, password_hash, role,'
            " email_verified_at, is_active, created_at) VALUES"
            " (:email, 'Old', 'Tester', 'x', :role, :now, :active, :now) RETURNING id"
        ),
        {"email": email, "role": str(role), "now": now, "active": True},
    ).scalar_one()
    return User(id=user_id, email=email, first_name="Old", last_name="Tester")


def add_course_at_0001(session: Session, teacher: User, slug: str, title: str) -> None:
    """A published course written with the columns of migration 0001 only.

    For tests that fill a database at an old revision: the model has the columns of later
    revisions, so an ORM insert would name columns that do not exist yet.
    """
    now = datetime.now(UTC)
    session.execute(
        text(
            "INSERT INTO course (slug, title, subtitle, description, instructor_id, price_cents,"
            " currency, status, what_you_will_learn, requirements, tags, level, language,"
            " created_at, updated_at, published_at, rating_avg, rating_count) VALUES"
            " (:slug, :title, '', '', :teacher, 0, 'USD', 'published', '[]', '[]', '[]',"
            " 'all', 'English', :now, :now, :now, 0, 0)"
        ),
        {"slug": slug, "title": title, "teacher": teacher.id, "now": now},
    )
