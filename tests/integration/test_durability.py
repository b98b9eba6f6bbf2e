"""docs/security.md case 41: a progress save that was acknowledged survives `kill -9`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, SQLModel

import lms_reflex.models  # noqa: F401
from lms_reflex.db import make_engine
from lms_reflex.models import Enrollment, Role
from tests.pg import postgres_schema_url
from tests.unit.catalog_fixtures import add_course, add_user

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent("""
    import sys, time
    from lms_reflex.db import run_service
    from lms_reflex.services.learning import heartbeat
    from lms_reflex.services.actor import load_actor
    user_id, lesson_id = int(sys.argv[1]), int(sys.argv[2])
    actor = run_service(lambda session: load_actor(session, user_id))
    run_service(heartbeat.record_progress, actor=actor, lesson_id=lesson_id,
                position_s=3.25, watched_delta_s=3.0, ended=False)
    print("ACK", flush=True)   # what the browser would get back
    time.sleep(60)              # killed long before this ends
""")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/durable.db"
    else:
        with postgres_schema_url() as url:
            yield url


def seed(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
        student = add_user(session, "student@example.org")
        course = add_course(session, teacher, "durable", lessons=1)
        session.add(Enrollment(user_id=student.id, course_id=course.id))
        lesson_id = session.exec(text("SELECT id FROM lesson")).one()[0]
        session.commit()
        ids = (student.id, lesson_id)
    engine.dispose()
    return ids


def test_an_acknowledged_progress_save_survives_kill_9(db_url: str, tmp_path: Path) -> None:
    user_id, lesson_id = seed(db_url)
    env = {**os.environ, "LMS_DATABASE_URL": db_url, "LMS_DATA_DIR": str(tmp_path)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(user_id), str(lesson_id)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ACK"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    engine = make_engine(db_url)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT position_s, watched_s FROM lesson_progress "
                "WHERE user_id = :u AND lesson_id = :l"
            ),
            {"u": user_id, "l": lesson_id},
        ).one()
    engine.dispose()
    assert tuple(row) == (3.25, 3.0)
