"""Admin changes said before they happen, and promotion to admin behind a password (issue 17)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from lms_reflex.models import AuditEvent, Role, User
from lms_reflex.services.accounts import sessions
from lms_reflex.services.accounts.passwords import hash_password
from lms_reflex.services.accounts.throttles import FREE_PER_ACCOUNT, TryLater
from lms_reflex.services.admin import user_changes
from lms_reflex.services.admin import users as admin_users
from lms_reflex.services.errors import InvalidInput, PermissionDenied
from tests.unit.catalog_fixtures import actor, add_user

PASSWORD = "correct horse battery 9"


@pytest.fixture
def admin(session: Session) -> User:
    user = add_user(session, "admin@example.org", Role.ADMIN)
    user.password_hash = hash_password(PASSWORD)
    session.add(user)
    session.commit()
    return user


@pytest.fixture
def learner(session: Session) -> User:
    user = add_user(session, "learner@example.org")
    session.commit()  # a wrong password rolls back everything uncommitted
    return user


def test_the_deactivation_preview_counts_open_sessions(session: Session, admin, learner) -> None:
    for _ in range(2):
        sessions.create_session(session=session, user_id=learner.id, ip="", user_agent="")
    ended = sessions.create_session(session=session, user_id=learner.id, ip="", user_agent="")
    sessions.revoke_session(session=session, token=ended)
    got = user_changes.deactivation_preview(session=session, actor=actor(admin), user_id=learner.id)
    assert got.name == learner.full_name
    assert "Ends 2 active sessions." in got.effect


def test_previews_are_for_admins_only(session: Session, admin, learner) -> None:
    with pytest.raises(PermissionDenied):
        user_changes.deactivation_preview(session=session, actor=actor(learner), user_id=admin.id)
    with pytest.raises(PermissionDenied):
        user_changes.role_change_preview(
            session=session, actor=actor(learner), user_id=learner.id, role="admin"
        )


def test_a_promotion_preview_asks_for_the_password(session: Session, admin, learner) -> None:
    got = user_changes.role_change_preview(
        session=session, actor=actor(admin), user_id=learner.id, role="admin"
    )
    assert got.needs_password and got.role == "admin"
    teach = user_changes.role_change_preview(
        session=session, actor=actor(admin), user_id=learner.id, role="instructor"
    )
    assert not teach.needs_password


def test_change_role_refuses_a_promotion_to_admin(session: Session, admin, learner) -> None:
    with pytest.raises(InvalidInput, match="needs your password"):
        admin_users.change_role(
            session=session, actor=actor(admin), user_id=learner.id, role="admin"
        )
    assert session.get(User, learner.id).role == Role.STUDENT


def test_promotion_needs_the_acting_admins_password(session: Session, admin, learner) -> None:
    with pytest.raises(InvalidInput, match="not correct"):
        user_changes.promote_to_admin(
            session=session, actor=actor(admin), user_id=learner.id, password="wrong guess"
        )
    assert session.get(User, learner.id).role == Role.STUDENT
    user_changes.promote_to_admin(
        session=session, actor=actor(admin), user_id=learner.id, password=PASSWORD
    )
    assert session.get(User, learner.id).role == Role.ADMIN
    actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == [user_changes.PROMOTE_FAILED, "admin_role_changed"]


def test_repeated_wrong_passwords_are_throttled(session: Session, admin, learner) -> None:
    for _ in range(FREE_PER_ACCOUNT):
        with pytest.raises(InvalidInput):
            user_changes.promote_to_admin(
                session=session, actor=actor(admin), user_id=learner.id, password="nope"
            )
    with pytest.raises(TryLater):
        user_changes.promote_to_admin(
            session=session, actor=actor(admin), user_id=learner.id, password=PASSWORD
        )
    assert session.get(User, learner.id).role == Role.STUDENT


def test_promotion_is_for_admins_only(session: Session, admin, learner) -> None:
    with pytest.raises(PermissionDenied):
        user_changes.promote_to_admin(
            session=session, actor=actor(learner), user_id=learner.id, password=PASSWORD
        )


def test_an_admin_is_told_at_once_they_cannot_change_themselves(session: Session, admin) -> None:
    with pytest.raises(InvalidInput, match="your own admin rights"):
        user_changes.role_change_preview(
            session=session, actor=actor(admin), user_id=admin.id, role="student"
        )
    with pytest.raises(InvalidInput, match="deactivate yourself"):
        user_changes.deactivation_preview(session=session, actor=actor(admin), user_id=admin.id)
