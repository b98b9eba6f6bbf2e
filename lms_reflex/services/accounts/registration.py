"""Sign-up and email verification: a new unverified student account and its mailed code.

The answers do not reveal who has an account: a taken email is answered like a new one
(its owner is mailed instead), and the resend limit counts requests, not accounts. An
unverified account is only a claim: a new sign-up for it starts over with the new
password, and whoever enters the mailed code gets the account with every other session
ended; a tab that did not choose the account's current password must choose one then
(docs/security.md, "Account pre-hijacking").
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from lms_reflex.mail import Mail, signup_attempt_mail, signup_code_mail
from lms_reflex.models import OtpPurpose, Profile, Role, User, utcnow
from lms_reflex.services.accounts import otp
from lms_reflex.services.accounts.passwords import check_password_rules, hash_password
from lms_reflex.services.accounts.sessions import revoke_all_sessions
from lms_reflex.services.accounts.throttles import throttle_signups
from lms_reflex.services.accounts.users import _find_user, _lookup_email, normalize_email
from lms_reflex.services.audit import last_event_at, record_event, record_failures
from lms_reflex.services.errors import InvalidInput, Throttled, try_again_in

NAME_MAX_LENGTH = 80
OWNER_NOTICE_INTERVAL = timedelta(minutes=15)  # at most one "someone tried" mail per 15 min
MAILBOX_OWNER_CHOOSES = (
    "Your code is right. To finish, choose a password for your account: whoever reads "
    "this mailbox sets it."
)


@dataclass(frozen=True)
class SignupResult:
    """What the caller needs after sign-up, the same shape for every address.

    `mail` is the sign-up code mail, or the "someone tried" notice for an address that
    already has an account, or None; the caller sends it after its reply, so neither the
    answer nor its timing shows which. `code` is the code in the mail (None when no code
    was made). `attempt` names this sign-up's password without revealing it; the tab keeps
    it server-side and hands it to `verify_signup`.
    """

    email: str
    code: str | None
    attempt: str
    mail: Mail | None = None


def attempt_of(password_hash: str) -> str:
    """A short fingerprint of a password hash, naming one sign-up or sign-in attempt."""
    return hashlib.sha256(f"signup-attempt:{password_hash}".encode()).hexdigest()[:32]


def _clean_name(value: str, label: str) -> str:
    name, field = value.strip(), label.replace(" ", "_")
    if not name:
        raise InvalidInput(f"Please enter your {label}.", field=field)
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInput(
            f"Your {label} can be at most {NAME_MAX_LENGTH} characters.", field=field
        )
    return name


def _create_user(session: Session, user: User) -> User | None:
    """Insert a new user and profile; None when the email was taken in the meantime."""
    try:
        with session.begin_nested():  # a racing sign-up hits UNIQUE; keep the transaction
            session.add(user)
            session.flush()
    except IntegrityError:
        return None
    assert user.id is not None
    session.add(Profile(user_id=user.id))
    session.flush()
    return user


def _fresh_code(session: Session, email: str) -> str | None:
    """A new sign-up code, or None (older codes killed) when one went out under a minute ago."""
    try:
        return otp.issue_code(session=session, email=email, purpose=OtpPurpose.SIGNUP)
    except Throttled:
        otp.kill_codes(session=session, email=email, purpose=OtpPurpose.SIGNUP)
        otp.start_round(session=session, email=email, purpose=OtpPurpose.SIGNUP)
        return None


def _new_account(session: Session, user: User, wants_to_teach: bool, ip: str) -> SignupResult:
    code = _fresh_code(session, user.email)
    detail = {"wants_to_teach": wants_to_teach}
    record_event(
        session=session, action="signup", actor_id=user.id, subject=user.email, ip=ip, detail=detail
    )
    mail = signup_code_mail(user.email, code) if code else None
    return SignupResult(user.email, code, attempt_of(user.password_hash), mail)


def _start_over(session: Session, user: User, fresh: User, ip: str) -> SignupResult:
    """Replace an unverified account's claim with this sign-up's names and password.

    The earlier claimant's password stops working, their sessions end and their code dies:
    only the person who reads the mailbox can finish a sign-up.
    """
    assert user.id is not None
    user.first_name, user.last_name = fresh.first_name, fresh.last_name
    user.password_hash = fresh.password_hash
    user.instructor_requested_at = fresh.instructor_requested_at
    session.add(user)
    ended = revoke_all_sessions(session=session, user_id=user.id)
    code = _fresh_code(session, user.email)
    detail = {"sessions_ended": ended}
    record_event(
        session=session,
        action="signup_restarted",
        actor_id=user.id,
        subject=user.email,
        ip=ip,
        detail=detail,
    )
    mail = signup_code_mail(user.email, code) if code else None
    return SignupResult(user.email, code, attempt_of(fresh.password_hash), mail)


def _taken(session: Session, user: User | None, fresh: User, ip: str) -> SignupResult:
    """An address with a verified (or deactivated) account: tell its owner, not the visitor."""
    email = fresh.email
    otp.issue_decoy(session=session, email=email, purpose=OtpPurpose.SIGNUP)  # same work
    record_event(session=session, action="signup_existing_email", subject=email, ip=ip)
    mail = None
    last = last_event_at(session=session, actions=("signup_owner_notified",), subject=email)
    recent = last is not None and utcnow() - last < OWNER_NOTICE_INTERVAL
    if user is not None and user.is_active and not recent:
        record_event(session=session, action="signup_owner_notified", subject=email, ip=ip)
        mail = signup_attempt_mail(email, user.first_name)
    return SignupResult(email, None, attempt_of(fresh.password_hash), mail)


def signup(
    *,
    session: Session,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    wants_to_teach: bool,
    ip: str,
) -> SignupResult:
    """Create an unverified student account and a sign-up code to mail.

    There is no role, is_active or verified parameter on purpose: every new account is an
    unverified student; wanting to teach only records a request for an admin to review.
    An address whose account is still unverified starts over with this sign-up; one with
    a verified account gets a notice mailed to its owner. Slow (argon2): run it off the
    event loop.

    Returns:
        The same shape for every address; the mail to send after replying, if any.

    Raises:
        InvalidInput: for a bad name, email or password (with the reason).
        TryLater: past the sign-ups allowed from one address in an hour.
    """
    first, last = _clean_name(first_name, "first name"), _clean_name(last_name, "last name")
    email = normalize_email(email)
    check_password_rules(password)
    throttle_signups(session, ip=ip)
    # Hashed before the look-up, so a taken email answers as slowly as a new one.
    now, password_hash = utcnow(), hash_password(password)
    fresh = User(
        email=email,
        first_name=first,
        last_name=last,
        password_hash=password_hash,
        role=Role.STUDENT,
        instructor_requested_at=now if wants_to_teach else None,
        created_at=now,
    )
    user = _find_user(session, email)
    if user is None:
        created = _create_user(session, fresh)
        if created is not None:
            return _new_account(session, created, wants_to_teach, ip)
        user = _find_user(session, email)  # a racing sign-up took it
    if user is not None and user.is_active and user.email_verified_at is None:
        return _start_over(session, user, fresh, ip)
    return _taken(session, user, fresh, ip)


class ChoosePassword(InvalidInput):
    """A right code from a tab that did not choose the account's current password."""


