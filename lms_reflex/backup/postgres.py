"""PostgreSQL: pg_dump from an exported snapshot, so counts and dump describe one moment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from lms_reflex.backup.manifest import BackupError
from lms_reflex.backup.sqlite import compare_counts
from lms_reflex.db import make_engine

_USER_TABLES = text(
    "SELECT table_schema, table_name FROM information_schema.tables "
    "WHERE table_type = 'BASE TABLE' "
    "AND table_schema NOT IN ('pg_catalog', 'information_schema') "
    "AND table_schema NOT LIKE 'pg_toast%' ORDER BY 1, 2"
)


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump/pg_restore and the environment carrying the password.

    The password goes in PGPASSWORD, never on the command line, where `ps` shows it.
    """
    parsed = make_url(url)
    conninfo = parsed.set(drivername="postgresql", password=None).render_as_string(
        hide_password=False
    )
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return conninfo, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return path


def _check_tool_version(tool: str, conn: Connection) -> None:
    """pg_dump refuses servers newer than itself; say so before starting."""
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True)  # noqa: S603
    match = re.search(r"(\d+)\.", output.stdout)
    server = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    if match is None or int(match.group(1)) < server:
        raise BackupError(
            f"{output.stdout.strip()} is older than the PostgreSQL {server} server; "
            f"install postgresql-client-{server}"
        )


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows per table in every user schema, keyed schema.table."""
    quote = conn.dialect.identifier_preparer.quote
    counts: dict[str, int] = {}
    for schema, name in conn.execute(_USER_TABLES).all():
        # Names come from the catalog, not from a user, and are quoted.
        sql = f"SELECT count(*) FROM {quote(schema)}.{quote(name)}"  # noqa: S608
        counts[f"{schema}.{name}"] = int(conn.execute(text(sql)).scalar_one())
    return counts


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or ["no message"]
        raise BackupError(f"{what} failed: {lines[0]}")


def backup_postgres(url: str, target: Path) -> dict[str, int]:
    """Dump the database to `target` (custom format) while the app keeps writing.

    A read-only REPEATABLE READ transaction exports its snapshot; the counts are taken in
    it and pg_dump --snapshot reads the same one, so the manifest matches the dump exactly.

    Raises:
        BackupError: when pg_dump is missing, too old, or fails.
    """
    pg_dump = _tool("pg_dump")
    conninfo, env = libpq_target(url)
    engine = make_engine(url)
    try:
        with engine.connect() as plain:
            _check_tool_version(pg_dump, plain)
        with engine.connect() as plain:
            conn = plain.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                counts = table_counts(conn)
                command = [pg_dump, "--format=custom", f"--snapshot={snapshot}"]
                _run([*command, f"--file={target}", f"--dbname={conninfo}"], env, "pg_dump")
    finally:
        engine.dispose()
    return counts


def restore_postgres(dump: Path, url: str, expected: dict[str, int]) -> None:
    """Load a dump into an empty database in one transaction, then compare the counts.

    Raises:
        BackupError: when the database already has tables, pg_restore fails, or the
            counts differ from the manifest.
    """
    pg_restore = _tool("pg_restore")
    conninfo, env = libpq_target(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.execute(_USER_TABLES).first() is not None:
                raise BackupError(
                    "the database in LMS_DATABASE_URL is not empty; restore only into a new, "
                    "empty database (createdb a fresh one and point LMS_DATABASE_URL at it)"
                )
        options = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        _run([pg_restore, *options, f"--dbname={conninfo}", str(dump)], env, "pg_restore")
        with engine.connect() as conn:
            compare_counts(expected, table_counts(conn))
    finally:
        engine.dispose()
