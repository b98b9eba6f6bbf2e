"""Issue 18 in Chromium: finish a course, get the certificate, check it signed out, revoke it.

The PDF is read back with pypdf (name, course, code, verify URL) and its QR code is decoded
from the image on the page with zxing-cpp; a forged revoke from the student changes nothing
(docs/security.md cases 22 and 57-59).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts import new_email, sign_in, sign_up
from tests.e2e.conftest import BASE_URL, db_rows
from tests.e2e.forge import send_event
from tests.e2e.personas import create_user
from tests.e2e.smtp_sink import SmtpSink, body_text
from tests.security_rules import RULES

pytestmark = pytest.mark.e2e

COURSE = "/courses/git-and-github-essentials"
TITLE = "Git and GitHub Essentials"
HOLDER = "Grace Hopper"  # the name tests/e2e/accounts.sign_up gives


def finish_the_course(page: Page) -> None:
    """Enroll, then mark every lesson complete with the player's button."""
    page.goto(COURSE)
    page.get_by_role("button", name="Enroll for free").click()
    page.get_by_role("link", name="Go to course").click()
    expect(page).to_have_url(re.compile(r"/learn/git-and-github-essentials/\d+$"))
    while True:
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
        if not page.get_by_role("link", name="Next lesson").count():
            break
        page.get_by_role("link", name="Next lesson").click()


def read_pdf(data: bytes) -> tuple[str, list[str]]:
    """The page's text and whatever QR codes its images hold."""
    pdf_page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    decoded = [
        code.text
        for image in pdf_page.images
        for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)))
    ]
    return pdf_page.extract_text(), decoded


def status_of(browser: Browser, verify_path: str) -> str:
    """What a signed-out browser reads on the verify page."""
    context = browser.new_context(base_url=BASE_URL)
    try:
        page = context.new_page()
        page.goto(verify_path)
        status = page.get_by_role("status").filter(has_text="This certificate")
        expect(status).to_be_visible()
        return status.inner_text()
    finally:
        context.close()


def test_a_student_gets_a_certificate_anyone_can_check_and_an_admin_revokes(
    page: Page, browser: Browser, smtp: SmtpSink, app_env: dict[str, str], check_a11y
) -> None:
    email = new_email("graduate")
    sign_up(page, smtp, email)
    finish_the_course(page)
    expect(page.get_by_role("heading", name="You completed the course!")).to_be_visible()
    offer = page.get_by_role("link", name=f"Certificate for {TITLE}")
    expect(offer).to_be_visible()
    check_a11y(page)

    [(code,)] = db_rows(
        app_env,
        'SELECT c.code FROM certificate c JOIN "user" u ON u.id = c.user_id WHERE u.email = :e',
        e=email,
    )
    verify_url = f"{BASE_URL}/certificates/{code}"
    assert verify_url in body_text(smtp.wait_for(email, subject_contains="certificate"))

    # The dashboard offers the certificate instead of "Continue".
    page.goto("/dashboard")
    expect(page.get_by_text("Completed", exact=True).last).to_be_visible()
    expect(page.get_by_role("link", name=f"Certificate for {TITLE}")).to_be_visible()
    expect(page.get_by_role("link", name=f"Continue {TITLE}")).to_have_count(0)

    # The verify page, then the PDF it links to.
    page.get_by_role("link", name=f"Certificate for {TITLE}").click()
    expect(page).to_have_url(re.compile(f"/certificates/{code}$"))
    expect(page.get_by_text("This certificate is valid.")).to_be_visible()
    expect(page.get_by_role("heading", name=HOLDER)).to_be_visible()
    check_a11y(page)
    link = page.get_by_role("link", name="Download PDF")
    reply = page.request.get(link.get_attribute("href") or "")
    assert reply.status == 200, reply.text()[:300]
    assert reply.headers["content-type"] == "application/pdf"
    assert "attachment" in reply.headers["content-disposition"]
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("certificate-")
    text, qr_codes = read_pdf(Path(download.value.path()).read_bytes())
    grouped = "-".join(code[i : i + 4] for i in range(0, len(code), 4))
    for expected in (HOLDER, TITLE, grouped, verify_url):
        assert expected in text, expected
    assert qr_codes == [verify_url]

    assert "valid" in status_of(browser, f"/certificates/{code}")

    # The student forging the admin's revoke is refused; the certificate stays valid.
    handler = "AdminCertificatesState.revoke"
    forged = {"form": {**RULES[handler][1]["form"], "number": code}}
    reply = send_event(page, BASE_URL, handler, forged, path="/admin/certificates")
    assert "do not have permission" in str(reply["updates"])
    assert db_rows(app_env, "SELECT revoked_at FROM certificate WHERE code = :c", c=code) == [
        (None,)
    ]

    # An admin finds it by its code and revokes it through the confirm dialog.
    admin_email, _ = create_user(app_env, "admin", "admin")
    context = browser.new_context(base_url=BASE_URL)
    admin = context.new_page()
    sign_in(admin, admin_email)
    admin.wait_for_url(lambda url: "/login" not in url)
    admin.goto("/admin/certificates")
    admin.get_by_label("Code, holder or course").fill(grouped.lower())
    admin.get_by_role("button", name="Search certificates").click()
    expect(admin.get_by_text("1 certificate found")).to_be_visible()
    admin.get_by_role("button", name=f"Revoke the certificate of {HOLDER}").click()
    dialog = admin.get_by_role("alertdialog")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    check_a11y(admin)
    dialog.get_by_label("Reason for the holder").fill("The final project was copied.")
    dialog.get_by_role("button", name="Revoke certificate").click()
    expect(admin.get_by_text("Certificate revoked; the holder was told why.")).to_be_visible()
    context.close()
    assert "copied" in body_text(smtp.wait_for(email, subject_contains="revoked"))

    assert "revoked" in status_of(browser, f"/certificates/{code}")
    assert page.request.get(f"/api/media/certificates/{code}.pdf").status == 404


