"""Small catalog builders for tests (rows, until the builder services exist)."""

from __future__ import annotations

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
