"""What a certificate row says: valid, revoked or replaced, and where its pieces live."""

from __future__ import annotations

from lms_reflex import routes
from lms_reflex.media.storage import certificate_key
from lms_reflex.models import Certificate
from lms_reflex.services.certificates.views import CertificateStatus
from lms_reflex.services.formatting import media_url


def status_of(row: Certificate) -> CertificateStatus:
    """Revoked wins over replaced: a revoked code never points anywhere."""
    if row.revoked_at is not None:
        return CertificateStatus.REVOKED
    if row.replaced_by:
        return CertificateStatus.REPLACED
    return CertificateStatus.VALID


def pdf_url(code: str) -> str:
    """The PDF of a certificate, served by the media route (api/media.py)."""
    return media_url(certificate_key(code))


def page_url(code: str) -> str:
    """The public verify page."""
    return routes.certificate_url(code)
