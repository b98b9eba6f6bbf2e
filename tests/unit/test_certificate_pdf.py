"""The certificate PDF (issue 18): names in several scripts, the QR code, the media route."""

from __future__ import annotations

import io
import logging

import pypdf
import pytest
import zxingcpp
from PIL import Image
from sqlmodel import Session
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.db import dispose_engines
from lms_reflex.media import storage
from lms_reflex.models import Enrollment, Role
from lms_reflex.services.certificates import admin as cert_admin
from lms_reflex.services.certificates import mine
from lms_reflex.services.certificates.pdf import PrintedFacts, missing_characters, render_pdf
from tests.unit.catalog_fixtures import actor, add_course, add_user
from tests.unit.test_certificates import finish, rename

VERIFY = "https://learn.example.org/certificates/7KQ2M9XDABCDEFGH0123"
SAMPLE_NAMES = [
    "Zoë Łukasiewicz-Ñúñez",  # Latin with diacritics
    "Γιώργος Παπαδόπουλος",  # Greek
    "Анна Каренина",  # Cyrillic
    "Nguyễn Thị Minh Khai",  # Vietnamese, Latin Extended Additional
]


def facts(name: str, **overrides: str) -> PrintedFacts:
    values = {
        "site_name": "Example Academy",
        "holder_name": name,
        "course_title": "Rust from scratch",
        "instructor_name": "Teacher Tester",
        "hours_label": "3 h 5 min",
        "date_label": "5 December 2026",
        "code": "7KQ2-M9XD-ABCD-EFGH-0123",
        "verify_url": VERIFY,
    }
    return PrintedFacts(**(values | overrides))


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    return page.extract_text()


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_names_in_latin_greek_and_cyrillic_print_and_read_back(name: str) -> None:
    assert missing_characters(name) == ""
    text = text_of(render_pdf(facts(name)))
    for expected in (name, "Example Academy", "Rust from scratch", "Teacher Tester"):
        assert expected in text
    assert "7KQ2-M9XD-ABCD-EFGH-0123" in text and VERIFY in text and "3 h 5 min" in text


def test_a_script_the_font_lacks_does_not_crash_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="lms_reflex.services.certificates.pdf"):
        pdf = render_pdf(facts("王小明 Anna"))
    assert "Anna" in text_of(pdf)
    assert any("U+738B" in record.getMessage() for record in caplog.records)


def test_the_qr_code_holds_the_verify_url() -> None:
    """The QR image drawn on the page decodes back to the verify URL."""
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(facts("Ada"))))
    [image] = reader.pages[0].images
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    assert [code.text for code in decoded] == [VERIFY]


# ------------------------------------------------------------------ the media route


@pytest.fixture
def served(session: Session):
    dispose_engines()
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    student = add_user(session, "ada@example.org")
    admin = add_user(session, "admin@example.org", Role.ADMIN)
    course = add_course(session, teacher, "rust-basics", lessons=2)
    session.add(Enrollment(user_id=student.id, course_id=course.id))
    session.commit()
    issued = finish(session, student, course).certificate
    assert issued is not None
    yield issued.code, student, course, admin
    dispose_engines()


def test_anyone_downloads_the_pdf_made_once(served) -> None:
    code, *_ = served
    client = TestClient(build_api())
    url = f"/api/media/certificates/{code}.pdf"
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/pdf"
    assert f'filename="certificate-{code[:4]}-' in first.headers["content-disposition"]
    assert first.headers["cache-control"] == "no-cache"
    assert "Ada Tester" in text_of(first.content)
    path = storage.path_for(f"certificates/{code}.pdf")
    made = path.stat().st_mtime_ns
    assert client.get(url).content == first.content
    assert path.stat().st_mtime_ns == made  # served from disk, not drawn again


def test_unknown_malformed_and_revoked_certificates_are_not_served(
    served, session: Session
) -> None:
    code, _student, _course, admin = served
    client = TestClient(build_api())
    for key in ("certificates/7KQ2M9XDABCDEFGH0123.pdf", "certificates/../x.pdf", "certificates/a"):
        assert client.get(f"/api/media/{key}").status_code == 404
    assert client.get(f"/api/media/certificates/{code}.pdf").status_code == 200
    path = storage.path_for(f"certificates/{code}.pdf")
    assert path.is_file()
    cert_admin.revoke_certificate(session=session, actor=actor(admin), code=code, reason="Fraud")
    session.commit()
    assert not path.exists()  # the file with the holder's name is gone
    assert client.get(f"/api/media/certificates/{code}.pdf").status_code == 404


def test_a_reissue_gets_its_own_pdf_with_the_new_name(served, session: Session) -> None:
    code, student, course, _admin = served
    client = TestClient(build_api())
    assert "Ada Tester" in text_of(client.get(f"/api/media/certificates/{code}.pdf").content)
    rename(session, student, "Ada", "Lovelace")
    new = mine.reissue_certificate(session=session, actor=actor(student), course_id=course.id)
    session.commit()
    assert "Ada Lovelace" in text_of(client.get(f"/api/media/certificates/{new}.pdf").content)
    assert "Ada Tester" in text_of(client.get(f"/api/media/certificates/{code}.pdf").content)


def test_the_longest_name_and_title_wrap_on_one_page() -> None:
    """161 characters of name and 120 of title (the columns' limits) still fit one page."""
    name, title = ("Wilhelmina " * 15)[:161].strip(), ("Version control " * 8)[:120].strip()
    text = text_of(render_pdf(facts(name, course_title=title)))
    assert "Wilhelmina" in text and "Version control" in text
    assert VERIFY in text  # the footer is still printed after the wrapped lines
