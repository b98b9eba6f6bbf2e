"""What a shared link to a certificate shows (Open Graph, Twitter): holder, course, date.

Crawlers do not run the client-rendered verify page, so `api/share_meta.py` writes these
into its HTML on the server. The look-up is the verify page's own, throttled per address
and telling no more than the page does (docs/security.md case 58).
"""

from __future__ import annotations

from sqlmodel import Session

from lms_reflex.services.catalog.share_meta import ShareMeta
from lms_reflex.services.certificates.codes import canonical
from lms_reflex.services.certificates.lookup import verify_certificate
from lms_reflex.services.certificates.status import page_url
from lms_reflex.services.certificates.views import CertificatePage, CertificateStatus
from lms_reflex.services.errors import DomainError
from lms_reflex.settings import get_settings


def _summary(page: CertificatePage) -> str:
    if page.status == CertificateStatus.REVOKED:
        return f"This certificate was revoked on {page.revoked_label}."
    taught = f", taught by {page.instructor_name}" if page.instructor_name else ""
    said = f"{page.holder_name} completed {page.course_title}{taught}, on {page.issued_label}."
    if page.status == CertificateStatus.REPLACED:
        return said + " A newer certificate replaces this one."
    return said


def certificate_share_meta(*, session: Session, code: str, ip: str) -> ShareMeta | None:
    """The preview of a certificate; None for an unknown code or a throttled address."""
    try:
        page = verify_certificate(session=session, code=code, ip=ip)
    except DomainError:
        return None
    settings = get_settings()
    revoked = page.status == CertificateStatus.REVOKED
    title = "Revoked certificate" if revoked else f"Certificate: {page.course_title}"
    return ShareMeta(
        title=title,
        summary=_summary(page),
        url=settings.base_url + page_url(canonical(page.number) or ""),
        image_url="",
        site_name=settings.site_name,
    )
