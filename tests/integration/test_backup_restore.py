"""The backup drill on both engines: back up during writes, restore, check, sign in, resume."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import Session, col, select

from lms_reflex.db import make_engine
from lms_reflex.models import Enrollment, Lesson, Role
from lms_reflex.services.accounts.sign_in import login
from lms_reflex.services.accounts.users import create_user
from lms_reflex.services.actor import load_actor
from lms_reflex.services.learning import heartbeat
from lms_reflex.services.learning import lessons as learning
from tests.pg import postgres_database_url
from tests.unit.catalog_fixtures import add_course, add_user

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "amber-Kettle-93-orchard"
WRITERS = 400  # students whose first progress rows the writer thread inserts


@dataclass(frozen=True)
class Install:
    """One place the app could run: a database URL and a data folder."""

    url: str
    data: Path

    def env(self) -> dict[str, str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
        return {
            **clean,
            "LMS_DATABASE_URL": self.url,
            "LMS_DATA_DIR": str(self.data),
            "LMS_MEDIA_DIR": str(self.data / "media"),
            "LMS_MAIL_OUTBOX": str(self.data / "outbox"),
        }


def cli(install: Install, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lms_reflex", *args],
        cwd=ROOT,
        env=install.env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def installs(request, tmp_path: Path) -> Iterator[tuple[Install, Install]]:
    """A source install and an empty target install on the same engine."""
    if request.param == "sqlite":
        yield (
            Install(f"sqlite:///{tmp_path}/src/lms.db", tmp_path / "src"),
            Install(f"sqlite:///{tmp_path}/dst/lms.db", tmp_path / "dst"),
        )
        return
    with postgres_database_url() as source, postgres_database_url() as target:
        yield Install(source, tmp_path / "src"), Install(target, tmp_path / "dst")


@dataclass(frozen=True)
class Seeded:
    student_email: str
    student_id: int
    course_id: int
    lessons: list[int]
    writer_ids: list[int]


def seed(install: Install) -> Seeded:
    """Migrate, then add a course, a student with a password and progress, and a video."""
    result = cli(install, "migrate")
    assert result.returncode == 0, result.stderr
    engine = make_engine(install.url)
    with Session(engine, expire_on_commit=False) as session:
        teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
        course = add_course(session, teacher, "backed-up", lessons=3)
        rows = session.exec(select(Lesson.id).order_by(col(Lesson.position))).all()
        lessons = [int(lesson_id) for lesson_id in rows]
        student_id = create_user(
            session=session, email="learner@example.org", password=PASSWORD, role=Role.STUDENT
        )
        writers = [add_user(session, f"writer{i}@example.org").id for i in range(WRITERS)]
        for user_id in [student_id, *writers]:
            session.add(Enrollment(user_id=user_id, course_id=course.id))
        session.commit()
        actor = load_actor(session, student_id)
        heartbeat.record_progress(
            session=session,
            actor=actor,
            lesson_id=lessons[1],
            position_s=40.0,
            watched_delta_s=5.0,
            ended=False,
        )
        session.commit()
        seeded = Seeded("learner@example.org", student_id, course.id, lessons, writers)
    engine.dispose()
    video = install.data / "media" / "videos" / f"{'a' * 32}.mp4"
    video.parent.mkdir(parents=True)
    video.write_bytes(os.urandom(300_000))
    return seeded


class ProgressWriter(threading.Thread):
    """Saves first progress rows for many students, as players would, until stopped."""

    def __init__(self, install: Install, seeded: Seeded) -> None:
        super().__init__(daemon=True)
        self.url = install.url
        self.seeded = seeded
        self.acks = 0
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self.started_writing = threading.Event()

    def run(self) -> None:
        engine = make_engine(self.url)
        try:
            for user_id in self.seeded.writer_ids:
                for lesson_id in self.seeded.lessons:
                    if self.stop.is_set():
                        return
                    self._save(engine, user_id, lesson_id)
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            engine.dispose()

    def _save(self, engine, user_id: int, lesson_id: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            heartbeat.record_progress(
                session=session,
                actor=load_actor(session, user_id),
                lesson_id=lesson_id,
                position_s=12.0,
                watched_delta_s=3.0,
                ended=False,
            )
            session.commit()
        self.acks += 1
        if self.acks >= 30:
            self.started_writing.set()


def progress_rows(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM lesson_progress")).scalar_one()
    engine.dispose()
    return int(count)


def table_counts(url: str) -> dict[str, int]:
    """Rows per table, counted independently of the backup code."""
    engine = make_engine(url)
    with engine.connect() as conn:
        names = inspect(conn).get_table_names()
        quote = conn.dialect.identifier_preparer.quote
        counts = {
            n: conn.execute(text(f"SELECT count(*) FROM {quote(n)}")).scalar_one() for n in names
        }
    engine.dispose()
    return counts


def backup_during_writes(source: Install, seeded: Seeded, folder: Path) -> tuple[int, int]:
    """Run `backup` while the writer saves progress; the ack counts before and after."""
    writer = ProgressWriter(source, seeded)
    writer.start()
    assert writer.started_writing.wait(60), writer.error
    before = writer.acks
    result = cli(source, "backup", str(folder))
    after = writer.acks
    writer.stop.set()
    writer.join(60)
    assert writer.error is None, writer.error
    assert result.returncode == 0, result.stderr
    assert after > before, "the writer was not writing while the backup ran"
    return before, after


def test_backup_during_writes_restores_to_a_consistent_install(installs, tmp_path: Path) -> None:
    source, target = installs
    seeded = seed(source)
    base_rows = progress_rows(source.url)
    folder = tmp_path / "backup"
    before, after = backup_during_writes(source, seeded, folder)

    manifest = json.loads((folder / "manifest.json").read_text())
    tables = {name.removeprefix("public."): n for name, n in manifest["tables"].items()}
    # The snapshot holds every write acknowledged before the backup and none made after it.
    assert base_rows + before <= tables["lesson_progress"] <= base_rows + after

    result = cli(target, "restore", str(folder))
    assert result.returncode == 0, result.stderr
    if source.url.startswith("sqlite"):
        db = sqlite3.connect(target.url.removeprefix("sqlite:///"))
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()
    counted = table_counts(target.url)
    assert {n: c for n, c in counted.items() if n in tables} == {
        n: c for n, c in tables.items() if n in counted
    }
    assert counted["lesson_progress"] == tables["lesson_progress"]
    video = f"videos/{'a' * 32}.mp4"
    assert (target.data / "media" / video).read_bytes() == (
        source.data / "media" / video
    ).read_bytes()
    assert_student_resumes(target, seeded)


def assert_student_resumes(install: Install, seeded: Seeded) -> None:
    """The restored install signs the student in and resumes the lesson they stopped in."""
    engine = make_engine(install.url)
    with Session(engine, expire_on_commit=False) as session:
        user_id = login(
            session=session,
            email=seeded.student_email,
            password=PASSWORD,
            ip="127.0.0.1",
            user_agent="backup drill",
        )
        session.commit()
        assert user_id == seeded.student_id
        target = learning.resume_target(
            session=session, actor=load_actor(session, user_id), course_id=seeded.course_id
        )
    engine.dispose()
    assert target == (seeded.lessons[1], 40.0)


def test_a_second_restore_into_the_same_place_is_refused(installs, tmp_path: Path) -> None:
    source, target = installs
    seed(source)
    folder = tmp_path / "backup"
    assert cli(source, "backup", str(folder)).returncode == 0
    assert cli(target, "restore", str(folder)).returncode == 0
    again = cli(target, "restore", str(folder))
    assert again.returncode == 2
    assert again.stderr.startswith("error: ") and "not empty" in again.stderr
