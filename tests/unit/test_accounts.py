"""Accounts: sign-up, sign-in, recovery, own data (docs/security.md cases 1-8, 13, 14, 27, 39)."""

from __future__ import annotations

import inspect
import json
import logging
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from alembic import command
from alembic.config import Config
from passlib.context import CryptContext
from sqlalchemy import func, text
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel, select

from lms_reflex.db import make_engine
from lms_reflex.models import (
    ApiRefreshToken,
    ApiSession,
    AuditEvent,
    AuthSession,
    EmailOtp,
    Enrollment,
    LessonProgress,
    Profile,
    Review,
    Role,
    User,
)
from lms_reflex.services import audit
from lms_reflex.services.accounts import (
    api_tokens,
    otp,
    password_reset,
    registration,
    sessions,
    sign_in,
    throttles,
)
from lms_reflex.services.accounts import own_account as accounts
from lms_reflex.services.errors import Conflict, InvalidInput, NotSignedIn, Throttled
from tests.unit.catalog_fixtures import add_course
from tests.unit.conftest import DEFAULT_PASSWORD

NEW_PASSWORD = "a brand new passphrase"
IP = "203.0.113.7"


def sign_up(run, email: str = "ada@example.org", password: str = DEFAULT_PASSWORD, **extra):
    fields = {"first_name": "Ada", "last_name": "Lovelace", "wants_to_teach": False, "ip": IP}
    return run(registration.signup, email=email, password=password, **(fields | extra))


def log_in(run, email: str, password: str, ip: str = IP) -> int:
    return run(sign_in.login, email=email, password=password, ip=ip, user_agent="pytest")


def refused_login(run, email: str, password: str, ip: str = IP) -> pytest.ExceptionInfo:
    with pytest.raises((InvalidInput, Throttled)) as caught:
        log_in(run, email, password, ip)
    return caught


