"""Sign-in writes once after the password hash (benchmarks/README.md, "Third session").

Sign-in sets the saturation point of the student mix. `LoginState.login` used to run the
password check, then the one-time ticket and the landing page's read as two more services,
each a transaction and a hop to a worker thread; now `sign_in.login_with_ticket` does all
three in one. These check that the ticket still works exactly once, that a refused
password still gets no ticket and is still counted, and that the handler runs that one
service and no other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import reflex as rx
from sqlmodel import Session, col, select

import lms_reflex.db
import lms_reflex.lms_reflex
from lms_reflex import routes
from lms_reflex.models import AuditEvent, AuthSession
from lms_reflex.services.accounts import sessions, sign_in
from lms_reflex.services.errors import InvalidInput
from lms_reflex.state.accounts.auth import LoginState
from tests.unit.conftest import DEFAULT_PASSWORD

IP = "203.0.113.9"


def tickets(session: Session) -> int:
    session.expire_all()
    rows = session.exec(select(AuthSession).where(AuthSession.user_agent == sessions.TICKET_MARKER))
    return len(rows.all())


def sign_in_with_ticket(run, email: str, password: str, *, find_landing: bool = True):
    return run(
        sign_in.login_with_ticket,
        email=email,
        password=password,
        ip=IP,
        user_agent="pytest",
        find_landing=find_landing,
    )


def test_the_ticket_and_landing_come_from_the_one_transaction(run, make_user) -> None:
    student = make_user(email="ada@example.org")
    done = sign_in_with_ticket(run, student.email, DEFAULT_PASSWORD)
    assert (done.user_id, done.landing) == (student.id, routes.DASHBOARD)
    redeem = {"ticket": done.ticket.ticket, "ip": IP, "user_agent": "pytest"}
    token = run(sessions.redeem_login_ticket, browser_key=done.ticket.browser_key, **redeem)
    assert run(sessions.check_session, token=token)[0].id == student.id
    with pytest.raises(InvalidInput):  # exactly once
        run(sessions.redeem_login_ticket, browser_key=done.ticket.browser_key, **redeem)
    assert (
        sign_in_with_ticket(run, student.email, DEFAULT_PASSWORD, find_landing=False).landing == ""
    )


def test_a_wrong_password_gets_no_ticket_and_is_still_counted(
    run, session: Session, make_user
) -> None:
    student = make_user(email="bob@example.org")
    with pytest.raises(InvalidInput):
        sign_in_with_ticket(run, student.email, "not the password at all")
    assert tickets(session) == 0
    failed = session.exec(select(AuditEvent).where(col(AuditEvent.action) == "login_failed")).all()
    assert len(failed) == 1


def login_tab(query: dict[str, str]) -> LoginState:
    root = rx.State(_reflex_internal_init=True)
    data = {"token": "tab", "pathname": "/login", "query": query, "headers": {}}
    root.router_data = root._update_router_vars(data, {})
    return root.get_substate(LoginState.get_full_name().split("."))  # type: ignore[return-value]


def count_services(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    called: list[str] = []
    real: Callable[..., Any] = lms_reflex.db.run_service

    def counted(fn: Callable[..., Any], /, **kwargs: Any) -> Any:
        called.append(getattr(fn, "__name__", repr(fn)))
        return real(fn, **kwargs)

    monkeypatch.setattr(lms_reflex.db, "run_service", counted)
    return called


@pytest.mark.parametrize("query", [{}, {"next": "/courses"}])
async def test_the_handler_runs_one_service_and_redirects_to_the_ticket_route(
    make_user, monkeypatch: pytest.MonkeyPatch, query: dict[str, str]
) -> None:
    student = make_user(email="cy@example.org")
    called = count_services(monkeypatch)
    tab = login_tab(query)
    form = {"email": student.email, "password": DEFAULT_PASSWORD}
    replies = [reply async for reply in LoginState.login.fn(tab, form)]
    assert called == ["login_with_ticket"]
    script = str(replies[-1])
    assert "/api/auth/complete?ticket=" in script
    landing = query.get("next", routes.DASHBOARD).replace("/", "%2F")
    assert f"next={landing}" in script
