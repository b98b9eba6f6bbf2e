"""Certificates in the holder's own account: the data export, and account deletion."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from lms_reflex.models import Certificate, utcnow
from lms_reflex.services.certificates.codes import grouped
from lms_reflex.services.certificates.files import forget_pdf
from lms_reflex.services.certificates.status import page_url, status_of

ACCOUNT_DELETED = "The holder deleted their account."


def export_certificates(session: Session, user_id: int) -> list[dict[str, Any]]:
    """Every certificate of the user, replaced and revoked ones too, for the JSON export."""
    rows = session.exec(
        select(Certificate).where(Certificate.user_id == user_id).order_by(col(Certificate.id))
    ).all()
    return [
        {
            "code": grouped(row.code),
            "verify_path": page_url(row.code),
            "status": str(status_of(row)),
            "printed_name": row.printed_name,
            "course": row.course_title,
            "instructor": row.instructor_name,
            "video_seconds": row.video_seconds,
            "issued_at": row.issued_at.isoformat(),
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
            "revoke_reason": row.revoke_reason,
            "replaced_by": grouped(row.replaced_by) if row.replaced_by else None,
        }
        for row in rows
    ]


def revoke_for_deleted_account(session: Session, user_id: int) -> None:
    """Revoke and blank the user's certificates before their account row goes.

    The codes keep answering, with "revoked" only (docs/security.md case 59): whoever holds
    a printed copy learns it no longer holds, and nobody learns the name. The PDFs are
    deleted; a file that cannot be removed is logged and never served again (the media
    route serves only certificates that are not revoked).
    """
    rows = session.exec(select(Certificate).where(Certificate.user_id == user_id)).all()
    now = utcnow()
    for row in rows:
        row.revoked_at = row.revoked_at or now
        row.revoke_reason = ACCOUNT_DELETED
        row.printed_name = ""
        row.user_id = None
        session.add(row)
        forget_pdf(row.code)
    session.flush()
