"""Account pre-hijacking and account enumeration (docs/security.md cases 47 and 49)."""

from __future__ import annotations

import asyncio
import inspect
import threading

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from lms_reflex.mail import Mail, set_backend
from lms_reflex.models import AuthSession, User
from lms_reflex.services.accounts import otp, password_reset, registration, sessions, sign_in
from lms_reflex.services.accounts.users import find_user_by_email as users_find
from lms_reflex.services.errors import DomainError, InvalidInput, Throttled
from lms_reflex.state import util as state_util
from lms_reflex.state.accounts import auth as auth_state
from lms_reflex.state.accounts import settings as account_state
from tests.unit.conftest import DEFAULT_PASSWORD

IP = "198.51.100.4"
VICTIM = "victim@example.org"
NOBODY = "nobody@example.org"
ATTACKER_PASSWORD = "the attacker's own passphrase"


def sign_up(run, email: str = VICTIM, password: str = DEFAULT_PASSWORD):
    fields = {"first_name": "Ada", "last_name": "Lovelace", "wants_to_teach": False, "ip": IP}
    return run(registration.signup, email=email, password=password, **fields)


def verify(run, email: str, code: str, attempt: str = "", new_password: str = "") -> int:
    fields = {"attempt": attempt, "new_password": new_password}
    return run(registration.verify_signup, email=email, code=code, ip=IP, **fields)


def log_in(run, email: str, password: str) -> int:
    return run(sign_in.login, email=email, password=password, ip=IP, user_agent="pytest")


def live_sessions(session: Session, user_id: int) -> list[AuthSession]:
    query = select(AuthSession).where(
        AuthSession.user_id == user_id,
        AuthSession.revoked_at.is_(None),  # type: ignore[union-attr]
    )
    return list(session.exec(query).all())


def user_id_of(session: Session, email: str) -> int:
    user = session.exec(select(User).where(User.email == email)).one()
    assert user.id is not None
    return user.id


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


# --- pre-hijacking -------------------------------------------------------------------------


def test_a_new_sign_up_for_an_unverified_address_kills_the_earlier_password(run, clock) -> None:
    sign_up(run, password=ATTACKER_PASSWORD)
    clock.advance(minutes=5)
    owner = sign_up(run, password=DEFAULT_PASSWORD)
    assert owner.code is not None
    user_id = verify(run, VICTIM, owner.code, owner.attempt)
    with pytest.raises(InvalidInput, match="incorrect"):
        log_in(run, VICTIM, ATTACKER_PASSWORD)
    assert log_in(run, VICTIM, DEFAULT_PASSWORD) == user_id


def test_the_earlier_claimants_code_dies_when_someone_signs_up_again(run, clock) -> None:
    attacker = sign_up(run, password=ATTACKER_PASSWORD)
    clock.advance(seconds=20)  # within the minute: no new code yet, but the old one is dead
    again = sign_up(run, password=DEFAULT_PASSWORD)
    assert again.code is None and again.mail is None
    with pytest.raises(otp.CodeRefused):
        verify(run, VICTIM, attacker.code, attacker.attempt)


def test_starting_over_ends_the_earlier_claimants_sessions(run, session, clock) -> None:
    sign_up(run, password=ATTACKER_PASSWORD)
    user_id = user_id_of(session, VICTIM)
    run(sessions.create_session, user_id=user_id, ip=IP, user_agent="attacker")  # made before
    clock.advance(minutes=2)
    sign_up(run, password=DEFAULT_PASSWORD)
    assert live_sessions(session, user_id) == []


def test_verifying_ends_every_other_session(run, session) -> None:
    result = sign_up(run, password=ATTACKER_PASSWORD)
    user_id = user_id_of(session, VICTIM)
    token = run(sessions.create_session, user_id=user_id, ip=IP, user_agent="attacker")
    verify(run, VICTIM, result.code, result.attempt)
    assert live_sessions(session, user_id) == []
    assert run(sessions.resolve_session, token=token) is None


def test_unverified_account_gets_no_session_at_sign_in(run, session) -> None:
    sign_up(run, password=ATTACKER_PASSWORD)
    with pytest.raises(sign_in.VerifyEmailFirst):
        log_in(run, VICTIM, ATTACKER_PASSWORD)
    assert session.exec(select(AuthSession)).all() == []


