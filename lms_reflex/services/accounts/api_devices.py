"""The "Apps and devices" list in settings: a user's API sign-ins, each one revocable.

docs/security.md case 54. Another user's device id is answered like an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from lms_reflex.models import ApiSession, utcnow
from lms_reflex.services.accounts.api_tokens import end_family
from lms_reflex.services.actor import Actor
from lms_reflex.services.audit import record_event
from lms_reflex.services.errors import InvalidInput, NotSignedIn
from lms_reflex.services.formatting import day_label
from lms_reflex.services.validation import valid_id

DEVICE_NOT_FOUND = "We could not find that device."


@dataclass(frozen=True)
class DeviceView:
    """One signed-in API device as the owner sees it (no token, no hash)."""

    id: int
    device_name: str
    created_at: datetime
    last_used_at: datetime
    created_label: str = ""  # "5 March 2026", for the settings page
    last_used_label: str = ""


def list_devices(*, session: Session, actor: Actor | None) -> list[DeviceView]:
    """The actor's live API sessions, the most recently used first.

    Raises:
        NotSignedIn: when nobody is signed in.
    """
    if actor is None:
        raise NotSignedIn()
    rows = session.exec(
        select(ApiSession)
        .where(
            col(ApiSession.user_id) == actor.id,
            col(ApiSession.revoked_at).is_(None),
            col(ApiSession.expires_at) > utcnow(),
        )
        .order_by(col(ApiSession.last_used_at).desc(), col(ApiSession.id).desc())
    ).all()
    return [
        DeviceView(
            r.id or 0,
            r.device_name or "Unnamed device",
            r.created_at,
            r.last_used_at,
            day_label(r.created_at),
            day_label(r.last_used_at),
        )
        for r in rows
    ]


def revoke_device(*, session: Session, actor: Actor | None, device_id: object) -> None:
    """Sign one of the actor's own devices out ("Apps and devices" in settings).

    Raises:
        NotSignedIn: when nobody is signed in.
        InvalidInput: not a live device of the actor's (another user's id looks the same).
    """
    if actor is None:
        raise NotSignedIn()
    if not valid_id(device_id):
        raise InvalidInput(DEVICE_NOT_FOUND)
    if not end_family(session=session, actor=actor, session_id=device_id):
        raise InvalidInput(DEVICE_NOT_FOUND)
    record_event(
        session=session, action="api_device_revoked", actor_id=actor.id, detail={"id": device_id}
    )
