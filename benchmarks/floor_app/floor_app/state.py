"""The floor's only state: the lesson on screen, one upsert per report, one page read.

Kept apart from the app module so the benchmark can import it to learn the handler names
without building an rx.App. The table is keyed by the client token, which the benchmark
knows, so it can check afterwards that every acknowledged position was stored.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from pathlib import Path

import reflex as rx

DB_PATH = Path(os.environ.get("FLOOR_DB", Path(__file__).resolve().parents[1] / "data/floor.db"))
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS progress (token TEXT NOT NULL, lesson INTEGER NOT NULL, "
    "position REAL NOT NULL, updated REAL NOT NULL, PRIMARY KEY (token, lesson))"
)
UPSERT = (
    "INSERT INTO progress (token, lesson, position, updated) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (token, lesson) DO UPDATE SET position = excluded.position, "
    "updated = excluded.updated"
)
# The page-view floor: one course row and its 20 lessons, read in one query (issue 22).
PAGE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS course (id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL, "
    "title TEXT NOT NULL, description TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS lesson (id INTEGER PRIMARY KEY, course_id INTEGER NOT NULL, "
    "position INTEGER NOT NULL, title TEXT NOT NULL, duration_s INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS lesson_course ON lesson (course_id, position)",
)
PAGE_QUERY = (
    "SELECT c.title, c.description, l.id, l.title, l.duration_s FROM course c "
    "JOIN lesson l ON l.course_id = c.id WHERE c.slug = ? ORDER BY l.position LIMIT 20"
)
FLOOR_SLUG = "floor-course"
_local = threading.local()


def _seed_page(conn: sqlite3.Connection) -> None:
    """One course with 20 lessons, made once (INSERT OR IGNORE keeps restarts idempotent)."""
    for statement in PAGE_SCHEMA:
        conn.execute(statement)
    text = "A course that exists so the floor has a page to read. " * 8
    conn.execute(
        "INSERT OR IGNORE INTO course (id, slug, title, description) VALUES (1, ?, ?, ?)",
        (FLOOR_SLUG, "Floor course", text),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO lesson (id, course_id, position, title, duration_s) "
        "VALUES (?, 1, ?, ?, 120)",
        [(i, i, f"Lesson {i}") for i in range(1, 21)],
    )


def connect(path: Path = DB_PATH) -> sqlite3.Connection:
    """A connection with the pragmas the LMS uses for SQLite (WAL, synchronous=NORMAL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=15000")
    conn.execute(SCHEMA)
    _seed_page(conn)
    return conn


def _conn() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = connect()
    return conn


def read_page(slug: str) -> list[dict]:
    """The course and its lessons, as the LMS's course and player pages read them."""
    rows = _conn().execute(PAGE_QUERY, (slug,)).fetchall()
    return [{"id": r[2], "title": r[3], "seconds": r[4], "course": r[0]} for r in rows]


def upsert(token: str, lesson: int, position: float) -> None:
    """One upsert in its own transaction, on this thread's connection."""
    _conn().execute(UPSERT, (token, lesson, position, time.time()))


class ProgressState(rx.State):
    """The lesson on screen, and the page's lessons once `page` has read them."""

    _lesson: int = 0
    lessons: list[dict] = []

    @rx.event
    async def page(self):
        """A page view's floor: one query for a course row and 20 lesson rows, sent back."""
        self.lessons = await asyncio.to_thread(read_page, FLOOR_SLUG)

    @rx.event
    async def load(self):
        """Remember the lesson of the URL (/learn/<slug>/<lesson>)."""
        value = str(self.router_data.get("query", {}).get("lesson", ""))
        self._lesson = int(value) if value.isdigit() else 0

    @rx.event
    async def report(self, seconds: float):
        """Store the position, off the event loop like the LMS's call_service."""
        if not isinstance(seconds, (int, float)):
            return
        token = self.router.session.client_token
        await asyncio.to_thread(upsert, token, self._lesson, float(seconds))