def test_a_session_of_an_unverified_user_is_refused_in_one_query(run, session, make_user) -> None:
    """Sessions made before unverified accounts stopped getting one are dead now."""
    verified = make_user(email="known@example.org")
    live = run(sessions.create_session, user_id=verified.id, ip=IP, user_agent="pytest")
    sign_up(run, password=ATTACKER_PASSWORD)
    user_id = user_id_of(session, VICTIM)
    token = run(sessions.create_session, user_id=user_id, ip=IP, user_agent="made before")
    assert run(sessions.check_session, token=token) == (None, False)
    assert run(sessions.as_session_user, token=token, work=lambda session, actor: actor) == (
        None,
        False,
    )
    assert run(sessions.resolve_session, token=token) is None
    assert run(sessions.check_session, token=live)[0] is not None
    cost = [
        statements(session, lambda t=t: run(sessions.check_session, token=t)) for t in (token, live)
    ]
    assert cost[0] == cost[1]  # no extra query: the verified column was read anyway


def test_a_code_from_a_later_sign_up_needs_a_password_in_this_tab(run, clock) -> None:
    owner = sign_up(run, password=DEFAULT_PASSWORD)
    clock.advance(minutes=2)
    attacker = sign_up(run, password=ATTACKER_PASSWORD)  # mails a code to the owner
    assert attacker.code is not None
    with pytest.raises(registration.ChoosePassword):
        verify(run, VICTIM, attacker.code, owner.attempt)  # the owner's tab, the newest mail
    user_id = verify(run, VICTIM, attacker.code, owner.attempt, new_password=OWNER_CHOICE)
    with pytest.raises(InvalidInput, match="incorrect"):
        log_in(run, VICTIM, ATTACKER_PASSWORD)
    assert log_in(run, VICTIM, OWNER_CHOICE) == user_id


OWNER_CHOICE = "the owner chose this at the code form"


def test_a_right_code_in_another_browser_must_choose_the_password(run, session, clock) -> None:
    sign_up(run, password=DEFAULT_PASSWORD)  # the victim, in browser A
    clock.advance(minutes=2)
    attacker = sign_up(run, password=ATTACKER_PASSWORD)  # the code goes to the victim
    user_id = user_id_of(session, VICTIM)
    token = run(sessions.create_session, user_id=user_id, ip=IP, user_agent="attacker")
    with pytest.raises(registration.ChoosePassword, match="choose a password"):
        verify(run, VICTIM, attacker.code)  # browser B holds no fingerprint
    assert run(users_find, email=VICTIM).email_verified_at is None
    verify(run, VICTIM, attacker.code, new_password=OWNER_CHOICE)  # the code still works
    with pytest.raises(InvalidInput, match="incorrect"):
        log_in(run, VICTIM, ATTACKER_PASSWORD)
    assert log_in(run, VICTIM, OWNER_CHOICE) == user_id
    assert run(sessions.resolve_session, token=token) is None


def test_the_tab_that_signed_up_keeps_its_password(run) -> None:
    result = sign_up(run, password=DEFAULT_PASSWORD)
    user_id = verify(run, VICTIM, result.code, result.attempt)
    assert log_in(run, VICTIM, DEFAULT_PASSWORD) == user_id


def test_a_password_chosen_at_the_code_form_follows_the_rules(run) -> None:
    result = sign_up(run, password=DEFAULT_PASSWORD)
    with pytest.raises(registration.PasswordRefused):
        verify(run, VICTIM, result.code, new_password="short")
    assert run(users_find, email=VICTIM).email_verified_at is None
    verify(run, VICTIM, result.code, new_password=OWNER_CHOICE)  # no try was spent
    assert log_in(run, VICTIM, OWNER_CHOICE)


def test_a_right_code_to_an_unknown_tab_does_not_reveal_accounts(run, known) -> None:
    """Without a right code, an address with or without an account answers alike."""
    sign_up(run, email=NOBODY)
    seen = {
        email: answer(lambda e=email: verify(run, e, "123456x", new_password=OWNER_CHOICE))
        for email in (known, NOBODY, "never@example.org")
    }
    assert len(set(seen.values())) == 1, seen


