"""The signed-in student's own certificates: the list, and a reissue after a name change.

Only the actor's own rows are read or changed; no function here takes a user id.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from lms_reflex.models import Certificate, Course, User
from lms_reflex.services.actor import Actor, require_verified
from lms_reflex.services.certificates.issuing import current_certificate, replace_certificate
from lms_reflex.services.certificates.status import page_url, status_of
from lms_reflex.services.certificates.views import CertificateStatus, MyCertificate
from lms_reflex.services.errors import Conflict, NotFound
from lms_reflex.services.formatting import day_label
from lms_reflex.services.validation import valid_id

NO_CERTIFICATE = "You have no certificate for that course."
NAME_UNCHANGED = "Your certificate already shows your current name."


def _mine(row: Certificate, name: str) -> MyCertificate:
    status = status_of(row)
    return MyCertificate(
        number=row.code,
        course_id=row.course_id,
        course_title=row.course_title,
        printed_name=row.printed_name,
        issued_label=day_label(row.issued_at),
        status=status,
        url=page_url(row.code),
        name_outdated=status == CertificateStatus.VALID and row.printed_name != name,
    )


def my_certificates(*, session: Session, actor: Actor | None) -> list[MyCertificate]:
    """The actor's current certificates (revoked ones too, so they know), newest first.

    Raises:
        NotSignedIn: for anonymous callers.
        PermissionDenied: for unverified accounts.
    """
    actor = require_verified(actor)
    rows = session.exec(
        select(Certificate)
        .where(Certificate.user_id == actor.id, col(Certificate.replaced_by).is_(None))
        .order_by(col(Certificate.issued_at).desc(), col(Certificate.id).desc())
    ).all()
    name = f"{actor.first_name} {actor.last_name}".strip()
    return [_mine(row, name) for row in rows]


def valid_certificates(
    session: Session, user_id: int, course_ids: list[int]
) -> dict[int, tuple[str, str]]:
    """Course id -> (code, printed name) of the user's valid certificates, in one query.

    For the dashboard and the player, which show "Certificate" where one exists.
    """
    if not course_ids:
        return {}
    rows = session.exec(
        select(Certificate.course_id, Certificate.code, Certificate.printed_name).where(
            Certificate.user_id == user_id,
            col(Certificate.course_id).in_(course_ids),
            col(Certificate.replaced_by).is_(None),
            col(Certificate.revoked_at).is_(None),
        )
    ).all()
    return {course_id: (code, name) for course_id, code, name in rows}


def reissue_certificate(*, session: Session, actor: Actor | None, course_id: int) -> str:
    """Print the actor's certificate again under the name their account has now.

    The new certificate has a new code; the old code still verifies and says it was
    replaced, with a link to the new one. A revoked certificate is not reissued.

    Args:
        session: The open session; the caller commits.
        actor: The holder.
        course_id: The course of the certificate.

    Returns:
        The new code.

    Raises:
        NotSignedIn, PermissionDenied: anonymous or unverified callers.
        NotFound: no current, valid certificate of the actor for that course.
        Conflict: the name has not changed, or another reissue got there first.
    """
    actor = require_verified(actor)
    old = current_certificate(session, actor.id, course_id) if valid_id(course_id) else None
    if old is None or old.revoked_at is not None:
        raise NotFound(NO_CERTIFICATE)
    user, course = session.get(User, actor.id), session.get(Course, old.course_id)
    if user is None or course is None:
        raise NotFound(NO_CERTIFICATE)
    if user.full_name == old.printed_name:
        raise Conflict(NAME_UNCHANGED)
    code = replace_certificate(session, old, user, course)
    if not code:
        raise Conflict("Your certificate was just reissued. Reload the page to see it.")
    return code
