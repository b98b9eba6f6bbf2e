"""Throttles slow guessing without locking the owner out, and one address never blocks another.

Also SECURITY case 46: behind a trusted proxy, a flood of failed sign-ins from one client
leaves every other client free, and the audit trail names the real addresses.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlmodel import Session, SQLModel, select
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.db import dispose_engines, make_engine, session_scope
from lms_reflex.models import AuditEvent, AuthSession
from lms_reflex.services import audit
from lms_reflex.services.accounts import own_account as accounts
from lms_reflex.services.accounts import registration, sessions, sign_in, throttles
from lms_reflex.services.accounts.throttles import TryLater
from lms_reflex.services.errors import InvalidInput
from lms_reflex.state.session import client_ip
from tests.unit.conftest import DEFAULT_PASSWORD

HOME = "198.51.100.20"
ATTACKER = "203.0.113.66"
PROXY = "127.0.0.1"


def log_in(run, email: str, password: str, ip: str = HOME) -> int:
    return run(sign_in.login, email=email, password=password, ip=ip, user_agent="pytest")


def fail(run, email: str, ip: str = HOME) -> type[Exception]:
    """One wrong password; returns which refusal came back."""
    with pytest.raises((InvalidInput, TryLater)) as caught:
        log_in(run, email, "not my password", ip)
    return caught.type


def refusal(run, email: str, password: str, ip: str = HOME) -> TryLater:
    with pytest.raises(TryLater) as caught:
        log_in(run, email, password, ip)
    return caught.value


# --- the delay itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "seconds"), [(4, 0), (5, 2), (6, 4), (9, 32), (10, 64), (13, 512), (40, 600)]
)
def test_the_delay_doubles_with_each_failure_up_to_a_cap(count: int, seconds: int) -> None:
    now = throttles.utcnow()
    assert throttles.delay_left(count, now, free=5, now=now) == seconds


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 second"), (40, "40 seconds"), (61, "2 minutes"), (600, "10 minutes")],
)
def test_the_wait_is_told_in_plain_words(seconds: int, text: str) -> None:
    assert throttles.try_again_message(seconds) == f"Too many attempts. Try again in {text}."


def test_the_message_tells_when_to_try_again(run, make_user, clock) -> None:
    user = make_user()
    for _ in range(9):
        fail(run, user.email)
        clock.advance(minutes=1)
    clock.advance(seconds=-60 + 24)  # the 9th failure asks for 32 s; 24 have passed
    refused = refusal(run, user.email, user.password)
    assert refused.message.startswith("Too many attempts. Try again in 8 seconds.")
    assert "reset your password" in refused.message
    assert refused.retry_after_s == 8


def test_the_account_is_slowed_not_locked(run, make_user, clock) -> None:
    user = make_user()
    failures = 0
    while failures < 12:  # an attacker guessing as fast as the delay lets them
        try:
            log_in(run, user.email, "not my password", ATTACKER)
        except TryLater as exc:
            clock.advance(seconds=exc.retry_after_s)
        except InvalidInput:
            failures += 1
    refused = refusal(run, user.email, user.password)
    assert 0 < refused.retry_after_s <= throttles.MAX_DELAY.total_seconds()
    clock.advance(seconds=refused.retry_after_s)
    assert log_in(run, user.email, user.password) == user.id


def test_unknown_and_known_emails_are_slowed_alike(run, make_user, clock) -> None:
    user = make_user()
    for email in (user.email, "nobody@example.org"):
        for _ in range(throttles.FREE_PER_ACCOUNT):
            assert fail(run, email) is InvalidInput
    known = refusal(run, user.email, user.password)
    unknown = refusal(run, "nobody@example.org", user.password)
    assert (known.message, known.retry_after_s) == (unknown.message, unknown.retry_after_s)


def test_the_owners_usual_address_is_spared_the_account_delay(run, make_user, clock) -> None:
    user = make_user()
    log_in(run, user.email, user.password, ip=HOME)
    for _ in range(throttles.FREE_PER_ACCOUNT + 3):
        fail(run, user.email, ip=ATTACKER)
    assert refusal(run, user.email, user.password, ip="192.0.2.1").retry_after_s > 0
    assert log_in(run, user.email, user.password, ip=HOME) == user.id


def test_a_password_reset_clears_the_account_delay(run, make_user, session: Session) -> None:
    user = make_user()
    for _ in range(throttles.FREE_PER_ACCOUNT + 4):
        fail(run, user.email, ip=ATTACKER)
    audit.record_event(session=session, action="password_reset", subject=user.email, ip=HOME)
    session.commit()
    assert log_in(run, user.email, user.password, ip="192.0.2.1") == user.id


# --- per address --------------------------------------------------------------------------


def test_a_flood_from_one_address_never_blocks_another(run, make_user, clock) -> None:
    user = make_user()
    for n in range(100):
        fail(run, f"victim{n}@example.org", ip=ATTACKER)
    assert refusal(run, "someone@example.org", "x" * 8, ip=ATTACKER).retry_after_s > 0
    assert log_in(run, user.email, user.password, ip=HOME) == user.id


# --- account deletion and sign-ups (limits) --------------------------------------------------


def delete(run, user, password: str, ip: str = HOME) -> None:
    run(accounts.delete_account, actor_id=user.id, password=password, ip=ip)


def test_account_deletion_password_guessing_is_slowed(run, make_user, clock) -> None:
    user = make_user()
    for _ in range(throttles.FREE_PER_ACCOUNT):
        with pytest.raises(InvalidInput):
            delete(run, user, "a wrong guess")
    with pytest.raises(TryLater, match="Try again in 2 seconds") as caught:
        delete(run, user, user.password)
    clock.advance(seconds=caught.value.retry_after_s)
    delete(run, user, user.password)


def sign_up(run, email: str, ip: str):
    fields = {"first_name": "Ada", "last_name": "Lovelace", "wants_to_teach": False}
    return run(registration.signup, email=email, password=DEFAULT_PASSWORD, ip=ip, **fields)


def test_sign_ups_per_address_per_hour_are_capped(run, session: Session, clock) -> None:
    for _ in range(throttles.SIGNUPS_PER_ADDRESS - 1):
        audit.record_event(session=session, action="signup_attempt", ip=ATTACKER)
    session.commit()
    sign_up(run, "last@example.org", ATTACKER)
    clock.advance(minutes=20)
    with pytest.raises(TryLater, match=r"Too many sign-ups.*Try again in 40 minutes"):
        sign_up(run, "one-more@example.org", ATTACKER)
    assert sign_up(run, "elsewhere@example.org", HOME).code is not None
    clock.advance(minutes=40, seconds=1)
    assert sign_up(run, "later@example.org", ATTACKER).code is not None


def test_a_refused_sign_up_form_does_not_count(run, session: Session) -> None:
    with pytest.raises(InvalidInput):
        run(registration.signup, email="a@example.org", password="short", ip=ATTACKER,
            first_name="A", last_name="B", wants_to_teach=False)  # fmt: skip
    rows = session.exec(select(AuditEvent).where(AuditEvent.action == "signup_attempt")).all()
    assert rows == []


# --- SECURITY case 46: behind a trusted proxy -------------------------------------------------


def websocket_state(peer: str, forwarded_for: str) -> SimpleNamespace:
    """What a handler sees as `self.router` for a websocket opened through the proxy."""
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else {}
    router = SimpleNamespace(
        session=SimpleNamespace(client_ip=peer), headers=SimpleNamespace(raw_headers=headers)
    )
    return SimpleNamespace(router=router)


def test_case_46_a_flood_behind_the_proxy_leaves_other_clients_free(
    run, make_user, settings_env, session: Session
) -> None:
    settings_env(trusted_proxies=PROXY)
    user = make_user()
    attacker_ip = client_ip(websocket_state(PROXY, f"10.9.9.9, {ATTACKER}"))
    for n in range(100):
        fail(run, f"guess{n}@example.org", ip=attacker_ip)
    victim_ip = client_ip(websocket_state(PROXY, HOME))
    assert log_in(run, user.email, user.password, ip=victim_ip) == user.id
    ips = {row.action: row.ip for row in session.exec(select(AuditEvent)).all()}
    assert ips["login_failed"] == ATTACKER and ips["login_ok"] == HOME


def test_the_event_path_ignores_a_header_from_an_untrusted_peer(settings_env) -> None:
    settings_env(trusted_proxies=PROXY)
    assert client_ip(websocket_state(ATTACKER, "198.51.100.1")) == ATTACKER
    settings_env(trusted_proxies="")
    assert client_ip(websocket_state(PROXY, HOME)) == PROXY


@pytest.fixture
def fresh_engines():
    dispose_engines()
    yield
    dispose_engines()


def redeem(ticket: sessions.LoginTicket, peer: str, forwarded_for: str):
    client = TestClient(build_api(), client=(peer, 40000))
    client.cookies.set(sessions.TICKET_KEY_COOKIE, ticket.browser_key)
    return client.get(
        "/api/auth/complete",
        params={"ticket": ticket.ticket},
        headers={"X-Forwarded-For": forwarded_for},
        follow_redirects=False,
    )


@pytest.mark.parametrize(("peer", "expected"), [(PROXY, HOME), (ATTACKER, ATTACKER)])
def test_the_sign_in_route_records_the_forwarded_address_only_from_the_proxy(
    settings_env, make_user, engine, fresh_engines, peer: str, expected: str
) -> None:
    settings_env(trusted_proxies=PROXY)
    dispose_engines()
    user = make_user()
    with session_scope() as db:
        ticket = sessions.issue_login_ticket(session=db, user_id=user.id)
    assert redeem(ticket, peer, f"6.6.6.6, {HOME}").status_code == 303
    with session_scope() as db:
        rows = db.exec(select(AuthSession).where(AuthSession.user_id == user.id)).all()
        assert [row.ip for row in rows if row.ip] == [expected]


# --- the same counting queries on PostgreSQL ----------------------------------------------


@pytest.mark.postgres
def test_delays_and_sign_up_caps_count_alike_on_postgres(pg_url: str, settings_env, clock) -> None:
    settings_env(database_url=pg_url)
    engine = make_engine(pg_url)
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine, expire_on_commit=False) as db:
            for _ in range(throttles.FREE_PER_ACCOUNT + 1):
                audit.record_event(
                    session=db, action="login_failed", subject="a@e.org", ip=ATTACKER
                )
            for _ in range(throttles.SIGNUPS_PER_ADDRESS):
                audit.record_event(session=db, action="signup_attempt", ip=ATTACKER)
            db.commit()
            clock.advance(seconds=1)
            wait = throttles.password_guess_wait
            assert wait(db, action="login_failed", subject="a@e.org", ip=HOME) == 3
            assert wait(db, action="login_failed", subject="b@e.org", ip=HOME) == 0
            with pytest.raises(TryLater, match="Try again in 60 minutes"):
                throttles.throttle_signups(db, ip=ATTACKER)
    finally:
        engine.dispose()
        dispose_engines()