def user_row(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def every_stored_text(session: Session) -> str:
    """All values of all tables, for "never stored" checks."""
    dumps = []
    for table in SQLModel.metadata.sorted_tables:
        rows = session.exec(text(f'SELECT * FROM "{table.name}"')).all()
        dumps.append(repr(rows))
    return "\n".join(dumps)


# --- sign-up -------------------------------------------------------------------------------


def test_signup_creates_an_unverified_student_with_a_profile(run, session: Session) -> None:
    result = sign_up(run, email="  Ada.Lovelace@Example.ORG ")
    assert result.email == "ada.lovelace@example.org"
    assert result.code is not None and len(result.code) == 6
    user = user_row(session, result.email)
    assert (user.role, user.email_verified_at, user.is_active) == (Role.STUDENT, None, True)
    assert session.exec(select(Profile).where(Profile.user_id == user.id)).one()


def test_signup_has_no_role_active_or_verified_parameter() -> None:
    params = set(inspect.signature(registration.signup).parameters)
    assert not params & {"role", "is_active", "email_verified_at", "id", "user_id"}


def test_signup_refuses_extra_fields_instead_of_applying_them(run) -> None:
    with pytest.raises(TypeError):
        sign_up(run, role=Role.ADMIN)


def test_wanting_to_teach_records_a_request_but_stays_a_student(run, session: Session) -> None:
    result = sign_up(run, wants_to_teach=True)
    user = user_row(session, result.email)
    assert user.role == Role.STUDENT
    assert user.instructor_requested_at is not None


def test_signup_with_a_seven_character_password_is_refused(run, session: Session) -> None:
    with pytest.raises(InvalidInput, match="at least 8"):
        sign_up(run, password="kq7#zp2")
    assert session.exec(select(func.count()).select_from(User)).one() == 0


def test_signup_with_a_common_password_is_refused(run) -> None:
    with pytest.raises(InvalidInput, match="too common"):
        sign_up(run, password="iloveyou")


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.org", "a b@example.org"])
def test_signup_with_a_malformed_email_is_refused(run, email: str) -> None:
    with pytest.raises(InvalidInput, match="valid email"):
        sign_up(run, email=email)


@pytest.mark.parametrize(("field", "value"), [("first_name", "  "), ("last_name", "x" * 81)])
def test_signup_with_a_blank_or_too_long_name_is_refused(run, field: str, value: str) -> None:
    with pytest.raises(InvalidInput, match="name"):
        sign_up(run, **{field: value})


def test_signup_with_a_taken_email_answers_like_a_new_one(run, session: Session) -> None:
    first = sign_up(run)
    again = sign_up(run, email="ADA@example.org", password="another fine password")
    assert type(again) is type(first) and again.email == first.email
    assert again.code is None  # nothing to mail
    assert session.exec(select(func.count()).select_from(User)).one() == 1
    assert session.exec(select(func.count()).select_from(EmailOtp)).one() == 1


def test_taken_email_still_pays_for_a_hash(run, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_up(run)
    calls: list[str] = []
    monkeypatch.setattr(registration, "hash_password", lambda pw: calls.append(pw) or "h")
    sign_up(run, password="another fine password")
    assert len(calls) == 1


def test_password_is_never_stored_or_logged(run, session, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    result = sign_up(run)
    run(
        registration.verify_signup,
        email=result.email,
        code=result.code,
        ip=IP,
        attempt=result.attempt,
    )
    log_in(run, result.email, DEFAULT_PASSWORD)
    refused_login(run, result.email, "wrong " + DEFAULT_PASSWORD)
    assert DEFAULT_PASSWORD not in every_stored_text(session)
    assert DEFAULT_PASSWORD not in caplog.text
    assert result.code not in caplog.text


# --- verification --------------------------------------------------------------------------


def test_right_code_verifies_the_email(run, session: Session) -> None:
    result = sign_up(run)
    user_id = run(
        registration.verify_signup,
        email=result.email,
        code=result.code,
        ip=IP,
        attempt=result.attempt,
    )
    assert user_row(session, result.email).id == user_id
    assert user_row(session, result.email).email_verified_at is not None


def test_wrong_code_does_not_verify(run, session: Session) -> None:
    result = sign_up(run)
    wrong = f"{(int(result.code) + 1) % 1_000_000:06d}"
    with pytest.raises(InvalidInput, match="not correct"):
        run(registration.verify_signup, email=result.email, code=wrong, ip=IP)
    assert user_row(session, result.email).email_verified_at is None


def test_unknown_email_gets_the_wrong_code_answer(run) -> None:
    result = sign_up(run)
    with pytest.raises(InvalidInput, match="not correct"):
        run(registration.verify_signup, email="nobody@example.org", code=result.code, ip=IP)


def test_failed_verification_is_in_the_audit_trail(run, session: Session) -> None:
    sign_up(run)
    with pytest.raises(InvalidInput):
        run(registration.verify_signup, email="ada@example.org", code="000000x", ip=IP)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "signup_verify_failed"))
    assert event.one().ip == IP


def test_resend_gives_a_new_code_that_replaces_the_old(run, clock) -> None:
    first = sign_up(run)
    clock.advance(seconds=61)
    sent = run(registration.resend_signup_code, email=first.email)
    assert sent is not None
    code = sent.code
    assert sent.mail.to == first.email and code in sent.mail.text  # the service builds it
    if code != first.code:
        with pytest.raises(InvalidInput):
            run(registration.verify_signup, email=first.email, code=first.code, ip=IP)
    run(registration.verify_signup, email=first.email, code=code, ip=IP, attempt=first.attempt)


def test_resend_for_unknown_or_verified_email_sends_nothing(run, make_user) -> None:
    verified = make_user()
    assert run(registration.resend_signup_code, email="nobody@example.org") is None
    assert run(registration.resend_signup_code, email=verified.email) is None


def test_resend_twice_within_a_minute_is_throttled_for_unknown_emails_too(run, clock) -> None:
    sign_up(run)
    clock.advance(seconds=61)
    for email in ("ada@example.org", "nobody@example.org"):
        run(registration.resend_signup_code, email=email)
        clock.advance(seconds=30)
        with pytest.raises(Throttled):
            run(registration.resend_signup_code, email=email)


# --- sign-in -------------------------------------------------------------------------------


def test_right_password_signs_in(run, make_user) -> None:
    user = make_user()
    assert log_in(run, user.email, user.password) == user.id


def test_unverified_user_gets_no_session_but_a_way_to_verify(run, session, make_user) -> None:
    user = make_user(verified=False)
    caught = refused_login(run, user.email, user.password)
    assert isinstance(caught.value, sign_in.VerifyEmailFirst)
    assert caught.value.email == user.email
    assert caught.value.attempt == registration.attempt_of(
        user_row(session, user.email).password_hash
    )
    assert not session.exec(select(AuthSession)).all()


def test_unverified_user_with_a_wrong_password_gets_the_usual_answer(run, make_user) -> None:
    user = make_user(verified=False)
    caught = refused_login(run, user.email, "not my password at all")
    assert type(caught.value) is InvalidInput and caught.value.message == sign_in.BAD_LOGIN


def test_email_is_matched_whatever_its_case(run, make_user) -> None:
    user = make_user(email="grace@example.org")
    assert log_in(run, " Grace@EXAMPLE.org", user.password) == user.id


def test_unknown_email_wrong_password_and_deactivated_get_the_same_answer(
    run, session: Session, make_user
) -> None:
    user, inactive = make_user(), make_user()
    session.get(User, inactive.id).is_active = False
    session.commit()
    answers = {
        (type(e.value), e.value.message)
        for e in (
            refused_login(run, "nobody@example.org", DEFAULT_PASSWORD),
            refused_login(run, "not even an email", DEFAULT_PASSWORD),
            refused_login(run, user.email, "not my password at all"),
            refused_login(run, inactive.email, inactive.password),
        )
    }
    assert answers == {(InvalidInput, sign_in.BAD_LOGIN)}


def test_unknown_email_still_checks_a_password_hash(run, monkeypatch) -> None:
    checked: list[object] = []
    real = sign_in.verify_password
    monkeypatch.setattr(sign_in, "verify_password", lambda pw, h: checked.append(h) or real(pw, h))
    refused_login(run, "nobody@example.org", DEFAULT_PASSWORD)
    assert checked == [None]  # None means: verify against the dummy hash


def test_repeated_failures_make_even_the_right_password_wait(run, make_user, clock) -> None:
    user = make_user()
    for _ in range(throttles.FREE_PER_ACCOUNT):
        assert refused_login(run, user.email, "not my password").type is InvalidInput
    caught = refused_login(run, user.email, user.password)
    assert caught.type is throttles.TryLater
    assert str(caught.value).startswith("Too many attempts. Try again in 2 seconds.")


def test_failures_below_the_free_count_do_not_throttle(run, make_user) -> None:
    user = make_user()
    for _ in range(throttles.FREE_PER_ACCOUNT - 1):
        refused_login(run, user.email, "not my password")
    assert log_in(run, user.email, user.password) == user.id


def test_failures_are_counted_from_the_database_not_memory(run, session, make_user, clock) -> None:
    user = make_user()
    for _ in range(throttles.FREE_PER_ACCOUNT):
        audit.record_event(session=session, action="login_failed", subject=user.email, ip="x")
    session.commit()
    assert refused_login(run, user.email, user.password).type is throttles.TryLater


def test_throttle_lifts_after_fifteen_minutes(run, make_user, clock) -> None:
    user = make_user()
    for _ in range(throttles.FREE_PER_ACCOUNT + 5):
        refused_login(run, user.email, "not my password")
        clock.advance(seconds=40)
    clock.advance(minutes=15, seconds=1)
    assert log_in(run, user.email, user.password) == user.id


def test_failures_from_one_ip_slow_only_that_ip(run, session, make_user, clock) -> None:
    user = make_user()
    for n in range(throttles.FREE_PER_ADDRESS):
        audit.record_event(session=session, action="login_failed", subject=f"x{n}@e.org", ip=IP)
    session.commit()
    assert refused_login(run, user.email, user.password, ip=IP).type is throttles.TryLater
    assert log_in(run, user.email, user.password, ip="198.51.100.1") == user.id


def test_throttled_owner_gets_back_in_with_a_password_reset(run, make_user) -> None:
    user = make_user()
    for _ in range(throttles.FREE_PER_ACCOUNT + 3):
        refused_login(run, user.email, "not my password")
    assert refused_login(run, user.email, user.password).type is throttles.TryLater
    mail = run(password_reset.request_password_reset, email=user.email, ip=IP)
    assert mail.mail.to == user.email and mail.link in mail.mail.text  # built by the service
    token = parse_qs(urlsplit(mail.link).query)["token"][0]
    run(
        password_reset.reset_password,
        email=user.email,
        token=token,
        new_password=NEW_PASSWORD,
        ip=IP,
    )
    assert log_in(run, user.email, NEW_PASSWORD) == user.id


@pytest.mark.real_argon2
def test_sign_in_upgrades_a_weaker_hash(run, session: Session, make_user) -> None:
    user = make_user()
    weak = CryptContext(schemes=["argon2"], argon2__memory_cost=8192, argon2__time_cost=1)
    session.get(User, user.id).password_hash = weak.hash(user.password)
    session.commit()
    log_in(run, user.email, user.password)
    assert "m=19456,t=2" in session.get(User, user.id).password_hash


def test_sign_ins_and_failures_are_logged_with_time_user_and_ip(run, make_user, caplog) -> None:
    caplog.set_level(logging.INFO, logger="lms_reflex.audit")
    user = make_user()
    log_in(run, user.email, user.password)
    refused_login(run, user.email, "not my password")
    lines = [
        json.loads(r.getMessage().removeprefix("audit "))
        for r in caplog.records
        if r.name == "lms_reflex.audit"
    ]
    by_action = {line["action"]: line for line in lines}
    for action in ("login_ok", "login_failed"):
        assert by_action[action]["user_id"] == user.id
        assert by_action[action]["ip"] == IP
        assert by_action[action]["at"].endswith("+00:00")
    assert "not my password" not in caplog.text and user.password not in caplog.text


def test_fresh_database_has_no_users(session: Session) -> None:
    assert session.exec(select(func.count()).select_from(User)).one() == 0


def test_fresh_migrated_database_has_no_users(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    config = Config(str(Path(__file__).resolve().parents[2] / "alembic.ini"))
    config.attributes["url"] = url
    command.upgrade(config, "head")
    engine = make_engine(url)
    with Session(engine) as db:
        assert "user" in sa_inspect(engine).get_table_names()
        assert db.exec(select(func.count()).select_from(User)).one() == 0
    engine.dispose()


# --- password reset ------------------------------------------------------------------------


def reset_token(run, email: str) -> str:
    mail = run(password_reset.request_password_reset, email=email, ip=IP)
    return parse_qs(urlsplit(mail.link).query)["token"][0]


def reset(run, email: str, token: str, password: str = NEW_PASSWORD) -> int:
    return run(
        password_reset.reset_password, email=email, token=token, new_password=password, ip=IP
    )


def test_reset_link_is_built_on_lms_base_url(run, settings_env, make_user) -> None:
    settings_env(base_url="https://learn.example.org/")
    user = make_user()
    mail = run(password_reset.request_password_reset, email=user.email, ip=IP)
    assert mail.email == user.email
    assert mail.link.startswith("https://learn.example.org/reset-password?")
    assert parse_qs(urlsplit(mail.link).query)["email"] == [user.email]


def test_reset_for_an_unknown_email_sends_nothing_and_makes_no_account(run, session) -> None:
    assert run(password_reset.request_password_reset, email="nobody@example.org", ip=IP) is None
    assert run(password_reset.request_password_reset, email="not an email", ip=IP) is None
    assert session.exec(select(func.count()).select_from(User)).one() == 0
    # A decoy secret is stored (the same work as a real link) but was never mailed.
    assert session.exec(select(func.count()).select_from(EmailOtp)).one() == 2
    with pytest.raises(InvalidInput, match="not valid"):
        reset(run, "nobody@example.org", "")


def test_second_reset_request_within_a_minute_is_silently_dropped(run, make_user) -> None:
    user = make_user()
    assert run(password_reset.request_password_reset, email=user.email, ip=IP) is not None
    assert run(password_reset.request_password_reset, email=user.email, ip=IP) is None


def test_reset_sets_the_new_password(run, make_user) -> None:
    user = make_user()
    assert reset(run, user.email, reset_token(run, user.email)) == user.id
    assert log_in(run, user.email, NEW_PASSWORD) == user.id
    assert refused_login(run, user.email, user.password).type is InvalidInput


def test_reset_token_works_once(run, make_user) -> None:
    user = make_user()
    token = reset_token(run, user.email)
    reset(run, user.email, token)
    with pytest.raises(InvalidInput, match="already been used"):
        reset(run, user.email, token, "yet another passphrase")


def test_reset_token_expires_after_thirty_minutes(run, make_user, clock) -> None:
    user = make_user()
    token = reset_token(run, user.email)
    clock.advance(minutes=30)
    with pytest.raises(InvalidInput, match="expired"):
        reset(run, user.email, token)


def test_reset_token_for_another_email_is_refused(run, make_user) -> None:
    alice, bob = make_user(), make_user()
    token = reset_token(run, alice.email)
    with pytest.raises(InvalidInput, match="not valid"):
        reset(run, bob.email, token)


def test_reset_with_a_weak_password_keeps_the_link_usable(run, make_user) -> None:
    user = make_user()
    token = reset_token(run, user.email)
    with pytest.raises(InvalidInput, match="at least 8"):
        reset(run, user.email, token, "short")
    reset(run, user.email, token)


def test_reset_ends_every_session(run, make_user) -> None:
    user = make_user()
    tokens = [
        run(sessions.create_session, user_id=user.id, ip=IP, user_agent="a") for _ in range(2)
    ]
    reset(run, user.email, reset_token(run, user.email))
    assert [run(sessions.resolve_session, token=t) for t in tokens] == [None, None]


def test_reset_verifies_an_unverified_email(run, session: Session, make_user) -> None:
    user = make_user(verified=False)
    reset(run, user.email, reset_token(run, user.email))
    assert session.get(User, user.id).email_verified_at is not None


# --- password change -----------------------------------------------------------------------


def change(run, user, current: str, new: str = NEW_PASSWORD, keep: str | None = None) -> None:
    run(
        accounts.change_password,
        actor_id=user.id,
        current_password=current,
        new_password=new,
        keep_token=keep,
    )


def test_password_change_needs_the_current_password(run, make_user) -> None:
    user = make_user()
    with pytest.raises(InvalidInput, match="current password is not correct"):
        change(run, user, "not my password")
    assert log_in(run, user.email, user.password) == user.id


def test_password_change_ends_the_other_sessions_only(run, make_user) -> None:
    user = make_user()
    mine, other = (
        run(sessions.create_session, user_id=user.id, ip=IP, user_agent="a") for _ in range(2)
    )
    notice = run(
        accounts.change_password,
        actor_id=user.id,
        current_password=user.password,
        new_password=NEW_PASSWORD,
        keep_token=mine,
    )
    assert notice.to == user.email  # the service builds the notice; the state sends it
    assert run(sessions.resolve_session, token=mine) is not None
    assert run(sessions.resolve_session, token=other) is None
    assert log_in(run, user.email, NEW_PASSWORD) == user.id


def test_password_change_checks_the_new_password_rules(run, make_user) -> None:
    user = make_user()
    with pytest.raises(InvalidInput, match="too common"):
        change(run, user, user.password, "password1")


def test_password_change_guessing_is_throttled(run, make_user, clock) -> None:
    user = make_user()
    for _ in range(throttles.FREE_PER_ACCOUNT):
        with pytest.raises(InvalidInput):
            change(run, user, "a wrong guess")
    with pytest.raises(throttles.TryLater, match="Try again in"):
        change(run, user, user.password)


def test_deactivated_user_cannot_change_password(run, session: Session, make_user) -> None:
    user = make_user()
    session.get(User, user.id).is_active = False
    session.commit()
    with pytest.raises(NotSignedIn):
        change(run, user, user.password)


# --- own data ------------------------------------------------------------------------------


@pytest.fixture
def learner_with_history(session: Session, make_user):
    """A learner enrolled in a course with progress and a review; and its instructor."""
    teacher = make_user(role=Role.INSTRUCTOR)
    learner = make_user()
    course = add_course(session, session.get(User, teacher.id), "python-basics", lessons=1)
    lesson_id = session.exec(text("SELECT id FROM lesson")).scalar_one()
    session.add(Enrollment(user_id=learner.id, course_id=course.id))
    session.add(LessonProgress(user_id=learner.id, lesson_id=lesson_id, position_s=12.5))
    session.add(Review(user_id=learner.id, course_id=course.id, rating=4, body="Clear."))
    session.commit()
    return learner, teacher, course


def test_export_holds_profile_enrollments_progress_and_reviews(run, learner_with_history):
    learner, _, _ = learner_with_history
    data = run(accounts.export_my_data, actor_id=learner.id)
    json.dumps(data)  # JSON-able
    assert data["account"]["email"] == learner.email
    assert data["account"]["profile"]["bio"] == ""
    assert [e["course_slug"] for e in data["enrollments"]] == ["python-basics"]
    assert [p["position_s"] for p in data["progress"]] == [12.5]
    assert [(r["rating"], r["body"]) for r in data["reviews"]] == [(4, "Clear.")]
    assert "password" not in json.dumps(data)


def test_export_and_deletion_cover_api_devices(run, session: Session, learner_with_history):
    learner, _, _ = learner_with_history
    pair = run(
        api_tokens.sign_in,
        email=learner.email,
        password=learner.password,
        ip=IP,
        device_name="phone",
    )
    data = run(accounts.export_my_data, actor_id=learner.id)
    assert [d["device_name"] for d in data["api_devices"]] == ["phone"]
    assert pair.refresh_token not in json.dumps(data) and "token" not in json.dumps(data)
    run(accounts.delete_account, actor_id=learner.id, password=learner.password)
    assert session.exec(select(ApiSession)).all() == []
    assert session.exec(select(ApiRefreshToken)).all() == []


def test_delete_account_removes_the_person_and_keeps_anonymous_reviews(
    run, session: Session, learner_with_history
) -> None:
    learner, _, course = learner_with_history
    run(sessions.create_session, user_id=learner.id, ip=IP, user_agent="a")
    run(accounts.delete_account, actor_id=learner.id, password=learner.password)
    assert session.get(User, learner.id) is None
    for model in (AuthSession, Enrollment, LessonProgress, Profile):
        assert session.exec(select(model).where(model.user_id == learner.id)).all() == []
    assert session.exec(select(EmailOtp).where(EmailOtp.email == learner.email)).all() == []
    review = session.exec(select(Review).where(Review.course_id == course.id)).one()
    assert (review.user_id, review.rating) == (None, 4)


def test_delete_account_needs_the_password(run, session: Session, make_user) -> None:
    user = make_user()
    with pytest.raises(InvalidInput, match="password is not correct"):
        run(accounts.delete_account, actor_id=user.id, password="not my password")
    assert session.get(User, user.id) is not None


def test_instructor_with_courses_cannot_delete_the_account(
    run, session: Session, learner_with_history
) -> None:
    _, teacher, _ = learner_with_history
    with pytest.raises(Conflict, match="Transfer or delete your courses first"):
        run(accounts.delete_account, actor_id=teacher.id, password=teacher.password)
    assert session.get(User, teacher.id) is not None


def test_deleted_email_can_sign_up_again(run, make_user) -> None:
    user = make_user()
    run(accounts.delete_account, actor_id=user.id, password=user.password)
    assert sign_up(run, email=user.email).code is not None


def test_signup_code_is_not_in_the_audit_trail(run, session: Session) -> None:
    result = sign_up(run)
    run(
        registration.verify_signup,
        email=result.email,
        code=result.code,
        ip=IP,
        attempt=result.attempt,
    )
    trail = repr(session.exec(select(AuditEvent)).all())
    assert result.code not in trail
    assert {"signup", "email_verified"} <= set(session.exec(select(AuditEvent.action)).all())


def test_refused_codes_are_invalid_input_for_the_state_layer() -> None:
    assert issubclass(otp.CodeRefused, InvalidInput)


def test_audit_detail_that_looks_like_a_credential_is_redacted(session, caplog) -> None:
    caplog.set_level(logging.INFO, logger="lms_reflex.audit")
    detail = {"new_password": "hunter2-secret", "reset_token": "tok-123", "ok": 1}
    audit.record_event(session=session, action="test", detail=detail)
    session.commit()
    stored = session.exec(select(AuditEvent.detail)).one()
    assert stored == {"new_password": "[redacted]", "reset_token": "[redacted]", "ok": 1}
    assert "hunter2" not in caplog.text and "tok-123" not in caplog.text


def test_audit_log_line_cannot_be_split_by_user_text(session, caplog) -> None:
    caplog.set_level(logging.INFO, logger="lms_reflex.audit")
    audit.record_event(session=session, action="login_failed", subject="x\nFAKE admin login_ok")
    [record] = [r for r in caplog.records if r.name == "lms_reflex.audit"]
    assert "\n" not in record.getMessage()


def test_password_change_and_account_deletion_are_logged_with_the_ip(run, make_user) -> None:
    """docs/security.md case 39: logs say who, what, when and from where."""
    from sqlmodel import select

    from lms_reflex.models import AuditEvent

    user = make_user()
    with pytest.raises(InvalidInput):
        run(
            accounts.change_password,
            actor_id=user.id,
            current_password="wrong one here",
            new_password="a brand new passphrase",
            keep_token=None,
            ip="203.0.113.7",
        )
    run(accounts.delete_account, actor_id=user.id, password=user.password, ip="203.0.113.8")
    rows = run(
        lambda session: session.exec(
            select(AuditEvent.action, AuditEvent.ip).where(
                AuditEvent.action.in_(["password_change_failed", "account_deleted"])
            )
        ).all()
    )
    assert sorted(rows) == [
        ("account_deleted", "203.0.113.8"),
        ("password_change_failed", "203.0.113.7"),
    ]