# --- enumeration: the five flows answer alike ----------------------------------------------


def answer(call) -> tuple[str, str]:
    """What a visitor can see of a service call: an error's type and text, or 'ok'."""
    try:
        call()
    except DomainError as exc:
        return type(exc).__name__, exc.message
    return "ok", ""


@pytest.fixture
def known(make_user) -> str:
    return make_user(email="known@example.org").email


def test_sign_up_answers_alike_for_known_and_unknown_addresses(run, known) -> None:
    results = [sign_up(run, email=email) for email in (known, NOBODY)]
    assert {type(r) for r in results} == {registration.SignupResult}
    assert [r.email for r in results] == [known, NOBODY]
    assert all(r.mail is not None and r.mail.to == r.email for r in results)


def test_five_wrong_codes_answer_alike_for_known_and_unknown_addresses(run, make_user) -> None:
    pending = sign_up(run, email="pending@example.org")
    wrong = other_code(pending.code)
    seen = {}
    for email in ("pending@example.org", NOBODY):
        seen[email] = [answer(lambda e=email: verify(run, e, wrong)) for _ in range(6)]
    assert seen["pending@example.org"] == seen[NOBODY]
    assert seen[NOBODY][-1][1] == otp.CodeRefused.MESSAGES[otp.TOO_MANY]


def test_wrong_codes_start_again_after_a_resend_for_known_and_unknown(run, clock) -> None:
    pending = sign_up(run, email="pending@example.org")
    wrong = other_code(pending.code)
    seen = {}
    for email in ("pending@example.org", NOBODY):
        for _ in range(otp.MAX_ATTEMPTS):
            answer(lambda e=email: verify(run, e, wrong))
    clock.advance(seconds=61)
    for email in ("pending@example.org", NOBODY):
        assert answer(lambda e=email: run(registration.resend_signup_code, email=e)) == ("ok", "")
        seen[email] = answer(lambda e=email: verify(run, e, "999999x"))
    assert seen["pending@example.org"] == seen[NOBODY]
    assert seen[NOBODY][1] == otp.CodeRefused.MESSAGES[otp.WRONG]


def test_resend_answers_alike_even_when_forged_inside_the_minute(run, known) -> None:
    sign_up(run, email="pending@example.org")  # a code went out just now
    answers = {
        answer(lambda e=email: run(registration.resend_signup_code, email=e))
        for email in ("pending@example.org", known, NOBODY)
    }
    assert answers == {("ok", "")}


def test_sign_in_answers_alike_for_known_and_unknown_addresses(run, known) -> None:
    answers = {
        answer(lambda e=email: log_in(run, e, "not the password")) for email in (known, NOBODY)
    }
    assert answers == {("InvalidInput", sign_in.BAD_LOGIN)}


def test_reset_answers_alike_and_its_wrong_links_too(run, known) -> None:
    for email in (known, NOBODY):
        assert answer(
            lambda e=email: run(password_reset.request_password_reset, email=e, ip=IP)
        ) == ("ok", "")
    seen = {}
    for email in (known, NOBODY):
        seen[email] = [
            answer(
                lambda e=email: run(
                    password_reset.reset_password,
                    email=e,
                    token="not-the-token",
                    new_password="a brand new passphrase",
                    ip=IP,
                )
            )
            for _ in range(6)
        ]
    assert seen[known] == seen[NOBODY]


# --- the owner of a taken address is told --------------------------------------------------


def test_sign_up_with_a_verified_address_mails_its_owner_not_a_code(
    run, session, settings_env, make_user
) -> None:
    settings_env(base_url="https://learn.example.org")
    owner = make_user(email="owner@example.org", first_name="Grace")
    result = sign_up(run, email=owner.email, password=ATTACKER_PASSWORD)
    assert result.code is None and result.mail is not None
    assert result.mail.to == owner.email and "tried to sign up" in result.mail.subject
    assert "https://learn.example.org/login" in result.mail.text
    assert "https://learn.example.org/forgot-password" in result.mail.text
    assert "no code will come" in result.mail.text
    assert log_in(run, owner.email, owner.password) == owner.id  # nothing changed
    again = sign_up(run, email=owner.email, password=ATTACKER_PASSWORD)
    assert again.mail is None  # at most one notice per quarter of an hour


