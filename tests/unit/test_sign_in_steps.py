"""The sign-in page runs `sign_in.login` in three steps, so the hashing thread only hashes.

At 1,000 arriving students the one hashing thread spent about twice a hash's CPU time per
sign-in, waiting for SQLite's writer and the GIL around the hash, and sign-ins queued for
seconds (benchmarks/README.md, "Ninth session"). The page now reads the account and the
throttle before the hash and records the outcome after it, both on the shared pool. These
tests hold what that must keep: only the hash runs on the hashing thread, and the account
is read again after the check, so a password changed or an account deactivated meanwhile
signs nobody in.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
import reflex as rx
from sqlmodel import Session, select

import lms_reflex.db as db
import lms_reflex.lms_reflex  # noqa: F401  (registers every page and state)
from lms_reflex.models import AuditEvent, AuthSession, User
from lms_reflex.services.accounts import sign_in
from lms_reflex.services.accounts.passwords import hash_password
from lms_reflex.services.errors import InvalidInput
from lms_reflex.state.accounts.auth import LoginState


class RecordingPool(ThreadPoolExecutor):
    """The hashing pool, noting the name of every function it is given."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.ran: list[str] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        inner = getattr(fn, "func", fn)  # functools.partial
        self.ran.append(getattr(inner, "__name__", repr(inner)))
        return super().submit(fn, *args, **kwargs)


def _login_tab() -> LoginState:
    root = rx.State(_reflex_internal_init=True)
    data = {"token": "tab", "pathname": "/login", "query": {}, "headers": {}}
    root.router_data = root._update_router_vars(data, {})
    return root.get_substate(LoginState.get_full_name().split("."))  # type: ignore[return-value]


def _events(session: Session, action: str) -> list[AuditEvent]:
    rows = session.exec(select(AuditEvent).where(AuditEvent.action == action)).all()
    session.rollback()
    return list(rows)


async def test_the_sign_in_page_gives_the_hashing_thread_only_the_hash(
    session: Session, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user()
    pool = RecordingPool()
    monkeypatch.setattr(db, "_hashing", pool)
    tab = _login_tab()
    form = {"email": user.email, "password": user.password}
    replies = [reply async for reply in LoginState.login.fn(tab, form)]
    pool.shutdown()
    assert pool.ran == ["check_password"]
    assert replies[-1] is not None and not tab.field_errors
    tickets = session.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all()
    assert len(tickets) == 1  # the one-time ticket the cookie route redeems
    assert len(_events(session, "login_ok")) == 1


async def test_a_wrong_password_on_the_page_is_refused_and_counted(
    session: Session, make_user
) -> None:
    user = make_user()
    tab = _login_tab()
    form = {"email": user.email, "password": "not the password at all"}
    _ = [reply async for reply in LoginState.login.fn(tab, form)]
    assert tab.field_errors.get("password") == sign_in.BAD_LOGIN
    assert len(_events(session, "login_failed")) == 1
    assert _events(session, "login_ok") == []


def _change(session: Session, user_id: int, **values: Any) -> None:
    row = session.get(User, user_id)
    assert row is not None
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.commit()


@pytest.mark.parametrize(
    "change",
    [
        {"password_hash": hash_password("a brand new passphrase")},
        {"is_active": False},
    ],
    ids=["password changed", "account deactivated"],
)
def test_a_change_during_the_check_signs_nobody_in(
    run, session: Session, make_user, change: dict[str, Any]
) -> None:
    user = make_user()
    attempt = run(sign_in.start_login, email=user.email, ip="10.0.0.1")
    verdict = sign_in.check_password(attempt, user.password)
    assert verdict[0]  # right for the hash read before the change
    _change(session, user.id, **change)
    with pytest.raises(InvalidInput) as refused:
        run(sign_in.finish_login, attempt=attempt, verdict=verdict, ip="10.0.0.1", user_agent="t")
    assert refused.value.message == sign_in.BAD_LOGIN
    assert len(_events(session, "login_failed")) == 1


def test_the_attempt_never_shows_the_hash(run, make_user) -> None:
    user = make_user()
    attempt = run(sign_in.start_login, email=user.email, ip="10.0.0.1")
    assert attempt.password_hash and attempt.password_hash not in repr(attempt)