class PasswordRefused(InvalidInput):
    """The password chosen while verifying breaks a password rule (shown by its field)."""


def _new_password_hash(new_password: str) -> str:
    """The hash of the password chosen in the code form ("" when none was chosen).

    Raises:
        PasswordRefused: when it breaks a password rule.
    """
    if not new_password:
        return ""
    try:
        check_password_rules(new_password)
    except InvalidInput as exc:
        raise PasswordRefused(exc.message, field="password") from None
    return hash_password(new_password)


def _settle_password(session: Session, user: User, attempt: str, new_hash: str) -> bool:
    """Whoever proves the mailbox chooses the password (docs/security.md, pre-hijacking).

    The tab that signed up (its fingerprint matches the account's password) keeps it.
    Any other tab, or one whose sign-up was replaced by a later one (maybe an attacker's),
    must choose a password now, so no password chosen by someone else survives.

    Returns:
        True when the password was replaced by the one chosen here.

    Raises:
        ChoosePassword: when a password is needed and none was chosen (the caller rolls
            back, so the right code stays usable for the next try).
    """
    if new_hash:
        user.password_hash = new_hash
        session.add(user)
        return True
    if attempt and hmac.compare_digest(attempt, attempt_of(user.password_hash)):
        return False
    raise ChoosePassword(MAILBOX_OWNER_CHOOSES, field="password")


