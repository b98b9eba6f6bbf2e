"""Admin user management: admins only, no lost admins, deactivation ends sessions at once.

docs/security.md case 18 (a deactivated user's next event fails), 21 and 22 (wrong role refused,
nothing changed).
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from lms_reflex.models import AuditEvent, EmailOtp, Enrollment, Role, User, utcnow
from lms_reflex.services.accounts import sessions
from lms_reflex.services.actor import load_actor
from lms_reflex.services.admin import users as admin_users
from lms_reflex.services.errors import (
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
    Throttled,
)
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import actor, add_course, add_user


@pytest.fixture
def admin(session: Session) -> User:
    return add_user(session, "admin@example.org", Role.ADMIN)


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def learner(session: Session) -> User:
    return add_user(session, "learner@example.org")


def snapshot(session: Session) -> list[tuple]:
    session.expire_all()
    users = session.exec(select(User).order_by(User.id)).all()
    state = [(u.id, u.role, u.is_active, u.instructor_requested_at) for u in users]
    events = session.exec(select(AuditEvent.action)).all()
    return [*state, tuple(events)]


CALLS = [
    ("list_users", {}),
    ("change_role", {"role": Role.ADMIN}),
    ("approve_instructor_request", {}),
    ("reject_instructor_request", {}),
    ("deactivate_user", {}),
    ("reactivate_user", {}),
    ("resend_verification", {}),
]


@pytest.mark.parametrize(("name", "extra"), CALLS)
def test_every_admin_user_function_refuses_students_instructors_and_anonymous(
    session: Session, admin, teacher, learner, name: str, extra: dict
) -> None:
    learner.instructor_requested_at = utcnow()
    learner.email_verified_at = None
    session.add(learner)
    session.commit()
    fn = getattr(admin_users, name)
    args = dict(extra) if name == "list_users" else {"user_id": learner.id, **extra}
    before = snapshot(session)
    for who, error in ((learner, PermissionDenied), (teacher, PermissionDenied), (None, None)):
        with pytest.raises(NotSignedIn if who is None else error):
            fn(session=session, actor=actor(who) if who else None, **args)
        session.rollback()
    assert snapshot(session) == before
    assert session.exec(select(EmailOtp)).all() == []


def test_list_users_searches_filters_and_counts_courses(
    session: Session, admin, teacher, learner
) -> None:
    course = add_course(session, teacher, "c1")
    add_course(session, teacher, "c2")
    session.add(Enrollment(user_id=learner.id, course_id=course.id))
    learner.instructor_requested_at = utcnow()
    session.commit()
    page = admin_users.list_users(session=session, actor=actor(admin))
    assert page.total == 3 and page.pages == 1
    rows = {row.email: row for row in page.rows}
    assert rows["teacher@example.org"].courses_count == 2
    assert rows["learner@example.org"].courses_count == 1
    assert rows["learner@example.org"].instructor_requested
    assert rows["admin@example.org"].courses_count == 0
    found = admin_users.list_users(session=session, actor=actor(admin), query="TEACH")
    assert [r.email for r in found.rows] == ["teacher@example.org"]
    only = admin_users.list_users(session=session, actor=actor(admin), role=Role.STUDENT)
    assert [r.email for r in only.rows] == ["learner@example.org"]
    literal = admin_users.list_users(session=session, actor=actor(admin), query="%")
    assert literal.rows == [] and literal.total == 0
    with pytest.raises(InvalidInput):
        admin_users.list_users(session=session, actor=actor(admin), role="root")


def test_list_users_pages(session: Session, admin) -> None:
    for i in range(7):
        add_user(session, f"s{i}@example.org")
    session.commit()
    page = admin_users.list_users(session=session, actor=actor(admin), page=2, page_size=3)
    assert (page.total, page.page, page.pages, len(page.rows)) == (8, 2, 3, 3)


def test_list_users_uses_the_same_number_of_statements_for_5_or_50_users(
    session: Session, admin, teacher
) -> None:
    course = add_course(session, teacher, "busy")
    for i in range(48):
        user = add_user(session, f"s{i}@example.org")
        session.add(Enrollment(user_id=user.id, course_id=course.id))
    session.commit()
    me = actor(admin)
    with count_selects(session) as small:
        assert len(admin_users.list_users(session=session, actor=me, page_size=5).rows) == 5
    with count_selects(session) as big:
        assert len(admin_users.list_users(session=session, actor=me, page_size=50).rows) == 50
    assert small["n"] == big["n"] == 2


def test_change_role_promotes_and_records_before_and_after(
    session: Session, admin, learner
) -> None:
    got = admin_users.change_role(
        session=session, actor=actor(admin), user_id=learner.id, role=Role.INSTRUCTOR
    )
    assert got.role == Role.INSTRUCTOR
    assert session.get(User, learner.id).role == Role.INSTRUCTOR
    audit = session.exec(select(AuditEvent)).one()
    assert audit.action == "admin_role_changed" and audit.actor_id == admin.id
    assert audit.detail == {"user_id": learner.id, "before": "student", "after": "instructor"}


def test_an_admin_cannot_demote_themselves(session: Session, admin) -> None:
    add_user(session, "other-admin@example.org", Role.ADMIN)
    with pytest.raises(InvalidInput):
        admin_users.change_role(
            session=session, actor=actor(admin), user_id=admin.id, role=Role.STUDENT
        )
    assert session.get(User, admin.id).role == Role.ADMIN


def test_the_last_active_admin_cannot_be_demoted(session: Session, admin) -> None:
    # Another admin exists but is deactivated; a stale actor tries to demote the only active one.
    other = add_user(session, "other-admin@example.org", Role.ADMIN)
    other.is_active = False
    session.add(other)
    session.commit()
    with pytest.raises(InvalidInput, match="last active admin"):
        admin_users.change_role(
            session=session, actor=actor(other), user_id=admin.id, role=Role.STUDENT
        )
    assert session.get(User, admin.id).role == Role.ADMIN


def test_a_second_admin_can_be_demoted(session: Session, admin) -> None:
    other = add_user(session, "other-admin@example.org", Role.ADMIN)
    admin_users.change_role(session=session, actor=actor(admin), user_id=other.id, role="student")
    assert session.get(User, other.id).role == Role.STUDENT


def test_change_role_refuses_unknown_roles_and_users(session: Session, admin, learner) -> None:
    for role in ("root", "", None, 1):
        with pytest.raises(InvalidInput):
            admin_users.change_role(
                session=session, actor=actor(admin), user_id=learner.id, role=role
            )
    with pytest.raises(NotFound):
        admin_users.change_role(session=session, actor=actor(admin), user_id=10**9, role="admin")


def test_demoted_instructor_loses_the_role_on_the_next_load(
    session: Session, admin, teacher
) -> None:
    admin_users.change_role(session=session, actor=actor(admin), user_id=teacher.id, role="student")
    session.commit()
    assert load_actor(session, teacher.id).role == Role.STUDENT


def test_approving_a_request_makes_an_instructor_and_mails_them(
    session: Session, admin, learner
) -> None:
    learner.instructor_requested_at = utcnow()
    session.add(learner)
    mail = admin_users.approve_instructor_request(
        session=session, actor=actor(admin), user_id=learner.id
    )
    user = session.get(User, learner.id)
    assert user.role == Role.INSTRUCTOR and user.instructor_requested_at is None
    assert mail.to == learner.email and "approved" in mail.text
    with pytest.raises(InvalidInput):  # answered once
        admin_users.approve_instructor_request(
            session=session, actor=actor(admin), user_id=learner.id
        )


def test_rejecting_a_request_keeps_the_student_and_mails_the_reason(
    session: Session, admin, learner
) -> None:
    learner.instructor_requested_at = utcnow()
    session.add(learner)
    mail = admin_users.reject_instructor_request(
        session=session, actor=actor(admin), user_id=learner.id, reason="<b>Too short</b>"
    )
    user = session.get(User, learner.id)
    assert user.role == Role.STUDENT and user.instructor_requested_at is None
    assert "<b>Too short</b>" in mail.text and "&lt;b&gt;Too short" in mail.html
    assert "<b>" not in mail.html
    with pytest.raises(InvalidInput):
        admin_users.reject_instructor_request(
            session=session, actor=actor(admin), user_id=learner.id
        )


def test_deactivation_revokes_every_session_at_once(session: Session, admin, learner) -> None:
    tokens = [
        sessions.create_session(session=session, user_id=learner.id, ip="1.2.3.4", user_agent="x")
        for _ in range(2)
    ]
    session.commit()
    assert sessions.resolve_session(session=session, token=tokens[0]) is not None
    got = admin_users.deactivate_user(session=session, actor=actor(admin), user_id=learner.id)
    session.commit()
    assert got.sessions_revoked == 2 and not got.active
    for token in tokens:
        assert sessions.resolve_session(session=session, token=token) is None
    audit = session.exec(select(AuditEvent)).one()
    assert audit.detail["before"] is True and audit.detail["after"] is False
    # Reactivating lets them sign in again, but the old sessions stay dead.
    admin_users.reactivate_user(session=session, actor=actor(admin), user_id=learner.id)
    session.commit()
    assert load_actor(session, learner.id) is not None
    assert sessions.resolve_session(session=session, token=tokens[0]) is None


def test_an_admin_cannot_deactivate_themselves(session: Session, admin) -> None:
    with pytest.raises(InvalidInput):
        admin_users.deactivate_user(session=session, actor=actor(admin), user_id=admin.id)
    assert session.get(User, admin.id).is_active


def test_resend_verification_mails_a_new_code_for_unverified_users_only(
    session: Session, admin, learner
) -> None:
    assert (
        admin_users.resend_verification(session=session, actor=actor(admin), user_id=learner.id)
        is None
    )
    learner.email_verified_at = None
    session.add(learner)
    mail = admin_users.resend_verification(session=session, actor=actor(admin), user_id=learner.id)
    assert mail is not None and mail.to == learner.email
    row = session.exec(select(EmailOtp)).one()
    code = mail.text.split("code is: ")[1][:6]
    assert code.isdigit() and code not in row.code_hmac
    audit = session.exec(
        select(AuditEvent).where(AuditEvent.action == "admin_resent_verification")
    ).one()
    assert code not in str(audit.detail) and code not in mail.subject


def test_resend_verification_is_throttled(session: Session, admin, learner, clock) -> None:
    learner.email_verified_at = None
    session.add(learner)
    me = actor(admin)
    admin_users.resend_verification(session=session, actor=me, user_id=learner.id)
    with pytest.raises(Throttled):
        admin_users.resend_verification(session=session, actor=me, user_id=learner.id)
    clock.advance(seconds=61)
    assert admin_users.resend_verification(session=session, actor=me, user_id=learner.id)


def test_unknown_users_are_not_found(session: Session, admin) -> None:
    me = actor(admin)
    for fn in (
        admin_users.deactivate_user,
        admin_users.reactivate_user,
        admin_users.resend_verification,
        admin_users.approve_instructor_request,
    ):
        with pytest.raises(NotFound):
            fn(session=session, actor=me, user_id=10**9)
