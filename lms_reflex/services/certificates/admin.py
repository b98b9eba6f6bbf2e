"""The admin console's certificates: find one by code, name or course, and revoke it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, func, select

from lms_reflex.mail import Mail
from lms_reflex.mail.certificate_messages import certificate_revoked_mail
from lms_reflex.models import Certificate, User, utcnow
from lms_reflex.services.actor import Actor, require_admin
from lms_reflex.services.admin.listing import Page, read_page, search_text
from lms_reflex.services.audit import record_event
from lms_reflex.services.certificates.codes import canonical, grouped
from lms_reflex.services.certificates.files import forget_pdf
from lms_reflex.services.certificates.status import page_url, status_of
from lms_reflex.services.certificates.views import AdminCertificate
from lms_reflex.services.errors import Conflict, InvalidInput, NotFound
from lms_reflex.services.formatting import day_label
from lms_reflex.services.text import contains_pattern

MAX_REASON = 500
REASON_MISSING = "Please give a reason; the holder will read it."


def _filters(query: str) -> list[Any]:
    """A code (with or without dashes) matches exactly; other text, the name or course."""
    text = search_text(query)
    if not text:
        return []
    code = canonical(text)
    pattern = contains_pattern(text)
    match = or_(
        func.lower(col(Certificate.printed_name)).like(pattern, escape="\\"),
        func.lower(col(Certificate.course_title)).like(pattern, escape="\\"),
    )
    return [or_(col(Certificate.code) == code, match) if code else match]


def _row(row: Certificate) -> AdminCertificate:
    return AdminCertificate(
        number=row.code,
        holder_name=row.printed_name,
        course_title=row.course_title,
        issued_label=day_label(row.issued_at),
        status=status_of(row),
        url=page_url(row.code),
    )


def list_certificates(
    *, session: Session, actor: Actor | None, query: str = "", page: int = 1, page_size: int = 25
) -> Page[AdminCertificate]:
    """A page of certificates, newest first, in two statements.

    Raises:
        NotSignedIn, PermissionDenied: anyone but an admin.
        InvalidInput: a search text over 200 characters.
    """
    require_admin(actor)
    clauses = _filters(query)
    return read_page(
        session,
        id_column=col(Certificate.id),
        clauses=clauses,
        rows_query=select(Certificate)
        .where(*clauses)
        .order_by(col(Certificate.issued_at).desc(), col(Certificate.id).desc()),
        to_rows=lambda results: [_row(found) for (found,) in results],
        page=page,
        page_size=page_size,
    )


def _reason(reason: object) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput(REASON_MISSING)
    if len(text) > MAX_REASON:
        raise InvalidInput(f"Please keep the reason under {MAX_REASON} characters.")
    return text


def revoke_certificate(
    *, session: Session, actor: Actor | None, code: object, reason: object, ip: str = ""
) -> Mail | None:
    """Revoke a certificate for good: its page says so, its PDF is no longer served.

    Args:
        session: The open session; the caller commits.
        actor: The signed-in admin (checked now, from the database).
        code: The certificate's code.
        reason: Why, in a sentence; mailed to the holder and kept in the audit trail.
        ip: The admin's address, for the trail.

    Returns:
        The mail to the holder (None when they have no active account), sent after the reply.

    Raises:
        NotSignedIn, PermissionDenied: anyone but an admin.
        InvalidInput: an empty or overlong reason.
        NotFound: an unknown code.
        Conflict: the certificate is already revoked.
    """
    admin = require_admin(actor)
    text = _reason(reason)
    found = canonical(code)
    row = session.exec(select(Certificate).where(Certificate.code == (found or ""))).first()
    if row is None:
        raise NotFound("We could not find that certificate.")
    if row.revoked_at is not None:
        raise Conflict("That certificate is already revoked.")
    row.revoked_at, row.revoke_reason = utcnow(), text
    session.add(row)
    forget_pdf(row.code)
    record_event(
        session=session,
        action="certificate_revoked",
        actor_id=admin.id,
        subject=grouped(row.code),
        ip=ip,
        detail={"certificate": row.code, "reason": text, "holder_id": row.user_id},
    )
    holder = session.get(User, row.user_id) if row.user_id else None
    if holder is None or not holder.is_active:
        return None
    return certificate_revoked_mail(holder.email, holder.first_name, row.course_title, text)