def test_an_unknown_code_gets_the_not_found_page(page: Page) -> None:
    page.goto("/certificates/7KQ2-M9XD-ABCD-EFGH-0123")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.goto("/certificates/not-a-code")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_a_student_who_changes_their_name_reissues_and_the_old_code_says_replaced(
    page: Page, smtp: SmtpSink, app_env: dict[str, str]
) -> None:
    email = new_email("renamed")
    sign_up(page, smtp, email)
    finish_the_course(page)
    expect(page.get_by_role("link", name=f"Certificate for {TITLE}")).to_be_visible()
    [(old,)] = db_rows(
        app_env,
        'SELECT c.code FROM certificate c JOIN "user" u ON u.id = c.user_id WHERE u.email = :e',
        e=email,
    )

    page.goto("/profile")
    page.get_by_label("Last name").fill("Hopper-Murray")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    page.goto("/dashboard")
    page.get_by_role("button", name=f"Reissue the certificate for {TITLE}").click()
    expect(page.get_by_text("Your certificate now shows your current name.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Reissue the certificate for {TITLE}")).to_have_count(0)

    page.goto(f"/certificates/{old}")
    expect(page.get_by_text("This certificate was replaced by a newer one.")).to_be_visible()
    expect(page.get_by_role("heading", name=HOLDER, exact=True)).to_be_visible()
    page.get_by_role("link", name="See the current certificate").click()
    expect(page.get_by_text("This certificate is valid.")).to_be_visible()
    expect(page.get_by_role("heading", name="Grace Hopper-Murray")).to_be_visible()


def test_the_instructor_switches_certificates_off_in_the_builder(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    instructor_email, instructor_id = create_user(app_env, "instructor", "builder")
    sign_in(page, instructor_email)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/teach")
    page.get_by_role("button", name="New course").click()
    page.get_by_label("Course title").fill("Certificates optional")
    page.get_by_role("button", name="Create course").click()
    switch = page.get_by_role("switch", name="Certificate on completion")
    expect(switch).to_be_checked()
    check_a11y(page)
    switch.click()
    expect(page.get_by_text("No certificates will be issued for this course.")).to_be_visible()
    expect(switch).not_to_be_checked()
    rows = db_rows(
        app_env,
        "SELECT certificate_on_completion FROM course WHERE instructor_id = :i",
        i=instructor_id,
    )
    assert [bool(on) for (on,) in rows] == [False]
