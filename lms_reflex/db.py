"""Engine and session helpers; SQLite gets WAL, busy_timeout, foreign keys and write locks."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from lms_reflex.services.prebuilt import DriverConnection, NeedsConnection, PlainConnection
from lms_reflex.services.read_once import READ_ONLY
from lms_reflex.settings import ConfigError, get_settings

T = TypeVar("T")

BUSY_TIMEOUT_MS = 15_000


def _sqlite_path(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def _begin_sqlite(*, immediate: bool) -> str:
    """The BEGIN a SQLite transaction starts with: writers take the write lock at once."""
    return "BEGIN IMMEDIATE" if immediate else "BEGIN"


def _install_sqlite_pragmas(engine: Engine, *, immediate: bool) -> None:
    """Set pragmas per connection and take the write lock at BEGIN when asked.

    A deferred transaction that reads and then writes can fail with "database is locked"
    without waiting, because SQLite cannot upgrade a read snapshot that went stale. Writers
    therefore start with BEGIN IMMEDIATE, which waits up to busy_timeout instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Straight to the driver: through exec_driver_sql this one word cost a seventh of
        # every transaction's CPU (benchmarks/README.md, "Fourth session").
        conn.connection.driver_connection.execute(_begin_sqlite(immediate=immediate))


def make_engine(url: str, *, immediate: bool = True) -> Engine:
    """Build an engine for `url`; for SQLite, `immediate` picks the writer locking mode."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    path = _sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        pool_size=20,
        max_overflow=40,
    )
    _install_sqlite_pragmas(engine, immediate=immediate)
    return engine


@functools.cache
def _engines(url: str) -> tuple[Engine, Engine]:
    writer = make_engine(url, immediate=True)
    reader = make_engine(url, immediate=False) if url.startswith("sqlite") else writer
    return writer, reader


_known_urls: set[str] = set()


def get_engine(*, readonly: bool = False) -> Engine:
    """The process-wide engine for LMS_DATABASE_URL (a separate deferred one for SQLite reads)."""
    url = get_settings().database_url
    _known_urls.add(url)
    writer, reader = _engines(url)
    return reader if readonly else writer


def dispose_engines() -> None:
    """Close pooled connections and forget the engines (tests switch databases)."""
    if _engines.cache_info().currsize:
        for url in list(_known_urls):
            writer, reader = _engines(url)
            writer.dispose()
            reader.dispose()
    _known_urls.clear()
    _engines.cache_clear()


@contextmanager
def session_scope(*, readonly: bool = False) -> Iterator[Session]:
    """A session that commits on success and rolls back on any exception."""
    with Session(get_engine(readonly=readonly), expire_on_commit=False) as session:
        session.info[READ_ONLY] = readonly
        try:
            yield session
            if readonly:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise


def run_service(fn: Callable[..., T], /, *, readonly: bool = False, **kwargs: Any) -> T:
    """Call a service function with a fresh session, committing when it returns."""
    with session_scope(readonly=readonly) as session:
        return fn(session=session, **kwargs)


def run_reads(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """Call a check made only of prebuilt statements on a plain pooled connection.

    For the checks that run on every media Range request: a whole ORM session per request
    was most of their cost (services/prebuilt.py, `PlainConnection`).
    """
    with get_engine(readonly=True).connect() as plain:
        return fn(reads=PlainConnection(plain), **kwargs)


def run_plain(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """Call a write made of prebuilt statements in one transaction, without an ORM session.

    For the progress report, the busiest write: a Session's begin, commit and close cost
    about half as much again as the report's statements (benchmarks/README.md, "Ninth
    session"), and SQLAlchemy's Connection and transaction about as much as they do
    ("Tenth session"). So `fn` runs on the pool's DBAPI connection, in a transaction
    begun and ended here (`prebuilt.DriverConnection`): committed when `fn` returns, rolled
    back when it raises. A rarer branch that needs a Connection (the report that issues a
    certificate, through `prebuilt.orm_session`) raises `NeedsConnection`; the transaction
    is then rolled back and `fn` runs again, whole, on a Connection in a Core transaction,
    where an ORM session can join it.
    """
    engine = get_engine()
    try:
        return _run_on_driver(engine, fn, kwargs)
    except NeedsConnection:
        with engine.begin() as plain:
            return fn(session=PlainConnection(plain), **kwargs)


def _run_on_driver(engine: Engine, fn: Callable[..., T], kwargs: dict[str, Any]) -> T:
    dbapi = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":  # the driver autocommits: BEGIN as writers do
            dbapi.driver_connection.execute(_begin_sqlite(immediate=True))  # type: ignore[union-attr]
        try:
            result = fn(session=DriverConnection(dbapi, engine), **kwargs)
        except BaseException:
            dbapi.rollback()
            raise
        dbapi.commit()
        return result
    finally:
        dbapi.close()


async def call_plain(fn: Callable[..., T], /, **kwargs: Any) -> T:
    """`run_plain` in a worker thread (the same pool as `call_service`)."""
    return await asyncio.to_thread(run_plain, fn, **kwargs)


async def call_service(fn: Callable[..., T], /, *, readonly: bool = False, **kwargs: Any) -> T:
    """`run_service` in a worker thread, so database work never blocks the event loop."""
    return await asyncio.to_thread(run_service, fn, readonly=readonly, **kwargs)


# argon2 is slow on purpose: ~55 ms of a whole core per hash. Services that hash run here,
# at most one fewer at once than there are cores, so a burst of sign-ins queues for these
# threads and leaves a core, and the shared thread pool, to every other event.
HASHING_SLOTS = max(1, (os.cpu_count() or 2) - 1)
_hashing = ThreadPoolExecutor(max_workers=HASHING_SLOTS, thread_name_prefix="argon2")


async def call_hashing_service(
    fn: Callable[..., T], /, *, readonly: bool = False, **kwargs: Any
) -> T:
    """`call_service` for services that hash or verify a password (sign-up, sign-in...)."""
    work = functools.partial(run_service, fn, readonly=readonly, **kwargs)
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(_hashing, context.run, work)


def check_database() -> None:
    """Fail early with a one-line message when the database cannot be reached.

    Raises:
        ConfigError: naming LMS_DATABASE_URL.
    """
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, OSError) as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise ConfigError(f"LMS_DATABASE_URL: cannot connect ({reason})") from None
