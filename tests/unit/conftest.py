"""Fixtures shared by the unit tests: a private install per test, a fresh database, users."""

from __future__ import annotations

import itertools
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from passlib.context import CryptContext
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

import lms_reflex.models  # noqa: F401  (registers every table on SQLModel.metadata)
from lms_reflex.db import dispose_engines, make_engine
from lms_reflex.mail import MemoryBackend, set_backend
from lms_reflex.models import Role, utcnow
from lms_reflex.search_schema import ensure_search_index
from lms_reflex.services import audit  # noqa: F401 (for clock)
from lms_reflex.services.accounts import (
    otp,  # noqa: F401 (for clock)
    password_reset,  # noqa: F401 (for clock)
    passwords,
    registration,
    sessions,  # noqa: F401 (for clock)
    sign_in,  # noqa: F401 (for clock)
    users,
)
from lms_reflex.services.accounts import own_account as accounts  # noqa: F401 (for clock)
from lms_reflex.settings import Settings, get_settings
from tests.pg import postgres_schema_url
from tests.unit._helpers import apply_env, forget_caches, lms_env

T = TypeVar("T")

TEST_SECRET_KEY = "unit-test-secret-key-that-is-long-enough-0123456789"
DEFAULT_PASSWORD = "correct horse battery staple"


# Production argon2 (19 MiB, 2 passes) costs ~55 ms a hash; the unit suite makes well over
# a thousand users. Tests about the hashing itself are marked `real_argon2`.
_CHEAP_ARGON2 = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=1024,
    argon2__time_cost=1,
    argon2__parallelism=1,
    deprecated="auto",
)


@pytest.fixture(autouse=True)
def _cheap_argon2(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("real_argon2") is None:
        monkeypatch.setattr(passwords, "_context", _CHEAP_ARGON2)


@pytest.fixture
def settings_env(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Settings]]:
    """Point every LMS_* variable into tmp_path. Call the result to override some:

    `settings_env(base_url="https://learn.example.org")` sets LMS_BASE_URL and reloads.
    """
    apply_env(monkeypatch, lms_env(tmp_path, LMS_SECRET_KEY=TEST_SECRET_KEY))

    def configure(**overrides: str) -> Settings:
        for name, value in overrides.items():
            monkeypatch.setenv(f"LMS_{name.upper()}", value)
        forget_caches()
        return get_settings()

    yield configure
    forget_caches()


def _add_schema(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)
    ensure_search_index(engine)  # the FTS5 index and triggers migration 0002 makes


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database with every table, built once per run.

    Building the schema (35 tables, their indexes, the FTS5 index and triggers) is a
    chain of DDL commits; per test it cost more than many tests themselves, and on CI's
    busy disk far more. Each test copies this file instead.
    """
    path = tmp_path_factory.mktemp("schema") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    _add_schema(engine)
    engine.dispose()  # the last connection's close moves the WAL into the main file
    assert not path.with_name("template.db-wal").exists()
    return path


@pytest.fixture
def engine(settings_env, schema_template: Path) -> Iterator[Engine]:
    """A fresh SQLite file at LMS_DATABASE_URL with every table, as production builds it."""
    url = get_settings().database_url
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    fresh_file = path is not None and not path.exists()
    if fresh_file:
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(schema_template, path)
    engine = make_engine(url)
    if not fresh_file:
        _add_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the fresh database (expire_on_commit=False, like session_scope)."""
    with Session(engine, expire_on_commit=False) as db:
        yield db
        db.rollback()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema (or a skip); request it before settings_env, which clears
    every LMS_* variable, LMS_TEST_POSTGRES_URL among them."""
    with postgres_schema_url() as url:
        yield url


@pytest.fixture
def pg_session(pg_url: str, settings_env) -> Iterator[Session]:
    """A session on that schema with every table, the app's settings pointing at it."""
    settings_env(database_url=pg_url)
    engine = make_engine(pg_url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as db:
        yield db
    engine.dispose()
    dispose_engines()  # the threads' pooled connections, before the schema is dropped


@pytest.fixture
def run(session: Session) -> Callable[..., Any]:
    """Call a service like `lms_reflex.db.run_service`: commit on return, roll back on error.

    Use it when a test must prove something survives the caller's rollback.
    """

    def call(fn: Callable[..., T], /, **kwargs: Any) -> T:
        try:
            result = fn(session=session, **kwargs)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result

    return call


class Clock:
    """A controllable `utcnow` for services; starts at the real time."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        """Move time forward, e.g. `clock.advance(minutes=10, seconds=1)`."""
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Freeze `utcnow` in every loaded lms_reflex.services module (they set timestamps)."""
    fake = Clock()
    for name, module in list(sys.modules.items()):
        if name.startswith("lms_reflex.services.") and getattr(module, "utcnow", None) is utcnow:
            monkeypatch.setattr(module, "utcnow", fake)
    return fake


@pytest.fixture
def mailbox() -> Iterator[MemoryBackend]:
    """Catch every mail sent through `lms_reflex.mail.send_mail` in `.sent`."""
    backend = MemoryBackend()
    set_backend(backend)
    yield backend
    set_backend(None)


@dataclass(frozen=True)
class MadeUser:
    """A user made for a test, with the password it signs in with."""

    id: int
    email: str
    password: str
    role: str


@pytest.fixture
def make_user(session: Session) -> Callable[..., MadeUser]:
    """Make users through the production paths and commit them.

    Students go through sign-up and the emailed code; instructors and admins through the
    operator command's `users.create_user`, because sign-up never grants a role.
    """
    numbers = itertools.count(1)

    def make(
        *,
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        role: str = Role.STUDENT,
        verified: bool = True,
        first_name: str = "Test",
        last_name: str = "User",
    ) -> MadeUser:
        email = email or f"user{next(numbers)}@example.org"
        if role == Role.STUDENT:
            user_id = _sign_up(session, email, password, first_name, last_name, verified)
        else:
            user_id = users.create_user(
                session=session,
                email=email,
                password=password,
                role=role,
                first_name=first_name,
                last_name=last_name,
                verified=verified,
            )
        session.commit()
        return MadeUser(id=user_id, email=email.lower(), password=password, role=role)

    return make


def _sign_up(
    session: Session, email: str, password: str, first: str, last: str, verified: bool
) -> int:
    result = registration.signup(
        session=session,
        first_name=first,
        last_name=last,
        email=email,
        password=password,
        wants_to_teach=False,
        ip="127.0.0.1",
    )
    assert result.code is not None, f"{email} already exists"
    if verified:
        return registration.verify_signup(
            session=session,
            email=result.email,
            code=result.code,
            ip="127.0.0.1",
            attempt=result.attempt,
        )
    user = users.find_user_by_email(session=session, email=result.email)
    assert user is not None and user.id is not None
    return user.id
