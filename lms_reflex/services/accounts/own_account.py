"""The signed-in user's own account: password change, email address, data export, deletion.

Sign-up lives in `registration`, sign-in in `sign_in`, password recovery in
`password_reset`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from lms_reflex.mail import Mail, password_changed_mail
from lms_reflex.models import (
    ApiSession,
    AuthSession,
    Course,
    EmailOtp,
    Enrollment,
    Lesson,
    LessonProgress,
    Order,
    OrderLine,
    Profile,
    Review,
    User,
)
from lms_reflex.services.accounts.passwords import (
    check_password_rules,
    hash_password,
    verify_password,
)
from lms_reflex.services.accounts.sessions import revoke_all_sessions
from lms_reflex.services.accounts.throttles import check_password_guess
from lms_reflex.services.audit import record_event, record_failures
from lms_reflex.services.certificates.account import (
    export_certificates,
    revoke_for_deleted_account,
)
from lms_reflex.services.errors import Conflict, InvalidInput, NotSignedIn
from lms_reflex.services.learning.announcements import export_opt_outs
from lms_reflex.services.learning.notes_export import delete_notes_of, export_notes
from lms_reflex.services.learning.question_export import export_posts


def _active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.id is None or not user.is_active:
        raise NotSignedIn()
    return user


def _require_password(user: User, password: str, message: str, field: str) -> None:
    ok, _ = verify_password(password, user.password_hash)
    if not ok:
        raise InvalidInput(message, field=field)


def change_password(
    *,
    session: Session,
    actor_id: int,
    current_password: str,
    new_password: str,
    keep_token: str | None,
    ip: str = "",
) -> Mail:
    """Change a password, proving the current one, and end the other sessions.

    Returns:
        The notice to mail the account's address (the caller sends it after its reply).

    Raises:
        NotSignedIn: when the account is gone or deactivated.
        InvalidInput: for a wrong current password or a new one that breaks the rules.
        TryLater: too soon after repeated wrong current passwords (a growing delay).
    """
    user = _active_user(session, actor_id)
    check_password_rules(new_password)
    check_password_guess(session, action="password_change_failed", subject=user.email, ip=ip)
    with record_failures(
        session=session,
        action="password_change_failed",
        subject=user.email,
        actor_id=actor_id,
        ip=ip,
    ):
        _require_password(
            user, current_password, "Your current password is not correct.", "current_password"
        )
    user.password_hash = hash_password(new_password)
    session.add(user)
    ended = revoke_all_sessions(session=session, user_id=actor_id, except_token=keep_token)
    record_event(
        session=session,
        action="password_changed",
        actor_id=actor_id,
        subject=user.email,
        ip=ip,
        detail={"sessions_ended": ended},
    )
    return password_changed_mail(user.email)


def _plain(row: Any, *fields: str, **renamed: str) -> dict[str, Any]:
    """Chosen attributes of a row as JSON-able values (dates as ISO strings)."""
    pairs = [(name, name) for name in fields] + list(renamed.items())
    out: dict[str, Any] = {}
    for key, attr in pairs:
        value = getattr(row, attr)
        out[key] = value.isoformat() if isinstance(value, datetime | date) else value
    return out


def _account_data(session: Session, user: User) -> dict[str, Any]:
    profile = session.exec(select(Profile).where(Profile.user_id == user.id)).first()
    account = _plain(user, "email", "first_name", "last_name", "role", "created_at")
    account |= _plain(user, "email_verified_at", "instructor_requested_at")
    account["profile"] = profile and _plain(
        profile, "bio", "gender", "date_of_birth", "contact_number", "avatar_key"
    )
    return account


def _api_devices_data(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Every API sign-in ("Apps and devices"), ended ones too: they are held until deletion."""
    rows = session.exec(
        select(ApiSession).where(ApiSession.user_id == user_id).order_by(col(ApiSession.id))
    ).all()
    fields = ("device_name", "created_at", "last_used_at", "expires_at", "revoked_at")
    return [_plain(row, *fields) for row in rows]


