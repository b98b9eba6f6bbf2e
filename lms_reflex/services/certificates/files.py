"""A certificate's PDF on disk: made on its first download, then served as a file.

The file is named by the code (media/storage.py `certificate_key`), so a reissue, which
makes a new code, makes a new file; the replaced certificate keeps its own. A revoked
certificate's file is never served (`pdf_for_key` says no) and deleted when it is revoked
with the account.
"""

from __future__ import annotations

import logging
import time

from sqlmodel import Session, select

from lms_reflex.mail.certificate_messages import verify_link
from lms_reflex.media import storage
from lms_reflex.models import Certificate
from lms_reflex.services.certificates.codes import grouped
from lms_reflex.services.certificates.pdf import PrintedFacts, render_pdf
from lms_reflex.services.formatting import day_label, length_label
from lms_reflex.settings import get_settings

_log = logging.getLogger(__name__)
PREFIX = storage.CERTIFICATES + "/"


def printed_facts(row: Certificate) -> PrintedFacts:
    """What the PDF of a certificate row shows."""
    return PrintedFacts(
        site_name=get_settings().site_name,
        holder_name=row.printed_name,
        course_title=row.course_title,
        instructor_name=row.instructor_name,
        hours_label=length_label(row.video_seconds),
        date_label=day_label(row.issued_at),
        code=grouped(row.code),
        verify_url=verify_link(row.code),
    )


def download_name(key: str) -> str:
    """The file name a browser saves a certificate as."""
    code = key.removeprefix(PREFIX).removesuffix(".pdf")
    return f"certificate-{grouped(code)}.pdf"


def write_pdf(row: Certificate) -> None:
    """Render and publish the PDF atomically (a reader never sees half a file)."""
    storage.write_atomic(storage.certificate_key(row.code), render_pdf(printed_facts(row)))


def is_certificate_key(key: str) -> bool:
    """Whether a media key names a certificate's PDF."""
    return key.startswith(PREFIX)


def pdf_for_key(*, session: Session, key: str) -> bool:
    """Make sure the PDF of a servable certificate is on disk.

    Anyone may download a certificate that is not revoked (its page is public too); a
    replaced one still downloads, as it was printed.

    Returns:
        False for an unknown or revoked certificate (the route answers 404).
    """
    code = key.removeprefix(PREFIX).removesuffix(".pdf")
    row = session.exec(select(Certificate).where(Certificate.code == code)).first()
    if row is None or row.revoked_at is not None:
        return False
    if not storage.path_for(key).is_file():
        started = time.perf_counter()
        write_pdf(row)
        elapsed_ms = (time.perf_counter() - started) * 1000
        _log.info("certificate %s: PDF made in %.0f ms", grouped(row.code), elapsed_ms)
    return True


def forget_pdf(code: str) -> None:
    """Delete a revoked certificate's PDF (it holds the holder's name).

    Safe before the commit: should the revocation roll back, the next download draws the
    file again. A failure is logged; the file is never served anyway (the route checks the
    row).
    """
    try:
        storage.delete_key(storage.certificate_key(code))
    except OSError:
        _log.exception("certificate %s: could not delete its PDF", grouped(code))
