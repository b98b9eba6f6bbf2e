"""What each page view costs the database layer, measured in-process, without Reflex.

Every page a student opens runs one worker-thread hop with a fixed set of reads (the
session check, the top bar, then the page's own). This script seeds a temporary SQLite
database (built by the migrations) with a small catalog and --students enrolled students
with progress and reviews, then runs each page's reads --runs times exactly as the event
handlers do (`run_service(sessions.as_session_user, work=...)`), and prints p50/p95 wall
time, CPU time and SQL statements per view.

The wall time is mostly Python holding the GIL (sqlite3 releases it only while SQLite
runs), so on the server it is time the event loop cannot use: lower is better for every
other tab, not only for this page.

    python -m benchmarks.page_reads [--students 2000] [--runs 300]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
COURSES, SECTIONS, LESSONS = 12, 3, 4


def seed(students: int) -> dict[str, Any]:
    """A catalog of COURSES courses; every student enrolled in the first, half-way through."""
    from lms_reflex.db import session_scope
    from lms_reflex.models import (
        Category,
        Course,
        CourseStatus,
        Enrollment,
        Lesson,
        LessonProgress,
        Review,
        Section,
        User,
        utcnow,
    )  # fmt: skip
    from lms_reflex.services.accounts import sessions

    now = utcnow()
    with session_scope() as session:
        cats = [Category(name=n, slug=n.lower(), position=i) for i, n in enumerate(["Code", "Art"])]
        teacher = User(email="t@bench.example.org", first_name="Tess", last_name="Teacher",
                       password_hash="x", role="instructor", email_verified_at=now)  # fmt: skip
        session.add_all([*cats, teacher])
        session.flush()
        courses, lessons = [], []
        for c in range(COURSES):
            course = Course(
                slug=f"course-{c}", title=f"Course {c}", subtitle="A course", description="x" * 800,
                instructor_id=teacher.id, category_id=cats[c % 2].id, status=CourseStatus.PUBLISHED,
                published_at=now, what_you_will_learn=["a", "b", "c"], requirements=["none"],
            )  # fmt: skip
            session.add(course)
            session.flush()
            courses.append(course)
            for s in range(SECTIONS):
                section = Section(course_id=course.id, title=f"Section {s}", position=s)
                session.add(section)
                session.flush()
                for i in range(LESSONS):
                    lesson = Lesson(section_id=section.id, title=f"Lesson {s}.{i}", position=i,
                                    duration_s=300, description="Watch this.")  # fmt: skip
                    session.add(lesson)
                    if c == 0:
                        lessons.append(lesson)
        session.flush()
        first = courses[0]
        user_ids = []
        for n in range(students):
            user = User(email=f"s{n}@bench.example.org", first_name="Sam", last_name=f"S{n}",
                        password_hash="x", role="student", email_verified_at=now)  # fmt: skip
            session.add(user)
            session.flush()
            user_ids.append(user.id)
            session.add(Enrollment(user_id=user.id, course_id=first.id, created_at=now))
            for lesson in lessons[: len(lessons) // 2]:
                done = {"position_s": 300, "watched_s": 300, "completed_at": now, "updated_at": now}
                session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, **done))
            if n % 10 == 0:
                session.add(Review(user_id=user.id, course_id=first.id, rating=4 + n % 2,
                                   body="Clear and practical."))  # fmt: skip
        first.rating_avg, first.rating_count = 4.5, len(range(0, students, 10))
        me = user_ids[-1]
        token = sessions.create_session(session=session, user_id=me, ip="127.0.0.1", user_agent="b")
        return {"token": token, "slug": first.slug, "course_id": first.id,
                "lesson_id": lessons[len(lessons) // 2].id}  # fmt: skip


def page_reads(world: dict[str, Any]) -> dict[str, Callable[..., Any]]:
    """Each page's named read, as its event handler hands it to `as_actor` (or `with_top_bar`)."""
    from functools import partial

    from lms_reflex.services.accounts import top_bar
    from lms_reflex.services.catalog import page_views, search
    from lms_reflex.services.learning import player_page

    slug, course_id, lesson_id = world["slug"], world["course_id"], world["lesson_id"]
    return {
        "session check only": lambda session, actor: None,
        "top bar (every page)": partial(top_bar.read_top_bar, with_menu=True),
        "home listings": page_views.home_view,
        "search 'course'": partial(search.search_courses, query="course"),
        "course page": partial(page_views.course_view, slug=slug),
        "course page reviews": partial(page_views.reviews_view, course_id=course_id),
        "player": partial(player_page.player_view, course_slug=slug, lesson_id=lesson_id),
    }


def measure(token: str, work: Callable[..., Any], runs: int) -> tuple[list[float], float, int]:
    """(wall ms per view, CPU ms per view, SELECT statements per view)."""
    from lms_reflex.db import get_engine, run_service
    from lms_reflex.services.accounts import sessions

    def view() -> Any:
        return run_service(sessions.as_session_user, readonly=True, token=token, work=work)

    statements = 0

    def count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        nonlocal statements
        statements += sql.lstrip().upper().startswith(("SELECT", "WITH"))

    engine = get_engine(readonly=True)
    event.listen(engine, "before_cursor_execute", count)
    view()
    event.remove(engine, "before_cursor_execute", count)
    for _ in range(20):
        view()
    wall, cpu = [], time.process_time()
    for _ in range(runs):
        start = time.perf_counter()
        view()
        wall.append((time.perf_counter() - start) * 1000)
    return wall, (time.process_time() - cpu) * 1000 / runs, statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/reads.db"
        os.environ.update(LMS_DATABASE_URL=url, LMS_DATA_DIR=tmp, LMS_MEDIA_DIR=f"{tmp}/media")
        from alembic import command
        from alembic.config import Config

        config = Config(str(ROOT / "alembic.ini"))
        config.attributes["url"] = url
        command.upgrade(config, "head")
        world = seed(args.students)
        print(
            f"{COURSES} courses, {args.students} students enrolled in one; {args.runs} views each"
        )
        print(f"  {'page view':<24}{'p50 ms':>9}{'p95 ms':>9}{'CPU ms':>9}{'SELECTs':>9}")
        for name, work in page_reads(world).items():
            wall, cpu, statements = measure(world["token"], work, args.runs)
            p95 = statistics.quantiles(wall, n=20)[-1]
            print(
                f"  {name:<24}{statistics.median(wall):>9.2f}{p95:>9.2f}{cpu:>9.2f}{statements:>6}"
            )


if __name__ == "__main__":
    main()
