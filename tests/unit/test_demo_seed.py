from __future__ import annotations

import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

import lms_reflex.models  # noqa: F401  (registers every table)
from lms_reflex.db import get_engine, session_scope
from lms_reflex.media import storage
from lms_reflex.media.samples import probe_video
from lms_reflex.models import (
    Category,
    Course,
    Enrollment,
    Lesson,
    LessonProgress,
    Profile,
    Review,
    Section,
    User,
)
from lms_reflex.services.accounts.passwords import verify_password
from lms_reflex.services.demo import seed as demo
from lms_reflex.services.demo.seed import DemoRefused, DemoSummary, seed_demo
from lms_reflex.services.errors import DomainError
from tests.unit._helpers import apply_env, forget_caches, lms_env


@dataclass
class Seeded:
    first: DemoSummary
    second: DemoSummary
    snapshot_after_first: dict[str, list[tuple]]
    snapshot_after_second: dict[str, list[tuple]]
    password_file_after_first: str
    media_after_first: set[Path]
    media_after_second: set[Path]
    media_dir: Path


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with get_engine().connect() as conn:
        return {
            table.name: [
                tuple(row) for row in conn.execute(table.select().order_by(*table.primary_key))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


def _media_files(media_dir: Path) -> set[Path]:
    return {p for p in media_dir.rglob("*") if p.is_file() and ".tmp" not in p.parts}


def _seed() -> DemoSummary:
    with session_scope() as session:
        return seed_demo(session=session, log=lambda _line: None)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    base = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        apply_env(mp, lms_env(base))
        SQLModel.metadata.create_all(get_engine())
        media_dir = (base / "media").resolve()
        first = _seed()
        after_first = _snapshot()
        password_file = first.password_file.read_text()
        media_first = _media_files(media_dir)
        second = _seed()
        yield Seeded(
            first, second, after_first, _snapshot(), password_file, media_first,
            _media_files(media_dir), media_dir,
        )  # fmt: skip
        forget_caches()


@pytest.fixture
def session(seeded: Seeded) -> Iterator[Session]:
    with session_scope(readonly=True) as s:
        yield s


def test_second_run_adds_nothing_and_changes_nothing(seeded: Seeded) -> None:
    assert seeded.first.created and seeded.first.rows_added > 0
    assert not seeded.second.created and not seeded.second.passwords_are_new
    assert seeded.snapshot_after_second == seeded.snapshot_after_first
    counts = {name: len(rows) for name, rows in seeded.snapshot_after_second.items()}
    assert counts == {name: len(rows) for name, rows in seeded.snapshot_after_first.items()}
    assert seeded.media_after_second == seeded.media_after_first


def test_second_run_reuses_the_password_file(seeded: Seeded) -> None:
    assert seeded.first.password_file.read_text() == seeded.password_file_after_first
    assert seeded.second.student_password == seeded.first.student_password
    assert seeded.second.instructor_password == seeded.first.instructor_password
    mode = stat.S_IMODE(seeded.first.password_file.stat().st_mode)
    assert mode == 0o600


def test_people_are_three_instructors_thirty_students_and_no_admin(session: Session) -> None:
    roles = Counter(session.exec(select(User.role)).all())
    assert roles == {"instructor": 3, "student": 30}
    users = session.exec(select(User)).all()
    assert all(u.email_verified_at is not None and u.email.endswith("@demo.lms") for u in users)
    assert len(session.exec(select(Profile)).all()) == 33


def test_demo_passwords_work_and_are_not_shared_between_roles(
    seeded: Seeded, session: Session
) -> None:
    assert seeded.first.instructor_password != seeded.first.student_password
    for email, password in (
        (seeded.first.instructor_emails[0], seeded.first.instructor_password),
        (seeded.first.student_emails[-1], seeded.first.student_password),
    ):
        user = session.exec(select(User).where(User.email == email)).one()
        assert verify_password(password, user.password_hash)[0]
        assert user.password_hash.startswith("$argon2id$")


def test_catalog_has_six_categories_and_twelve_courses_in_every_state(session: Session) -> None:
    categories = session.exec(select(Category)).all()
    assert len(categories) == 6
    assert all(c.description for c in categories)
    courses = session.exec(select(Course)).all()
    assert Counter(c.status for c in courses) == {"published": 9, "draft": 2, "archived": 1}
    published = [c for c in courses if c.status == "published"]
    assert sum(1 for c in published if c.price_cents == 0) == 6
    assert sum(1 for c in published if c.price_cents > 0) == 3
    assert {c.category_id for c in courses} == {c.id for c in categories}
    for course in courses:
        assert course.what_you_will_learn and course.requirements and course.tags
        assert course.subtitle and course.description


def test_every_course_has_sections_lessons_and_one_preview_first(session: Session) -> None:
    for course in session.exec(select(Course)).all():
        sections = session.exec(
            select(Section).where(Section.course_id == course.id).order_by(Section.position)
        ).all()
        assert 2 <= len(sections) <= 3
        assert [s.position for s in sections] == list(range(len(sections)))
        previews = []
        for section in sections:
            lessons = session.exec(
                select(Lesson).where(Lesson.section_id == section.id).order_by(Lesson.position)
            ).all()
            assert 2 <= len(lessons) <= 3
            assert [lesson.position for lesson in lessons] == list(range(len(lessons)))
            previews += [lesson.is_preview for lesson in lessons]
        assert previews[0] is True and not any(previews[1:])


def test_every_lesson_owns_a_real_video(seeded: Seeded, session: Session) -> None:
    lessons = session.exec(select(Lesson)).all()
    keys = [lesson.video_key for lesson in lessons]
    assert len(set(keys)) == len(keys)
    for lesson in lessons:
        path = storage.path_for(lesson.video_key)
        assert path.is_relative_to(seeded.media_dir)
        assert lesson.duration_s == round(probe_video(path))
        assert lesson.duration_s >= 4


def test_every_lesson_owns_a_poster_frame(session: Session) -> None:
    """The lesson editor and the player show it (an empty key drew an image with no src)."""
    posters = [lesson.poster_key for lesson in session.exec(select(Lesson)).all()]
    assert all(posters) and len(set(posters)) == len(posters)
    for key in posters:
        with Image.open(storage.path_for(key)) as image:
            assert image.format == "JPEG"


def test_every_course_has_a_16_by_9_thumbnail(session: Session) -> None:
    for course in session.exec(select(Course)).all():
        with Image.open(storage.path_for(course.thumbnail_key)) as image:
            assert (image.format, image.size) == ("JPEG", (1280, 720))


def test_students_take_two_to_five_published_courses(session: Session) -> None:
    published = set(session.exec(select(Course.id).where(Course.status == "published")).all())
    enrollments = session.exec(select(Enrollment)).all()
    assert {e.course_id for e in enrollments} <= published
    per_student = Counter(e.user_id for e in enrollments)
    assert len(per_student) == 30
    assert all(2 <= n <= 5 for n in per_student.values())


def test_progress_has_completed_and_half_watched_lessons(session: Session) -> None:
    rows = session.exec(select(LessonProgress)).all()
    done = [p for p in rows if p.completed_at is not None]
    partial = [p for p in rows if p.completed_at is None]
    assert done and partial
    assert all(p.position_s > 0 for p in partial)
    lessons = {lesson.id: lesson for lesson in session.exec(select(Lesson)).all()}
    assert all(p.position_s < lessons[p.lesson_id].duration_s for p in partial)
    enrolled = set(session.exec(select(Enrollment.user_id, Enrollment.course_id)).all())
    section_course = dict(session.exec(select(Section.id, Section.course_id)).all())
    for p in rows:
        assert (p.user_id, section_course[lessons[p.lesson_id].section_id]) in enrolled


def test_reviews_come_from_enrolled_students_and_ratings_match(session: Session) -> None:
    reviews = session.exec(select(Review)).all()
    assert reviews
    assert all(3 <= r.rating <= 5 and r.body for r in reviews)
    enrolled = set(session.exec(select(Enrollment.user_id, Enrollment.course_id)).all())
    assert all((r.user_id, r.course_id) in enrolled for r in reviews)
    for course in session.exec(select(Course)).all():
        ratings = [r.rating for r in reviews if r.course_id == course.id]
        assert course.rating_count == len(ratings)
        expected = round(sum(ratings) / len(ratings), 2) if ratings else 0.0
        assert course.rating_avg == pytest.approx(expected)


def test_production_refuses_demo_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = lms_env(tmp_path, LMS_ENV="prod", LMS_SECRET_KEY="k" * 40)
    apply_env(monkeypatch, env)
    try:
        engine = get_engine()
        SQLModel.metadata.create_all(engine)
        with Session(engine) as session, pytest.raises(DemoRefused) as caught:
            seed_demo(session=session, log=lambda _line: None)
        assert isinstance(caught.value, DomainError)
        assert "LMS_ENV=prod" in caught.value.message
        with engine.connect() as conn:
            assert conn.execute(text('SELECT count(*) FROM "user"')).scalar() == 0
        assert not (tmp_path / "data" / "demo-passwords.txt").exists()
    finally:
        forget_caches()


def test_a_deleted_password_file_gets_new_passwords_that_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_env(monkeypatch, lms_env(tmp_path))
    try:
        SQLModel.metadata.create_all(get_engine())
        first = _seed()
        first.password_file.unlink()
        second = _seed()
        assert first.passwords_are_new and second.passwords_are_new
        assert not second.created
        assert second.student_password != first.student_password
        with session_scope(readonly=True) as session:
            user = session.exec(select(User).where(User.email == "student07@demo.lms")).one()
            assert verify_password(second.student_password, user.password_hash)[0]
    finally:
        forget_caches()


def test_a_failed_run_leaves_no_rows_and_no_media_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply_env(monkeypatch, lms_env(tmp_path))
    try:
        SQLModel.metadata.create_all(get_engine())

        def crash(*_args: object) -> None:
            raise RuntimeError("power cut")

        monkeypatch.setattr(demo, "_seed_enrollments", crash)
        with pytest.raises(RuntimeError, match="power cut"):
            _seed()
        assert _media_files((tmp_path / "media").resolve()) == set()
        assert all(rows == [] for rows in _snapshot().values())
    finally:
        forget_caches()