# --- item 8: code tries per address per hour, whatever the resends -------------------------


def wrong_tries_with_resends(run, clock, email: str, wrong: str) -> str | None:
    """Two rounds of five wrong codes, a resend after each: ten wrong codes in the hour."""
    code = None
    for _ in range(otp.MAX_WRONG_PER_HOUR // otp.MAX_ATTEMPTS):
        for _ in range(otp.MAX_ATTEMPTS):
            answer(lambda: verify(run, email, wrong))
        clock.advance(seconds=61)
        sent = run(registration.resend_signup_code, email=email)
        code = sent.code if sent else None
    return code


def test_wrong_codes_are_limited_per_hour_across_resends(run, clock) -> None:
    result = sign_up(run, email="pending@example.org")
    code = wrong_tries_with_resends(run, clock, "pending@example.org", other_code(result.code))
    assert code is not None
    with pytest.raises(Throttled, match=r"Try again in \d+ minutes?\.") as caught:
        verify(run, "pending@example.org", code)  # even the right code waits
    assert 0 < caught.value.retry_after_s <= 3600
    clock.advance(hours=1)
    sent = run(registration.resend_signup_code, email="pending@example.org")
    verify(run, "pending@example.org", sent.code, result.attempt)


def test_the_hourly_limit_answers_alike_for_known_and_unknown(run, clock) -> None:
    result = sign_up(run, email="pending@example.org")
    wrong = other_code(result.code)
    seen = {}
    for email in ("pending@example.org", NOBODY):
        wrong_tries_with_resends(run, clock, email, wrong)
        seen[email] = answer(lambda e=email: verify(run, e, wrong))
    assert seen["pending@example.org"] == seen[NOBODY]
    assert seen[NOBODY][0] == "Throttled" and "Try again in" in seen[NOBODY][1]


# --- mail leaves after the reply -----------------------------------------------------------


class BlockedBackend:
    """Holds every send until released, like a slow SMTP server."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.release.wait(5)
        self.sent.append(mail)


def test_send_after_reply_returns_before_the_mail_is_sent() -> None:
    backend = BlockedBackend()
    mail = Mail(to="a@example.org", subject="s", text="t", html="h")

    async def handler() -> list[Mail]:
        state_util.send_after_reply(mail, None)
        seen_at_reply = list(backend.sent)  # the handler answers now, mail still on its way
        backend.release.set()
        await state_util.mail_sent()
        assert backend.sent == [mail]
        return seen_at_reply

    set_backend(backend)
    try:
        assert asyncio.run(handler()) == []
    finally:
        set_backend(None)


@pytest.mark.parametrize(
    "handler",
    [
        auth_state.SignupState.signup,
        auth_state.VerifyState.resend,
        auth_state.LoginState.login,
        auth_state.LoginState._verify_first,
        auth_state.PasswordResetState.request_reset,
        account_state.SettingsState.change_password,
    ],
)
def test_account_handlers_never_wait_for_a_mail(handler) -> None:
    source = inspect.getsource(getattr(handler, "fn", handler))
    assert "send_mail_off_loop" not in source and "send_mail(" not in source


# --- the same work for known and unknown addresses -----------------------------------------


def statements(session: Session, call) -> int:
    """How many SQL statements a service call runs (its cost, without the clock's noise)."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        answer(call)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_flows_do_the_same_database_work_for_known_and_unknown(
    run, session, clock, make_user
) -> None:
    known = make_user(email="known@example.org").email
    pending = [sign_up(run, email=f"pending{i}@example.org").email for i in range(2)]
    clock.advance(seconds=61)
    pairs = {
        "resend": lambda e: run(registration.resend_signup_code, email=e),
        "wrong code": lambda e: verify(run, e, "000000x"),
        "reset": lambda e: run(password_reset.request_password_reset, email=e, ip=IP),
        "sign-in": lambda e: log_in(run, e, "not the password"),
    }
    for name, call in pairs.items():
        first = pending[0] if name in ("resend", "wrong code") else known
        addresses = (first, f"{name[:5]}@x.org")
        costs = [statements(session, lambda e=e, c=call: c(e)) for e in addresses]
        assert costs[0] == costs[1], name
