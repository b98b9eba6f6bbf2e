"""The security audit trail: one table row and one structured log line per event."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from lms_reflex.models import AuditEvent, utcnow
from lms_reflex.services.errors import DomainError

_log = logging.getLogger("lms_reflex.audit")

# Detail keys that smell like a credential are never stored or logged, whoever passes them.
_SECRET_WORDS = ("password", "code", "token", "ticket", "secret", "hash", "otp")


def _clean_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in (detail or {}).items():
        secret = any(word in key.lower() for word in _SECRET_WORDS)
        cleaned[key] = "[redacted]" if secret else value
    return cleaned


def record_event(
    *,
    session: Session,
    action: str,
    actor_id: int | None = None,
    subject: str = "",
    ip: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an AuditEvent to the session and log it as one JSON line.

    The row is what throttles count, so it must be committed with the caller's work (or by
    `record_failures` when the work fails). The log line carries UTC time, action, user id
    and IP; detail keys that look like credentials are redacted.

    Args:
        session: The open session; the caller commits.
        action: A short snake_case verb such as "login_failed".
        actor_id: The user the event is about, when known.
        subject: What the event is about (an email for sign-in events), for counting.
        ip: The client IP as the transport saw it.
        detail: Extra JSON-able facts. Never a password, code or token.
    """
    event = AuditEvent(
        at=utcnow(),
        action=action[:64],
        actor_id=actor_id,
        subject=subject[:254],
        ip=ip[:64],
        detail=_clean_detail(detail),
    )
    session.add(event)
    line = {
        "at": event.at.isoformat(),
        "action": event.action,
        "user_id": actor_id,
        "ip": event.ip,
        "subject": event.subject,
        "detail": event.detail,
    }
    # json.dumps escapes newlines, so user-typed text cannot forge extra log lines.
    _log.info("audit %s", json.dumps(line, ensure_ascii=True, default=str))


def count_recent(
    *,
    session: Session,
    action: str,
    since: datetime,
    subject: str | None = None,
    ip: str | None = None,
) -> int:
    """Count events of `action` at or after `since`, for a subject and/or an IP.

    Counting rows (not an in-memory counter) makes throttles survive reloads, restarts
    and several workers.

    Raises:
        ValueError: when neither subject nor ip is given (a global count is never wanted).
    """
    if subject is None and ip is None:
        raise ValueError("count_recent needs a subject or an ip")
    query = select(func.count()).select_from(AuditEvent)
    query = query.where(AuditEvent.action == action, AuditEvent.at >= since)
    if subject is not None:
        query = query.where(AuditEvent.subject == subject)
    if ip is not None:
        query = query.where(AuditEvent.ip == ip)
    return session.exec(query).one()


def last_event_at(*, session: Session, actions: Iterable[str], subject: str) -> datetime | None:
    """When the newest event of any of `actions` about `subject` happened, if ever."""
    query = (
        select(AuditEvent.at)
        .where(col(AuditEvent.action).in_(list(actions)), AuditEvent.subject == subject)
        .order_by(col(AuditEvent.at).desc())
        .limit(1)
    )
    return session.exec(query).first()


@contextmanager
def record_failures(
    *, session: Session, action: str, subject: str = "", ip: str = "", actor_id: int | None = None
) -> Iterator[None]:
    """On a DomainError inside the block, record `action` and commit before re-raising.

    Callers roll back on errors, which would erase the very rows that throttles count; so
    the block's unfinished work is rolled back here and only the failure is committed. Use
    it where nothing uncommitted before the block needs to survive.

    Raises:
        DomainError: the one raised inside the block, unchanged.
    """
    try:
        yield
    except DomainError as exc:
        session.rollback()
        detail = {"error": type(exc).__name__, "message": exc.message}
        record_event(
            session=session,
            action=action,
            actor_id=actor_id,
            subject=subject,
            ip=ip,
            detail=detail,
        )
        session.commit()
        raise
