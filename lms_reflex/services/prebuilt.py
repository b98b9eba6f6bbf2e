"""Prebuilt statements run straight on the transaction's DBAPI cursor.

Every event checks its session, every progress report reads its lesson and writes one
row, and every media range checks its grant. For these few statements SQLAlchemy's
execution path (cache key, execution context, result object) cost more CPU than SQLite
itself, most of all when events arrive spread out, as they do from real players
(benchmarks/README.md, "Fifth session"). Here SQLAlchemy still compiles each statement,
once per dialect, and still converts every value with the column types' own processors;
only the execution is done by hand, inside the caller's transaction (an ORM session's,
a Core Connection's, or one begun on the DBAPI connection itself: `DriverConnection`).

Only statements built once (module constants or cached builders) belong here, and only
ones without expanding parameters (`IN` lists).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import ReturnsRows
from sqlmodel import Session

Processor = Callable[[Any], Any]


class Reads(Protocol):
    """Where prebuilt statements run: an ORM Session, or a plain or driver connection."""

    def connection(self) -> Connection:
        """The connection whose cursor runs the statement (in the caller's transaction)."""
        ...


@dataclass(frozen=True, slots=True)
class PlainConnection:
    """A pooled connection with no ORM session around it (`db.run_reads`, `db.run_plain`).

    Opening, rolling back and closing a Session costs several times the two statements of
    a media Range check (benchmarks/README.md, "Seventh session"), and a third of a
    progress report's database work ("Ninth session"). Under `run_reads` there is no
    transaction, so each statement reads its own snapshot and only checks made of
    statements that each stand alone run there; under `run_plain` the connection holds one
    transaction, which the caller commits.
    """

    plain: Connection

    def connection(self) -> Connection:
        """The pooled connection itself, inside whatever transaction the caller began."""
        return self.plain


class NeedsConnection(Exception):
    """A `DriverConnection` was asked for a SQLAlchemy Connection it does not have.

    `db.run_plain` rolls its transaction back and runs the call again on a Connection.
    """


@dataclass(frozen=True, slots=True)
class DriverConnection:
    """A pooled DBAPI connection in a transaction begun and ended by hand (`db.run_plain`).

    SQLAlchemy's Connection, transaction and pool-return objects cost the player's report
    about as much CPU as its two statements (benchmarks/README.md, "Tenth session"), so
    the report runs on the pool's DBAPI connection itself. Prebuilt statements run here as
    on a Connection, with the engine's statement listeners; anything that needs a
    Connection (an ORM session, `connection()`) raises `NeedsConnection` instead.
    """

    dbapi: Any  # the pool's proxied DBAPI connection (`Engine.raw_connection()`)
    engine: Engine

    def connection(self) -> Connection:
        """There is none: the caller runs again on one (`NeedsConnection`)."""
        raise NeedsConnection


def dialect_name(reads: Reads) -> str:
    """The database's dialect name ("sqlite", "postgresql"), without asking for a Connection."""
    if isinstance(reads, DriverConnection):
        return reads.engine.dialect.name
    return reads.connection().dialect.name


@contextmanager
def orm_session(reads: Reads) -> Iterator[Session]:
    """An ORM session in the caller's transaction, for a plain service's rarer branch.

    The progress report is made of prebuilt statements; only a report that completes a
    course issues a certificate with ORM objects. On a `PlainConnection` the session joins
    the transaction already open there (SQLAlchemy's "rollback only" join: its commit and
    close leave that transaction alone), its work is flushed into it, and the caller's
    commit or rollback covers both. An ORM Session is used as it is. A `DriverConnection`
    has no Connection to join: `NeedsConnection` is raised before anything is written.
    """
    if isinstance(reads, Session):
        yield reads
        return
    with Session(bind=reads.connection(), expire_on_commit=False) as session:
        yield session
        session.flush()


@dataclass
class _Prepared:
    statement: ReturnsRows  # kept, so its id can never be reused for another statement
    sql: str
    compiled: SQLCompiler
    order: tuple[str, ...] | None  # parameter names in order (positional drivers)
    binds: tuple[tuple[str, Processor], ...]
    # Some drivers' processors depend on the type code the cursor reports (psycopg's
    # floats), so these are made at the first run, from its cursor.description.
    results: tuple[Processor | None, ...] | None = None


_prepared: dict[tuple[int, str], _Prepared] = {}
# A handful of statements per dialect use this; a statement built at every call would
# fill the cache without end, so that mistake fails loudly instead.
_MAX_PREPARED = 64


def _prepare(statement: ReturnsRows, dialect: Dialect) -> _Prepared:
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("a prebuilt statement cannot have expanding or literal parameters")
    binds = tuple(
        (name, processor)
        for name, bind in compiled.binds.items()
        if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    order = tuple(compiled.positiontup or ()) if compiled.positional else None
    return _Prepared(statement, compiled.string, compiled, order, binds)


def _result_processors(
    prepared: _Prepared, dialect: Dialect, description: Any
) -> tuple[Processor | None, ...]:
    columns = prepared.statement.exported_columns
    return tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, entry[1])
        for column, entry in zip(columns, description, strict=True)
    )


