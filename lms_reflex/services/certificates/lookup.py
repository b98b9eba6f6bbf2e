"""The public verify page: anyone may look a code up, without signing in.

What it shows is what was printed on the certificate, never an email or anything else
about the holder; look-ups are counted per address (docs/security.md case 58).
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from lms_reflex import routes
from lms_reflex.models import Certificate, Course, CourseStatus
from lms_reflex.services.accounts.throttles import throttle_address
from lms_reflex.services.certificates.codes import canonical, grouped
from lms_reflex.services.certificates.status import page_url, pdf_url, status_of
from lms_reflex.services.certificates.views import CertificatePage, CertificateStatus
from lms_reflex.services.errors import NotFound
from lms_reflex.services.formatting import day_label, length_label

CERTIFICATE_NOT_FOUND = "We could not find that certificate."
LOOKUPS_PER_ADDRESS = 60
LOOKUP_WINDOW = timedelta(minutes=10)


def _find(session: Session, code: str | None) -> tuple[Certificate, str] | None:
    """The row and its course link in one indexed statement, for any code.

    A known, an unknown and a malformed code each cost this one statement, so the page's
    timing does not tell which codes exist (docs/security.md case 58).
    """
    found = session.exec(
        select(Certificate, Course.slug, Course.status)
        .join(Course, col(Course.id) == col(Certificate.course_id), isouter=True)
        .where(Certificate.code == (code or ""))
    ).first()
    if found is None:
        return None
    row, slug, status = found
    return row, _link(slug, status)


def _link(slug: str | None, status: str | None) -> str:
    """Only a published course is linked: a draft or removed course's page would refuse."""
    return routes.course_url(slug) if slug and status == CourseStatus.PUBLISHED else ""


def _course_url(session: Session, course_id: int) -> str:
    course = session.get(Course, course_id)
    return _link(course.slug, course.status) if course else ""


def _revoked_page(row: Certificate) -> CertificatePage:
    """A revoked certificate whose holder deleted their account shows its state only."""
    gone = row.user_id is None
    return CertificatePage(
        number=grouped(row.code),
        status=CertificateStatus.REVOKED,
        holder_name="" if gone else row.printed_name,
        course_title="" if gone else row.course_title,
        course_url="",
        instructor_name="" if gone else row.instructor_name,
        issued_label="" if gone else day_label(row.issued_at),
        hours_label="" if gone else length_label(row.video_seconds),
        revoked_label=day_label(row.revoked_at),
        replaced_by_url="",
        pdf_url="",
    )


def page_of(session: Session, row: Certificate) -> CertificatePage:
    """The verify page of a certificate row (also used by the admin console)."""
    return _page(row, _course_url(session, row.course_id))


def _page(row: Certificate, course_url: str) -> CertificatePage:
    status = status_of(row)
    if status == CertificateStatus.REVOKED:
        return _revoked_page(row)
    return CertificatePage(
        number=grouped(row.code),
        status=status,
        holder_name=row.printed_name,
        course_title=row.course_title,
        course_url=course_url,
        instructor_name=row.instructor_name,
        issued_label=day_label(row.issued_at),
        hours_label=length_label(row.video_seconds),
        revoked_label="",
        replaced_by_url=page_url(row.replaced_by) if row.replaced_by else "",
        pdf_url=pdf_url(row.code),
    )


def verify_certificate(*, session: Session, code: object, ip: str) -> CertificatePage:
    """Look a certificate up by the code in its URL (dashes and case do not matter).

    Args:
        session: The open session; the counted look-up is committed with it.
        code: What the URL carried.
        ip: The client address, for the per-address limit.

    Raises:
        TryLater: past LOOKUPS_PER_ADDRESS look-ups in LOOKUP_WINDOW from one address.
        NotFound: an unknown or malformed code.
    """
    throttle_address(
        session,
        ip=ip,
        action="certificate_lookup",
        limit=LOOKUPS_PER_ADDRESS,
        window=LOOKUP_WINDOW,
        what="certificate look-ups",
    )
    found = _find(session, canonical(code))
    if found is None:
        session.commit()  # the caller rolls back on errors; the counted look-up must stay
        raise NotFound(CERTIFICATE_NOT_FOUND)
    return _page(*found)
