"""Where a user lands after signing in when no page asked for them (no `next`).

Students land on their courses. An instructor or admin with no enrollments has nothing
there, so they land on the console they came for instead of an empty dashboard.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from lms_reflex import routes
from lms_reflex.models import Enrollment, User
from lms_reflex.models.user import Role

_CONSOLES = {Role.INSTRUCTOR: routes.TEACH, Role.ADMIN: routes.ADMIN}


def landing_path(*, session: Session, user_id: int) -> str:
    """The page to open after sign-in without a `next`.

    Args:
        session: The open session (read only).
        user_id: The user who just signed in.

    Returns:
        /teach for an instructor and /admin for an admin who joined no course; the
        dashboard for everyone else (and for unknown ids, which the dashboard refuses).
    """
    user = session.get(User, user_id)
    console = _CONSOLES.get(Role(user.role)) if user is not None else None
    if console is None:
        return routes.DASHBOARD
    joined = session.exec(
        select(Enrollment.id).where(col(Enrollment.user_id) == user_id).limit(1)
    ).first()
    return routes.DASHBOARD if joined is not None else console
