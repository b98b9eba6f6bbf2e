"""docs/security.md case 43: fifty students writing at once on SQLite, and nobody sees "locked".

Each of fifty threads is one student doing what the app's handlers do, through the same
`run_service` that `call_service` runs in a worker thread: enroll, report progress three
times, mark the lesson complete, review the course. They are released together by a barrier
so the writes really collide. SQLite has one writer at a time; BEGIN IMMEDIATE and the busy
timeout (lms_reflex/db.py) must turn every collision into a short wait, never an error
(docs/security.md, "Every handler has a rule, and every write is forged").
"""

from __future__ import annotations

import threading

from sqlalchemy import func
from sqlmodel import Session, col, select

from lms_reflex.db import dispose_engines, run_service
from lms_reflex.models import Course, Enrollment, Lesson, LessonProgress, Review, Role, Section
from lms_reflex.services.actor import Actor
from lms_reflex.services.learning import enrollment, heartbeat, progress, reviews
from tests.unit.catalog_fixtures import actor, add_course, add_user

WRITERS = 50


def one_student(who: Actor, course_id: int, lesson_id: int) -> None:
    """Everything one student writes in a sitting, one transaction per handler call."""
    run_service(enrollment.enroll_student, actor=who, course_id=course_id)
    for second in (5.0, 10.0, 15.0):
        run_service(
            heartbeat.record_progress, actor=who, lesson_id=lesson_id,
            position_s=second, watched_delta_s=5.0, ended=False,
        )  # fmt: skip
    run_service(progress.set_lesson_completed, actor=who, lesson_id=lesson_id, completed=True)
    run_service(reviews.write_review, actor=who, course_id=course_id, rating=4, body="Good.")


def race(students: list[Actor], course_id: int, lesson_id: int) -> list[BaseException]:
    """Run every student at once; return what any of them would have been shown."""
    barrier = threading.Barrier(len(students))
    errors: list[BaseException] = []

    def go(who: Actor) -> None:
        barrier.wait()
        try:
            one_student(who, course_id, lesson_id)
        except BaseException as exc:  # surfaced on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(who,)) for who in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return errors


def count(session: Session, table: type, *where: object) -> int:
    return session.exec(select(func.count()).select_from(table).where(*where)).one()


def test_fifty_concurrent_writers_all_succeed_and_every_row_is_there(session: Session) -> None:
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    course = add_course(session, teacher, "busy-course", lessons=1)
    students = [add_user(session, f"s{n}@example.org") for n in range(WRITERS)]
    lesson_id = session.exec(
        select(Lesson.id).join(Section).where(col(Section.course_id) == course.id)
    ).one()
    session.commit()
    try:
        errors = race([actor(s) for s in students], course.id, lesson_id)
    finally:
        dispose_engines()
    assert [f"{type(e).__name__}: {e}" for e in errors] == []
    session.expire_all()
    assert count(session, Enrollment, col(Enrollment.course_id) == course.id) == WRITERS
    done = col(LessonProgress.completed_at).is_not(None)
    assert count(session, LessonProgress, col(LessonProgress.lesson_id) == lesson_id, done) == (
        WRITERS
    )
    assert count(session, Review, col(Review.course_id) == course.id) == WRITERS
    assert session.get(Course, course.id).rating_count == WRITERS


def test_a_writer_holds_the_write_lock_from_begin_and_a_reader_does_not(engine) -> None:
    """Writers start with BEGIN IMMEDIATE, readers with a plain BEGIN (lms_reflex/db.py)."""
    import sqlite3

    from sqlalchemy import text

    from lms_reflex.db import session_scope

    path = engine.url.database
    for readonly, locked in ((False, True), (True, False)):
        with session_scope(readonly=readonly) as db:
            db.connection().execute(text("SELECT 1"))
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
                took_it = True
            except sqlite3.OperationalError as exc:
                assert "locked" in str(exc)
                took_it = False
            finally:
                other.close()
        assert took_it is not locked, f"readonly={readonly}"
