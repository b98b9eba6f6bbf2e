"""The API in-process: the real Starlette routes (build_api) over a fresh SQLite database.

The unit suite's fixtures (a private install, a database, users made through sign-up)
are reused, so API tests exercise the same production paths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.api.v1 import deps
from lms_reflex.db import dispose_engines
from lms_reflex.models import Course, CourseStatus, Lesson, Role, Section, User
from tests.unit.catalog_fixtures import add_category, add_course
from tests.unit.conftest import (  # noqa: F401 (fixtures)
    MadeUser,
    _cheap_argon2,
    clock,
    engine,
    mailbox,
    make_user,
    run,
    schema_template,
    session,
    settings_env,
)

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_engines_and_limits() -> Iterator[None]:
    dispose_engines()
    deps._writes.clear()
    yield
    dispose_engines()
    deps._writes.clear()


@pytest.fixture
def client(engine) -> TestClient:  # noqa: F811
    return TestClient(build_api(), base_url="http://testserver")


@dataclass(frozen=True)
class Signed:
    """A user signed in over the API, with the headers to act as them."""

    user: MadeUser
    access: str
    refresh: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


@pytest.fixture
def sign_in(client: TestClient, make_user) -> Callable[..., Signed]:  # noqa: F811
    def signed(role: str = Role.STUDENT, **kwargs) -> Signed:
        user = make_user(role=role, **kwargs)
        resp = client.post(
            f"{API}/auth/token",
            json={"email": user.email, "password": user.password, "device_name": "pytest"},
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
        return Signed(user, body["access_token"], body["refresh_token"])

    return signed


@dataclass(frozen=True)
class Catalog:
    """Two instructors' courses: A's published free course and draft, B's published course."""

    teacher_a: int
    teacher_b: int
    free: Course
    draft: Course
    other: Course
    lesson_ids: list[int]


def _lesson_ids(session: Session, course: Course) -> list[int]:  # noqa: F811
    from sqlmodel import col, select

    rows = session.exec(
        select(Lesson.id)
        .join(Section, col(Section.id) == col(Lesson.section_id))
        .where(col(Section.course_id) == course.id)
        .order_by(col(Lesson.position))
    ).all()
    return [r for r in rows if r is not None]


@pytest.fixture
def catalog(session: Session, make_user) -> Catalog:  # noqa: F811
    a = make_user(role=Role.INSTRUCTOR, email="teacher.a@example.org")
    b = make_user(role=Role.INSTRUCTOR, email="teacher.b@example.org")
    user_a, user_b = session.get(User, a.id), session.get(User, b.id)
    assert user_a is not None and user_b is not None
    category = add_category(session, "Programming")
    free = add_course(session, user_a, "python-basics", category=category, lessons=3)
    draft = add_course(session, user_a, "secret-draft", status=CourseStatus.DRAFT)
    other = add_course(session, user_b, "rust-basics", category=category)
    lesson_ids = _lesson_ids(session, free)
    session.commit()  # SQLite: the app's requests need the write lock this session held
    return Catalog(a.id, b.id, free, draft, other, lesson_ids)


def teacher_signed(client: TestClient, email: str, password: str) -> Signed:
    resp = client.post(f"{API}/auth/token", json={"email": email, "password": password})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    made = MadeUser(id=0, email=email, password=password, role=Role.INSTRUCTOR)
    return Signed(made, body["access_token"], body["refresh_token"])