def _prepared_for(statement: ReturnsRows, dialect: Dialect) -> _Prepared:
    key = (id(statement), dialect.name)
    found = _prepared.get(key)
    if found is None or found.statement is not statement:
        if found is None and len(_prepared) >= _MAX_PREPARED:
            raise RuntimeError("prebuilt statements must be built once, not at every call")
        found = _prepared[key] = _prepare(statement, dialect)
    return found


def _arguments(prepared: _Prepared, params: Mapping[str, Any]) -> Any:
    values = prepared.compiled.construct_params(dict(params))
    for name, processor in prepared.binds:
        values[name] = processor(values[name])
    if prepared.order is None:
        return values
    return tuple(values[name] for name in prepared.order)


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a statement runs: the DBAPI connection, its dialect, the statement listeners."""

    dbapi: Any
    dialect: Dialect
    dispatch: Any
    connection: Connection | None  # what the listeners get (None on a DriverConnection)


def _target(session: Reads) -> _Target:
    if isinstance(session, DriverConnection):
        engine = session.engine
        return _Target(session.dbapi, engine.dialect, engine.dispatch, None)
    connection = session.connection()
    return _Target(connection.connection, connection.dialect, connection.dispatch, connection)


def _run(
    target: _Target, prepared: _Prepared, params: Mapping[str, Any], many: bool
) -> list[tuple[Any, ...]]:
    arguments = _arguments(prepared, params)
    cursor = target.dbapi.cursor()
    try:
        # Statement counters (tests, benchmarks/page_reads.py) listen for this event.
        target.dispatch.before_cursor_execute(
            target.connection, cursor, prepared.sql, arguments, None, False
        )
        try:
            cursor.execute(prepared.sql, arguments)
            rows = cursor.fetchall() if many else [cursor.fetchone()]
        except target.dialect.loaded_dbapi.Error as exc:
            raise _wrapped(target.dialect, prepared, arguments, exc) from exc
        if prepared.results is None:
            dialect = target.dialect
            prepared.results = _result_processors(prepared, dialect, cursor.description)
        converters = prepared.results
    finally:
        cursor.close()
    return [_converted(converters, row) for row in rows if row is not None]


def _wrapped(dialect: Dialect, prepared: _Prepared, arguments: Any, exc: Exception) -> Any:
    """The driver's error as SQLAlchemy raises it (IntegrityError, OperationalError...)."""
    base = dialect.loaded_dbapi.Error
    return DBAPIError.instance(prepared.sql, arguments, exc, base, dialect=dialect)


def _converted(converters: tuple[Processor | None, ...], row: Any) -> tuple[Any, ...]:
    pairs = zip(converters, row, strict=True)
    return tuple(value if convert is None else convert(value) for convert, value in pairs)


def fetch_all(
    session: Reads, statement: ReturnsRows, params: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """Every row of a prebuilt statement, with values as SQLAlchemy would return them."""
    target = _target(session)
    return _run(target, _prepared_for(statement, target.dialect), params, True)


def fetch_first(
    session: Reads, statement: ReturnsRows, params: Mapping[str, Any]
) -> tuple[Any, ...] | None:
    """The first row of a prebuilt statement, or None."""
    target = _target(session)
    rows = _run(target, _prepared_for(statement, target.dialect), params, False)
    return rows[0] if rows else None
