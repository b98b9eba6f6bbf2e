"""Catalog speed on SQLite: full-text search and category pages over 10,000 courses.

Seeds a temporary database (built by the migrations) with 10,000 published courses and
100,000 enrollments, then calls `search.search_courses` and `catalog.list_category_page`
200 times each, as the app does (a fresh read session per call), and prints p50/p95 in ms
and the SQL statements per call. The captured SQL of the search is then run 200 times
straight on the DB-API cursor, and the ratio says what the Python layers add.

    python -m benchmarks.catalog_bench [--courses 10000] [--enrollments 100000] [--runs 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, insert
from sqlmodel import Session

from lms_reflex.db import make_engine
from lms_reflex.models import Category, Course, Enrollment, User, utcnow
from lms_reflex.services.catalog import listings as catalog
from lms_reflex.services.catalog import search

ROOT = Path(__file__).resolve().parents[1]
# fmt: off
TOPICS = (
    "python", "django", "flask", "data", "science", "machine", "learning", "statistics",
    "excel", "finance", "accounting", "design", "figma", "photoshop", "illustration",
    "photography", "video", "editing", "music", "guitar", "piano", "marketing", "writing",
    "spanish", "french", "japanese", "cooking", "baking", "yoga", "fitness", "rust", "golang",
    "javascript", "react", "kubernetes", "docker", "linux", "security", "networking",
    "leadership", "negotiation",
)
FILLER = (
    "learn", "build", "practice", "project", "course", "lesson", "step", "guide", "beginner",
    "complete", "modern", "master", "skills", "hands", "real", "world", "tips", "tools",
    "workflow", "basics", "advanced", "career", "quickly", "clear",
)
# fmt: on
CATEGORIES = ["Development", "Data", "Design", "Business", "Music", "Languages", "Lifestyle"]
QUERIES = [
    "python",
    "machine learning",
    "design figma",
    "photo",
    "data science excel",
    "guitar",
    "rust web",
    "kubernetes docker",
    "learn",
    "yoga beginner",
]


def _sentence(rng: random.Random, words: int, topics: list[str]) -> str:
    """Mostly filler, about one word in ten one of the course's topics, rarely another."""

    def word() -> str:
        roll = rng.random()
        return rng.choice(topics if roll < 0.1 else TOPICS if roll < 0.12 else FILLER)

    return " ".join(word() for _ in range(words))


def _course_rows(rng: random.Random, count: int, instructors: int) -> list[dict[str, Any]]:
    now = utcnow()
    topics = [rng.sample(TOPICS, 2) for _ in range(count)]
    return [
        {
            "slug": f"course-{i}",
            "title": f"{topics[i][0].title()} {_sentence(rng, 4, topics[i])}"[:120],
            "subtitle": _sentence(rng, 10, topics[i])[:200],
            "description": _sentence(rng, 120, topics[i]),
            "instructor_id": 1 + i % instructors,
            "category_id": 1 + i % len(CATEGORIES),
            "price_cents": 0 if i % 3 else 1900,
            "status": "published",
            "tags": topics[i],
            "what_you_will_learn": [],
            "requirements": [],
            "level": rng.choice(["all", "beginner", "intermediate", "advanced"]),
            "rating_avg": round(rng.uniform(3, 5), 2),
            "rating_count": rng.randint(0, 500),
            "created_at": now,
            "updated_at": now,
            "published_at": now,
        }
        for i in range(count)
    ]


