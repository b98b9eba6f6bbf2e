"""Mailed one-time codes (docs/security.md cases 9-12)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from lms_reflex.db import session_scope
from lms_reflex.models import AuditEvent, EmailOtp, OtpPurpose
from lms_reflex.services.accounts import otp
from lms_reflex.services.errors import InvalidInput, Throttled
from lms_reflex.settings import get_settings

ALICE = "alice@example.org"
BOB = "bob@example.org"
SIGNUP = OtpPurpose.SIGNUP


def issue(run, email: str = ALICE, purpose: str = SIGNUP) -> str:
    return run(otp.issue_code, email=email, purpose=purpose)


def verify(run, code: str, email: str = ALICE, purpose: str = SIGNUP) -> None:
    run(otp.verify_code, email=email, purpose=purpose, code=code)


def refusal(run, code: str, email: str = ALICE, purpose: str = SIGNUP) -> str:
    with pytest.raises(otp.CodeRefused) as caught:
        verify(run, code, email, purpose)
    return caught.value.reason


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_six_digits(run) -> None:
    code = issue(run)
    assert len(code) == 6 and code.isdigit()


def test_code_comes_from_secrets(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(otp.secrets, "randbelow", lambda n: 42)
    assert issue(run) == "000042"


def test_only_an_hmac_of_the_code_is_stored(run, session: Session) -> None:
    code = issue(run)
    rows = session.exec(text("SELECT * FROM email_otp")).mappings().all()
    assert len(rows) == 1
    for column, value in rows[0].items():
        if isinstance(value, str) and column not in ("created_at", "expires_at", "used_at"):
            assert code not in value, column
    expected = hmac.new(
        get_settings().secret(), f"signup:{ALICE}:{code}".encode(), hashlib.sha256
    ).hexdigest()
    assert rows[0]["code_hmac"] == expected


def test_code_never_reaches_the_logs(run, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    code = issue(run)
    refusal(run, other_code(code))
    verify(run, code)
    assert code not in caplog.text


def test_right_code_is_accepted_once(run) -> None:
    code = issue(run)
    verify(run, code)
    assert refusal(run, code) == otp.USED


def test_code_with_spaces_around_is_accepted(run) -> None:
    code = issue(run)
    verify(run, f" {code[:3]} {code[3:]} ")


def test_code_older_than_ten_minutes_is_refused(run, clock) -> None:
    code = issue(run)
    clock.advance(minutes=10)
    assert refusal(run, code) == otp.EXPIRED


def test_code_just_under_ten_minutes_old_is_accepted(run, clock) -> None:
    code = issue(run)
    clock.advance(minutes=9, seconds=59)
    verify(run, code)


def test_code_for_alice_is_refused_for_bob(run) -> None:
    issue(run, BOB)
    code = issue(run, ALICE)
    assert refusal(run, code, email=BOB) == otp.WRONG


def test_code_for_an_email_without_codes_is_refused(run) -> None:
    code = issue(run, ALICE)
    assert refusal(run, code, email=BOB) == otp.WRONG


def test_signup_code_is_refused_for_a_password_reset(run) -> None:
    code = issue(run)
    issue(run, purpose=OtpPurpose.RESET)
    assert refusal(run, code, purpose=OtpPurpose.RESET) == otp.WRONG


def test_five_wrong_codes_kill_the_code(run) -> None:
    code = issue(run)
    reasons = [refusal(run, other_code(code)) for _ in range(otp.MAX_ATTEMPTS)]
    assert reasons == [otp.WRONG] * 4 + [otp.TOO_MANY]
    assert refusal(run, code) == otp.TOO_MANY


def test_wrong_tries_survive_the_callers_rollback(run, session: Session) -> None:
    code = issue(run)
    refusal(run, other_code(code))  # `run` rolls back, as run_service does
    refusal(run, other_code(code))
    wrong = select(AuditEvent).where(AuditEvent.action == otp.WRONG_TRY)
    assert len(session.exec(wrong).all()) == 2


def test_resend_within_a_minute_is_throttled_with_the_wait(run, clock) -> None:
    issue(run)
    clock.advance(seconds=45)
    with pytest.raises(Throttled, match="15 seconds"):
        issue(run)
    assert run(otp.seconds_until_resend, email=ALICE, purpose=SIGNUP) == 15


def test_resend_after_a_minute_is_allowed(run, clock) -> None:
    issue(run)
    clock.advance(seconds=60)
    assert run(otp.seconds_until_resend, email=ALICE, purpose=SIGNUP) == 0
    issue(run)


def test_resend_throttle_is_per_purpose(run) -> None:
    issue(run)
    issue(run, purpose=OtpPurpose.EMAIL_CHANGE)


def test_new_code_kills_the_old_one(run, clock) -> None:
    old = issue(run)
    clock.advance(seconds=61)
    new = issue(run)
    if old != new:
        assert refusal(run, old) == otp.WRONG
    verify(run, new)


def test_new_code_marks_the_old_row_used(run, clock, session: Session) -> None:
    issue(run)
    clock.advance(seconds=61)
    issue(run)
    used = session.exec(select(EmailOtp.used_at).order_by(EmailOtp.id)).all()
    assert used[0] is not None and used[1] is None


def test_code_consumed_between_check_and_use_is_refused(
    run, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = issue(run)
    real_check = otp._check

    def check_then_lose_the_race(row: EmailOtp) -> None:
        real_check(row)
        # Another worker uses the code after our checks passed but before our UPDATE.
        session.exec(
            text("UPDATE email_otp SET used_at = created_at WHERE id = :id"), params={"id": row.id}
        )

    monkeypatch.setattr(otp, "_check", check_then_lose_the_race)
    assert refusal(run, code) == otp.USED


def test_two_racing_verifications_have_exactly_one_winner(run, session: Session) -> None:
    code = issue(run)
    session.close()  # release the fixture connection; the threads use the app's engine
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            with session_scope() as db:
                otp.verify_code(session=db, email=ALICE, purpose=SIGNUP, code=code)
            outcomes.append("won")
        except InvalidInput as exc:
            outcomes.append(getattr(exc, "reason", "?"))

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["used", "won"]


def test_reset_token_has_256_bits_and_lasts_thirty_minutes(run, clock) -> None:
    token = run(otp.issue_reset_token, email=ALICE)
    assert len(token) >= 43
    clock.advance(minutes=29)
    verify(run, token, purpose=OtpPurpose.RESET)


def test_reset_token_expires_after_thirty_minutes(run, clock) -> None:
    token = run(otp.issue_reset_token, email=ALICE)
    clock.advance(minutes=30)
    assert refusal(run, token, purpose=OtpPurpose.RESET) == otp.EXPIRED


def test_unknown_purpose_is_a_programming_error(run) -> None:
    with pytest.raises(ValueError):
        issue(run, purpose="admin")