def _learning_data(session: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    enrollments = session.exec(
        select(Enrollment, Course)
        .join(Course, col(Course.id) == Enrollment.course_id)
        .where(Enrollment.user_id == user_id)
    ).all()
    progress = session.exec(
        select(LessonProgress, Lesson)
        .join(Lesson, col(Lesson.id) == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user_id)
    ).all()
    reviews = session.exec(
        select(Review, Course)
        .join(Course, col(Course.id) == Review.course_id)
        .where(Review.user_id == user_id)
    ).all()
    watched = ("position_s", "watched_s", "completed_at", "updated_at")
    return {
        "enrollments": [
            _plain(c, course="title", course_slug="slug")
            | _plain(e, "source", enrolled_at="created_at")
            for e, c in enrollments
        ],
        "progress": [
            _plain(le, lesson="title", lesson_id="id") | _plain(p, *watched) for p, le in progress
        ],
        "reviews": [
            _plain(c, course="title", course_slug="slug")
            | _plain(r, "rating", "body", "created_at", "updated_at")
            for r, c in reviews
        ],
        "certificates": export_certificates(session, user_id),
        "notes": export_notes(session, user_id),
    }


def _lines_of(session: Session, order_id: int) -> list[OrderLine]:
    query = select(OrderLine).where(OrderLine.order_id == order_id).order_by(col(OrderLine.id))
    return list(session.exec(query).all())


def _order_data(session: Session, user_id: int) -> list[dict[str, Any]]:
    """The user's orders with their lines, amounts in minor units of the order's currency."""
    orders = session.exec(
        select(Order).where(Order.user_id == user_id).order_by(col(Order.id))
    ).all()
    money = ("subtotal_minor", "discount_minor", "total_minor", "refunded_minor")
    lines = ("course_title", "list_price_minor", "discount_minor", "paid_minor", "refunded_at")
    return [
        _plain(o, "reference", "status", "provider", "currency", *money, "coupon_code")
        | _plain(o, "created_at", "paid_at")
        | {"lines": [_plain(li, *lines) for li in _lines_of(session, o.id or 0)]}
        for o in orders
    ]


def export_my_data(*, session: Session, actor_id: int, ip: str = "") -> dict[str, Any]:
    """Everything the platform holds about the signed-in user, as JSON-able data.

    Raises:
        NotSignedIn: when the account is gone or deactivated.
    """
    user = _active_user(session, actor_id)
    data = {"account": _account_data(session, user), **_learning_data(session, actor_id)}
    data["orders"] = _order_data(session, actor_id)
    data["api_devices"] = _api_devices_data(session, actor_id)
    data["announcement_opt_outs"] = export_opt_outs(session, actor_id)
    data["lesson_questions_and_answers"] = export_posts(session, actor_id)
    record_event(
        session=session, action="data_exported", actor_id=actor_id, subject=user.email, ip=ip
    )
    return data


def _erase_user(session: Session, user: User) -> None:
    """Delete the user's rows; reviews stay, anonymised, so course ratings do not change."""
    uid = user.id
    assert uid is not None
    revoke_for_deleted_account(session, uid)
    session.exec(delete(AuthSession).where(col(AuthSession.user_id) == uid))
    session.exec(delete(ApiSession).where(col(ApiSession.user_id) == uid))  # and its tokens
    session.exec(delete(LessonProgress).where(col(LessonProgress.user_id) == uid))
    delete_notes_of(session, uid)
    session.exec(delete(Enrollment).where(col(Enrollment.user_id) == uid))
    session.exec(delete(Profile).where(col(Profile.user_id) == uid))
    session.exec(delete(EmailOtp).where(col(EmailOtp.email) == user.email))
    session.exec(update(Review).where(col(Review.user_id) == uid).values(user_id=None))
    session.delete(user)
    session.flush()


def delete_account(*, session: Session, actor_id: int, password: str, ip: str = "") -> None:
    """Delete the signed-in user's account after they confirm their password.

    Raises:
        NotSignedIn: when the account is gone or deactivated.
        InvalidInput: for a wrong password.
        Conflict: while the user is the instructor of any course.
        TryLater: too soon after repeated wrong passwords, like sign-in (a growing delay).
    """
    user = _active_user(session, actor_id)
    email = user.email
    check_password_guess(session, action="account_delete_failed", subject=email, ip=ip)
    with record_failures(
        session=session, action="account_delete_failed", subject=email, actor_id=actor_id, ip=ip
    ):
        _require_password(user, password, "Your password is not correct.", "password")
        taught = session.exec(
            select(func.count()).select_from(Course).where(Course.instructor_id == actor_id)
        ).one()
        if taught:
            raise Conflict("Transfer or delete your courses first.")
    _erase_user(session, user)
    # actor_id would dangle once the row is gone; the id goes into subject and detail.
    record_event(
        session=session,
        action="account_deleted",
        subject=f"user:{actor_id}",
        ip=ip,
        detail={"user_id": actor_id},
    )