def seed(engine: Engine, *, courses: int, enrollments: int) -> None:
    """Bulk-insert users, categories, courses (the triggers index them) and enrollments."""
    rng = random.Random(10_000)
    students, instructors = max(1, enrollments // 10), 200
    now = utcnow()
    users = [
        {
            "email": f"u{i}@example.org",
            "first_name": f"First{i}",
            "last_name": f"Last{i}",
            "password_hash": "x",
            "role": "instructor" if i < instructors else "student",
            "is_active": True,
            "created_at": now,
        }
        for i in range(instructors + students)
    ]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < enrollments:
        pairs.add((rng.randint(instructors + 1, instructors + students), rng.randint(1, courses)))
    with engine.begin() as conn:
        conn.execute(insert(User), users)
        conn.execute(
            insert(Category),
            [
                {"name": n, "slug": n.lower(), "description": "", "position": i}
                for i, n in enumerate(CATEGORIES)
            ],
        )
        conn.execute(insert(Course), _course_rows(rng, courses, instructors))
        conn.execute(
            insert(Enrollment),
            [
                {"user_id": u, "course_id": c, "source": "self", "created_at": now}
                for u, c in sorted(pairs)
            ],
        )
        conn.exec_driver_sql("ANALYZE")


class StatementLog:
    """Collects the SQL and parameters an engine sends while `active`."""

    def __init__(self, engine: Engine) -> None:
        self.active = False
        self.statements: list[tuple[str, Any]] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement: str, params: Any, *_rest) -> None:
        if self.active and statement.lstrip().upper().startswith("SELECT"):
            self.statements.append((statement, params))

    def capture(self, fn: Callable[[], Any]) -> list[tuple[str, Any]]:
        self.statements, self.active = [], True
        try:
            fn()
        finally:
            self.active = False
        return self.statements


def timed(fn: Callable[[int], Any], runs: int) -> list[float]:
    """Milliseconds of `fn(i)` for i in range(runs)."""
    out = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(label: str, ms: list[float], statements: int | str = "") -> tuple[float, float]:
    p50 = statistics.median(ms)
    p95 = statistics.quantiles(ms, n=20)[18]
    print(f"{label:<34} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms   statements/call {statements}")
    return p50, p95


def run(engine: Engine, runs: int) -> None:
    """Time the services, then the same search SQL on the bare DB-API cursor."""
    log = StatementLog(engine)

    def search_call(i: int) -> search.SearchPage:
        with Session(engine) as session:
            query = QUERIES[i % len(QUERIES)]
            return search.search_courses(session=session, query=query, page=1 + i % 3)

    def category_call(i: int) -> catalog.CategoryPage:
        with Session(engine) as session:
            slug = CATEGORIES[i % len(CATEGORIES)].lower()
            return catalog.list_category_page(session=session, slug=slug, page=1 + i % 5)

    search_call(0), category_call(0)  # warm caches
    totals = {q: search_call(i).total for i, q in enumerate(QUERIES)}
    print("matches per query:", ", ".join(f"{q!r} {n}" for q, n in totals.items()))
    print(f"first hit for {QUERIES[0]!r}: {search_call(0).results[0].highlight[:70]!r}")
    per_query = [log.capture(lambda i=i: search_call(i)) for i in range(len(QUERIES) * 3)]
    search_ms = timed(search_call, runs)
    s50, s95 = summary("search_courses (service)", search_ms, len(per_query[0]))
    summary(
        "list_category_page (service)",
        timed(category_call, runs),
        len(log.capture(lambda: category_call(0))),
    )
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()

        def raw_call(i: int) -> None:
            for sql, params in per_query[i % len(per_query)]:
                cursor.execute(sql, params).fetchall()

        r50, r95 = summary(
            "search SQL on the DB-API cursor", timed(raw_call, runs), len(per_query[0])
        )
    finally:
        raw.close()
    print(f"service / raw SQL: p50 x{s50 / r50:.2f}   p95 x{s95 / r95:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--enrollments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        config = Config(str(ROOT / "alembic.ini"))
        config.attributes["url"] = url
        command.upgrade(config, "head")
        writer = make_engine(url)
        start = time.perf_counter()
        seed(writer, courses=args.courses, enrollments=args.enrollments)
        writer.dispose()
        print(
            f"seeded {args.courses} courses, {args.enrollments} enrollments "
            f"in {time.perf_counter() - start:.1f} s"
        )
        reader = make_engine(url, immediate=False)
        try:
            run(reader, args.runs)
        finally:
            reader.dispose()


if __name__ == "__main__":
    main()