def verify_signup(
    *, session: Session, email: str, code: str, ip: str, attempt: str = "", new_password: str = ""
) -> int:
    """Mark the email verified when the sign-up code is right, ending every other session.

    Args:
        session: The open session.
        email: The address the code was mailed to.
        code: What the user typed.
        ip: The client address, for the audit trail.
        attempt: The `SignupResult.attempt` this tab got ("" when the tab has none): when
            it names the account's current password, that password stays.
        new_password: The password chosen in the code form; required when `attempt` does
            not name the account's current password. Slow (argon2) when given.

    Returns:
        The user id (the caller signs the user in with a fresh session).

    Raises:
        PasswordRefused: the chosen password breaks a rule (checked before the code).
        InvalidInput: (otp.CodeRefused) wrong, expired, used or too many tries; an unknown
            email gets the same answer as a wrong code. ChoosePassword after a right code
            when a password must be chosen and none was.
        Throttled: too many wrong codes for this address in the last hour.
    """
    new_hash = _new_password_hash(new_password)
    email = _lookup_email(email)
    with record_failures(session=session, action="signup_verify_failed", subject=email, ip=ip):
        otp.verify_code(session=session, email=email, purpose=OtpPurpose.SIGNUP, code=code)
        user = _find_user(session, email)
        if user is None or user.id is None:
            raise otp.CodeRefused(otp.WRONG)
    chosen = _settle_password(session, user, attempt, new_hash)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)
    # Sessions made before the mailbox was proven (an earlier claimant's) end here.
    ended = revoke_all_sessions(session=session, user_id=user.id)
    detail = {"sessions_ended": ended, "chosen_at_verify": chosen}
    record_event(
        session=session,
        action="email_verified",
        actor_id=user.id,
        subject=email,
        ip=ip,
        detail=detail,
    )
    return user.id


@dataclass(frozen=True)
class NewCode:
    """A fresh sign-up code and the mail that carries it (the caller sends it after its reply)."""

    code: str
    mail: Mail


def resend_signup_code(*, session: Session, email: str) -> NewCode | None:
    """A new sign-up code for an unverified account (the old one stops working).

    The once-a-minute limit is counted from requests, not accounts, so unknown emails are
    throttled the same way and the answer does not reveal who has an account.

    Returns:
        The code and its mail, or None (send nothing) for unknown or verified emails.

    Raises:
        Throttled: when asked again within a minute (counted per address, account or not).
    """
    email = _lookup_email(email)
    last = last_event_at(session=session, actions=("signup_code_resend",), subject=email)
    wait = 0 if last is None else (otp.RESEND_INTERVAL - (utcnow() - last)).total_seconds()
    if wait > 0:
        wait_s = math.ceil(wait)
        raise Throttled(f"A code was sent less than a minute ago. {try_again_in(wait_s)}", wait_s)
    record_event(session=session, action="signup_code_resend", subject=email)
    user = _find_user(session, email)
    if user is None or user.email_verified_at is not None or not user.is_active:
        otp.issue_decoy(session=session, email=email, purpose=OtpPurpose.SIGNUP)  # same work
        return None
    try:
        code = otp.issue_code(session=session, email=email, purpose=OtpPurpose.SIGNUP)
    except Throttled:  # a forged resend inside the minute: answer as for anyone else
        otp.start_round(session=session, email=email, purpose=OtpPurpose.SIGNUP)
        return None
    return NewCode(code, signup_code_mail(user.email, code))
