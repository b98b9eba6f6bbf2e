"""The floor's only state: remember the lesson, upsert each progress report into SQLite.

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
_local = threading.local()


def connect(path: Path = DB_PATH) -> sqlite3.Connection:
    """A connection with the pragmas the LMS uses for SQLite (WAL, synchronous=NORMAL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=15000")
    conn.execute(SCHEMA)
    return conn


def upsert(token: str, lesson: int, position: float) -> None:
    """One upsert in its own transaction, on this thread's connection."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = connect()
    conn.execute(UPSERT, (token, lesson, position, time.time()))


class ProgressState(rx.State):
    """The lesson on screen and nothing else."""

    _lesson: int = 0

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
