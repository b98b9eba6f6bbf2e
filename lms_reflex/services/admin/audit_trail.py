"""The admin audit trail: who did what to whom, when, with the values before and after.

Admin functions record their events through `audit.record_event`; this module only reads
them back for the audit page. Sign-in and throttle events share the table but are not admin
actions, so the trail lists the admin actions by name.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from lms_reflex.models import AuditEvent, Course, User
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.admin.listing import Page, read_page

# action name -> what a person reads on the audit page
ADMIN_ACTIONS: dict[str, str] = {
    "admin_role_changed": "Changed a role",
    "instructor_request_approved": "Approved a request to teach",
    "instructor_request_rejected": "Turned down a request to teach",
    "user_deactivated": "Deactivated a user",
    "user_reactivated": "Reactivated a user",
    "admin_resent_verification": "Resent a verification code",
    "admin_enroll": "Enrolled a user by hand",
    "admin_unenroll": "Removed an enrollment",
    "category_created": "Created a category",
    "category_renamed": "Renamed a category",
    "category_described": "Described a category",
    "categories_reordered": "Reordered categories",
    "category_deleted": "Deleted a category",
    "course_draft_by_admin": "Unpublished a course",
    "course_archived_by_admin": "Archived a course",
    "course_moderation_lifted": "Lifted a course's moderation",
    # Not an admin's action, but the admins' to answer: shown on the same trail.
    "course_review_requested": "Asked for a review of a moderated course",
    "review_hidden": "Hid a review",
    "review_shown": "Showed a review again",
}
_VALUE_LIMIT = 300


@dataclass(frozen=True)
class AuditRow:
    """One admin action as the audit page shows it (values as short text)."""

    id: int
    when_label: str
    who: str
    action: str
    about: str
    before: str
    after: str


AuditPage = Page[AuditRow]


def _text(value: Any) -> str:
    """A before/after value as bounded text ('' when absent)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _VALUE_LIMIT else text[: _VALUE_LIMIT - 1] + "\u2026"


@dataclass(frozen=True)
class _Names:
    """Names of the users and titles of the courses that a page of events mentions."""

    users: dict[int, str]
    courses: dict[int, str]


def _mentioned(events: list[AuditEvent], key: str) -> set[int]:
    return {
        e.detail[key]
        for e in events
        if isinstance(e.detail, dict) and type(e.detail.get(key)) is int
    }


def _names(session: Session, events: list[AuditEvent]) -> _Names:
    """Two statements at most, whatever the number of events on the page."""
    user_ids, course_ids = _mentioned(events, "user_id"), _mentioned(events, "course_id")
    users = (
        session.exec(
            select(User.id, User.first_name, User.last_name).where(col(User.id).in_(user_ids))
        ).all()
        if user_ids
        else []
    )
    courses = (
        session.exec(select(Course.id, Course.title).where(col(Course.id).in_(course_ids))).all()
        if course_ids
        else []
    )
    return _Names(
        users={uid: f"{first} {last}".strip() for uid, first, last in users if uid},
        courses={cid: title for cid, title in courses if cid},
    )


def _about(detail: dict[str, Any], names: _Names) -> str:
    """The other facts of the event (user, course, reason ...) as 'key: value' pairs."""
    parts = []
    for key, value in detail.items():
        if key in ("before", "after"):
            continue
        if key == "user_id" and value in names.users:
            parts.append(f"user: {names.users[value]} (#{value})")
        elif key == "course_id" and value in names.courses:
            parts.append(f"course: {names.courses[value]} (#{value})")
        else:
            parts.append(f"{key}: {_text(value)}")
    return "; ".join(parts)


def _row(event: AuditEvent, first: str | None, last: str | None, names: _Names) -> AuditRow:
    detail = event.detail if isinstance(event.detail, dict) else {}
    who = f"{first or ''} {last or ''}".strip() or "Deleted account"
    return AuditRow(
        id=event.id or 0,
        when_label=event.at.strftime("%Y-%m-%d %H:%M UTC"),
        who=who,
        action=ADMIN_ACTIONS.get(event.action, event.action),
        about=_about(detail, names),
        before=_text(detail.get("before")),
        after=_text(detail.get("after")),
    )


def list_admin_events(
    *, session: Session, actor: Actor | None, page: int = 1, page_size: int = 25
) -> AuditPage:
    """A page of admin actions, newest first, in four statements whatever the page size.

    Args:
        session: The open session (read only).
        actor: The signed-in admin.
        page: 1-based page number (clamped to 1..1000).
        page_size: Events per page (clamped to 1..100).

    Returns:
        The rows with who, what, when and before/after, the total and the page count.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: anyone but an admin.
    """
    require_admin(actor)
    admin_action = col(AuditEvent.action).in_(list(ADMIN_ACTIONS))
    return read_page(
        session,
        id_column=col(AuditEvent.id),
        clauses=[admin_action],
        rows_query=select(AuditEvent, User.first_name, User.last_name)
        .outerjoin(User, col(User.id) == col(AuditEvent.actor_id))
        .where(admin_action)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc()),
        to_rows=lambda results: _rows(session, results),
        page=page,
        page_size=page_size,
    )


def _rows(session: Session, results: Sequence[Any]) -> list[AuditRow]:
    """The audit rows of one page, with the names its events mention read in one go."""
    names = _names(session, [event for event, _, _ in results])
    return [_row(event, first, last, names) for event, first, last in results]
