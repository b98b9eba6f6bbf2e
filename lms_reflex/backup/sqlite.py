"""SQLite: a consistent copy with the online backup API while the app keeps writing."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from lms_reflex.backup.manifest import BackupError

BUSY_TIMEOUT_S = 30.0


def database_path(url: str) -> Path:
    """The file behind a sqlite:/// URL.

    Raises:
        BackupError: for in-memory databases, which have nothing to back up.
    """
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("LMS_DATABASE_URL names an in-memory SQLite database")
    return Path(database)


@contextlib.contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        yield conn
    finally:
        conn.close()


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (search index tables included), in one read transaction."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    # Names come from sqlite_master, not from a user; quoting keeps odd names intact.
    return {name: _count(conn, name) for name in names}


def _count(conn: sqlite3.Connection, name: str) -> int:
    quoted = '"' + name.replace('"', '""') + '"'
    return int(conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])  # noqa: S608


def check_integrity(path: Path) -> None:
    """Run PRAGMA integrity_check on a database file.

    Raises:
        BackupError: with SQLite's first complaint.
    """
    with _connect(path) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"the database copy failed its integrity check: {result}")


def backup_sqlite(url: str, target: Path) -> dict[str, int]:
    """Copy the live database into `target` and count the rows of the copy.

    The backup API copies all pages inside one read transaction, so in WAL mode writers go
    on and the copy is the database as of one moment. Counting the copy (not the live file)
    makes the counts describe exactly that moment.

    Raises:
        BackupError: when the database file does not exist.
    """
    source = database_path(url)
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    with _connect(source) as src, _connect(target) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        return table_counts(dst)


def _has_tables(path: Path) -> bool:
    with _connect(path) as conn:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


def check_empty_target(url: str) -> Path:
    """The restore target, refusing a database that already holds anything.

    Raises:
        BackupError: when the file has tables or a write-ahead log beside it.
    """
    path = database_path(url)
    busy = [p for p in (Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists()]
    if busy or (path.exists() and path.stat().st_size and _has_tables(path)):
        raise BackupError(
            f"the database {path} is not empty; restore only into a new, empty place "
            "(move the old file away or point LMS_DATABASE_URL elsewhere)"
        )
    return path


def restore_sqlite(copy: Path, url: str, expected: dict[str, int]) -> None:
    """Put a backed-up database file in place after checking it beside the target.

    Raises:
        BackupError: when the target is not empty or the copy fails a check.
    """
    target = check_empty_target(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(copy, staging)
    try:
        check_integrity(staging)
        with _connect(staging) as conn:
            compare_counts(expected, table_counts(conn))
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)


def compare_counts(expected: dict[str, int], actual: dict[str, int]) -> None:
    """Refuse a restored database whose tables or row counts differ from the manifest.

    Raises:
        BackupError: naming the first table that differs.
    """
    for name in sorted(set(expected) | set(actual)):
        if expected.get(name) != actual.get(name):
            raise BackupError(
                f"table {name} has {actual.get(name)} rows after restore; "
                f"the manifest says {expected.get(name)}"
            )
