"""Sign-in sessions and login tickets (docs/security.md cases 15-19)."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from lms_reflex.models import AuthSession, Role, User
from lms_reflex.services.accounts import sessions
from lms_reflex.services.errors import InvalidInput


@pytest.fixture
def user(make_user):
    return make_user()


def start(run, user_id: int, user_agent: str = "Firefox") -> str:
    return run(sessions.create_session, user_id=user_id, ip="10.0.0.1", user_agent=user_agent)


def resolve(run, token: str | None, *, touch: bool = True):
    return run(sessions.resolve_session, token=token, touch=touch)


def test_token_has_at_least_256_bits(run, user) -> None:
    token = start(run, user.id)
    assert len(token) >= 43  # 32 random bytes in URL-safe base64


def test_only_the_sha256_of_the_token_is_stored(run, session: Session, user) -> None:
    token = start(run, user.id)
    rows = session.exec(text("SELECT * FROM auth_session")).mappings().all()
    assert [r["token_hash"] for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert all(token not in str(value) for value in rows[0].values())


def test_each_sign_in_gets_a_new_token(run, user) -> None:
    assert start(run, user.id) != start(run, user.id)


def test_valid_token_resolves_to_its_user(run, user) -> None:
    actor = resolve(run, start(run, user.id))
    assert actor is not None and actor.id == user.id and actor.role == Role.STUDENT


@pytest.mark.parametrize("token", [None, "", "planted-by-an-attacker", "x" * 5000])
def test_token_the_server_did_not_make_is_anonymous(run, user, token) -> None:
    start(run, user.id)
    assert resolve(run, token) is None


def test_revoked_token_is_anonymous(run, user) -> None:
    token = start(run, user.id)
    assert run(sessions.revoke_session, token=token) == user.id
    assert resolve(run, token) is None


def test_revoking_an_unknown_token_is_harmless(run, user) -> None:
    assert run(sessions.revoke_session, token="never-issued") is None


def test_revoke_all_keeps_only_the_named_session(run, user, make_user) -> None:
    keep, drop = start(run, user.id), start(run, user.id)
    other_user = make_user()
    other = start(run, other_user.id)
    assert run(sessions.revoke_all_sessions, user_id=user.id, except_token=keep) == 1
    assert resolve(run, keep) is not None
    assert resolve(run, drop) is None
    assert resolve(run, other) is not None


def test_session_idle_for_two_hours_is_anonymous(run, user, clock) -> None:
    token = start(run, user.id)
    clock.advance(hours=1, minutes=59)
    assert resolve(run, token) is not None
    clock.advance(hours=2)
    assert resolve(run, token) is None


def test_activity_keeps_a_session_alive_past_the_idle_timeout(run, user, clock) -> None:
    token = start(run, user.id)
    for _ in range(3):
        clock.advance(hours=1, minutes=30)
        assert resolve(run, token) is not None


def test_session_ends_after_fourteen_days_despite_activity(run, user, clock) -> None:
    token = start(run, user.id)
    for _ in range(13 * 24 + 23):
        clock.advance(hours=1)
        assert resolve(run, token) is not None
    clock.advance(hours=1)
    assert resolve(run, token) is None


def test_heartbeats_do_not_extend_the_idle_timeout(run, user, clock) -> None:
    token = start(run, user.id)
    for _ in range(3):
        clock.advance(minutes=39)
        assert resolve(run, token, touch=False) is not None
    clock.advance(minutes=4)
    assert resolve(run, token, touch=False) is None


def test_last_seen_is_written_at_most_once_a_minute(run, session: Session, user, clock) -> None:
    token = start(run, user.id)
    created = session.exec(select(AuthSession.last_seen_at)).one()
    clock.advance(seconds=30)
    resolve(run, token)
    assert session.exec(select(AuthSession.last_seen_at)).one() == created
    clock.advance(seconds=31)
    resolve(run, token)
    assert session.exec(select(AuthSession.last_seen_at)).one() == clock.now


def test_deactivated_users_session_is_anonymous(run, session: Session, user) -> None:
    token = start(run, user.id)
    row = session.get(User, user.id)
    row.is_active = False
    session.commit()
    assert resolve(run, token) is None


def test_demoted_instructor_is_resolved_with_the_new_role(run, session: Session, make_user) -> None:
    teacher = make_user(role=Role.INSTRUCTOR)
    token = start(run, teacher.id)
    assert resolve(run, token).role == Role.INSTRUCTOR
    session.get(User, teacher.id).role = Role.STUDENT
    session.commit()
    assert resolve(run, token).role == Role.STUDENT


def test_cookie_is_plainly_named_over_http(settings_env) -> None:
    settings_env(base_url="http://localhost:3000")
    assert sessions.cookie_name() == "lms_session"


def test_cookie_has_the_host_prefix_over_https(settings_env) -> None:
    settings_env(base_url="https://learn.example.org")
    assert sessions.cookie_name() == "__Host-lms_session"


def redeem(run, ticket: sessions.LoginTicket, ip: str = "", user_agent: str = "") -> str:
    return run(
        sessions.redeem_login_ticket,
        ticket=ticket.ticket,
        browser_key=ticket.browser_key,
        ip=ip,
        user_agent=user_agent,
    )


def test_login_ticket_is_traded_for_a_session_once(run, user) -> None:
    ticket = run(sessions.issue_login_ticket, user_id=user.id)
    token = redeem(run, ticket, ip="10.0.0.1", user_agent="Firefox")
    assert resolve(run, token).id == user.id
    with pytest.raises(InvalidInput, match="no longer valid"):
        redeem(run, ticket, ip="10.0.0.1", user_agent="Firefox")


@pytest.mark.parametrize("key", ["", "someone-elses-key", "x" * 129])
def test_a_ticket_needs_the_key_of_the_browser_it_was_made_for(run, user, key: str) -> None:
    """Login CSRF: the ticket URL opened in another browser signs nobody in."""
    ticket = run(sessions.issue_login_ticket, user_id=user.id)
    with pytest.raises(InvalidInput, match="no longer valid"):
        run(
            sessions.redeem_login_ticket,
            ticket=ticket.ticket,
            browser_key=key,
            ip="",
            user_agent="",
        )
    assert resolve(run, redeem(run, ticket)).id == user.id  # the right browser still can


def test_login_ticket_expires_after_a_minute(run, user, clock) -> None:
    ticket = run(sessions.issue_login_ticket, user_id=user.id)
    clock.advance(seconds=60)
    with pytest.raises(InvalidInput):
        redeem(run, ticket)


def test_login_ticket_is_not_a_session_token(run, user) -> None:
    ticket = run(sessions.issue_login_ticket, user_id=user.id)
    assert resolve(run, ticket.ticket) is None and resolve(run, ticket.browser_key) is None


def test_session_token_is_not_a_login_ticket(run, user) -> None:
    token = start(run, user.id)
    with pytest.raises(InvalidInput):
        run(sessions.redeem_login_ticket, ticket=token, browser_key="", ip="", user_agent="")


def test_ticket_row_is_never_accepted_as_a_session(run, session: Session, user) -> None:
    ticket = run(sessions.issue_login_ticket, user_id=user.id)
    # Even a row found by a session-style hash is refused when it is a ticket row.
    row = session.exec(select(AuthSession)).one()
    row.token_hash = hashlib.sha256(ticket.ticket.encode()).hexdigest()
    session.commit()
    assert resolve(run, ticket.ticket) is None


def test_browser_calling_itself_login_ticket_still_gets_a_working_session(run, user) -> None:
    token = start(run, user.id, user_agent=sessions.TICKET_MARKER)
    assert resolve(run, token) is not None


def test_ticket_consumed_by_a_racing_redemption_is_refused(
    run, session: Session, user, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = run(sessions.issue_login_ticket, user_id=user.id)
    real_exec = session.exec
    raced: list[bool] = []

    def exec_with_race(statement, *args, **kwargs):
        if getattr(statement, "is_update", False) and not raced:
            # Another worker spends the ticket between our SELECT and our UPDATE.
            raced.append(True)
            real_exec(text("UPDATE auth_session SET revoked_at = created_at"))
        return real_exec(statement, *args, **kwargs)

    monkeypatch.setattr(session, "exec", exec_with_race)
    with pytest.raises(InvalidInput):
        redeem(run, ticket)


def test_revoking_all_sessions_also_voids_pending_tickets(run, user) -> None:
    ticket = run(sessions.issue_login_ticket, user_id=user.id)
    run(sessions.revoke_all_sessions, user_id=user.id)
    with pytest.raises(InvalidInput):
        redeem(run, ticket)


def test_ticket_of_a_deactivated_user_is_refused(run, session: Session, user) -> None:
    ticket = run(sessions.issue_login_ticket, user_id=user.id)
    session.get(User, user.id).is_active = False
    session.commit()
    with pytest.raises(InvalidInput):
        redeem(run, ticket)


def test_check_session_reads_and_says_when_a_touch_is_due(run, make_user, clock) -> None:
    user = make_user()
    token = run(sessions.create_session, user_id=user.id, ip="127.0.0.1", user_agent="t")
    actor, due = run(sessions.check_session, token=token)
    assert actor is not None and actor.id == user.id and due is False
    clock.advance(seconds=61)
    assert run(sessions.check_session, token=token)[1] is True
    run(sessions.touch_session, token=token)
    assert run(sessions.check_session, token=token)[1] is False
    clock.advance(hours=2, seconds=1)  # idle for longer than the idle timeout
    assert run(sessions.check_session, token=token) == (None, False)


def test_check_session_refuses_revoked_tokens(run, make_user) -> None:
    user = make_user()
    token = run(sessions.create_session, user_id=user.id, ip="127.0.0.1", user_agent="t")
    run(sessions.revoke_session, token=token)
    assert run(sessions.check_session, token=token) == (None, False)
    run(sessions.touch_session, token=token)  # a revoked session is not revived
    assert run(sessions.check_session, token=token) == (None, False)


def test_as_session_user_runs_the_work_as_the_tokens_user_in_one_transaction(
    run, make_user, clock
) -> None:
    user = make_user()
    token = run(sessions.create_session, user_id=user.id, ip="127.0.0.1", user_agent="t")
    seen: list = []

    def work(session: Session, actor):
        seen.append((session, actor))
        return "done"

    assert run(sessions.as_session_user, token=token, work=work) == ("done", False)
    session, actor = seen[-1]
    assert isinstance(session, Session) and actor.id == user.id
    clock.advance(seconds=61)
    assert run(sessions.as_session_user, token=token, work=work) == ("done", True)
    run(sessions.revoke_session, token=token)
    assert run(sessions.as_session_user, token=token, work=work) == ("done", False)
    assert seen[-1][1] is None  # signed out: the work sees no actor
    assert run(sessions.as_session_user, token=None, work=work)[0] == "done"
    assert seen[-1][1] is None
