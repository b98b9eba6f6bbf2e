"""Issue 21 in Chromium: a course announcement reaches an enrolled student's mail, and its
opt-out link works without signing in (docs/security.md, "Course announcements").

The demo instructor Ada posts on her course; the student's mail carries a signed link; the
link, opened in a browser that is signed in as nobody, stops the mails only when its button
is pressed; the next announcement reaches another student and not this one; both show on the
student's learning page, where the student turns the mails back on with a switch.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts import sign_in
from tests.e2e.conftest import db_rows, eventually
from tests.e2e.personas import create_user, run_python
from tests.e2e.smtp_sink import SmtpSink, body_text
from tests.e2e.test_builder_details_journey import course_id_of, demo_password

pytestmark = pytest.mark.e2e

ADA = "ada.instructor@demo.lms"
SLUG = "modern-web-apps-with-python"  # Ada's priced course: students are enrolled by hand
TITLE = "Modern Web Apps with Python"


def enroll(app_env: dict[str, str], user_id: int, course_id: int) -> None:
    """Enroll as an admin would after a bank transfer (the course is priced)."""
    run_python(
        app_env,
        "from lms_reflex.db import session_scope\n"
        "from lms_reflex.models import Enrollment\n"
        "with session_scope() as s:\n"
        f"    s.add(Enrollment(user_id={user_id}, course_id={course_id}, source='admin'))\n",
    )


def post(page: Page, title: str, body: str) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Message (Markdown)").fill(body)
    page.get_by_role("button", name="Post announcement").click()
    expect(page.get_by_role("heading", level=3, name=title)).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("")


def delete_one_and_meet_the_limit(page: Page, check_a11y) -> None:
    """A third announcement is deleted after a confirm; a fourth in the hour is refused."""
    typo = f"Typo {uuid.uuid4().hex[:6]}"
    post(page, typo, "Oops.")
    page.get_by_role("button", name=f"Delete announcement {typo}").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"Delete \u201c{typo}\u201d?")
    check_a11y(page)
    dialog.get_by_role("button", name="Delete announcement").click()
    expect(page.get_by_role("heading", level=3, name=typo)).to_have_count(0)
    expect(dialog).to_be_hidden()
    page.get_by_label("Title").fill("One too many")
    page.get_by_label("Message (Markdown)").fill("Four in an hour.")
    page.get_by_role("button", name="Post announcement").click()
    expect(page.get_by_role("alert").filter(has_text="Try again in")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("One too many")  # kept for later


def opt_out_link(smtp: SmtpSink, email: str, subject: str) -> str:
    text = body_text(smtp.wait_for(email, subject_contains=subject))
    match = re.search(r"https?://\S+/announcements/opt-out\?t=\S+", text)
    assert match, text
    return match.group(0)


def test_an_announcement_is_mailed_and_the_opt_out_link_works_without_signing_in(
    page: Page,
    browser: Browser,
    base_url: str,
    smtp: SmtpSink,
    app_env: dict[str, str],
    check_a11y,
) -> None:
    course_id = course_id_of(app_env, SLUG)
    first_email, first_id = create_user(app_env, "student", "listener")
    second_email, second_id = create_user(app_env, "student", "keeper")
    for user_id in (first_id, second_id):
        enroll(app_env, user_id, course_id)

    sign_in(page, ADA, demo_password(app_env, "instructor"))
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/teach/courses/{course_id}/announcements")
    expect(page.get_by_role("heading", level=2, name="New announcement")).to_be_visible()
    check_a11y(page)
    first = f"Office hours {uuid.uuid4().hex[:6]}"
    post(page, first, "Join us on **Thursday**.")
    expect(page.get_by_text(re.compile(r"mailed to \d+ students")).first).to_be_visible()

    link = opt_out_link(smtp, first_email, first)
    assert f"{TITLE}: {first}" in str(smtp.wait_for(first_email, subject_contains=first)["Subject"])

    stranger = browser.new_context(base_url=base_url)
    visitor = stranger.new_page()
    visitor.goto(link.replace("?t=", "?t=1"))  # a changed token
    expect(visitor.get_by_text("This link does not work")).to_be_visible()
    visitor.goto(link)
    expect(visitor.get_by_role("button", name="Stop announcement mails")).to_be_visible()
    expect(visitor.get_by_text(f"You will no longer get announcements for {TITLE}")).to_be_visible()
    opted = "SELECT id FROM announcement_opt_out WHERE user_id = :u AND course_id = :c"
    assert db_rows(app_env, opted, u=first_id, c=course_id) == []  # opening it changed nothing
    check_a11y(visitor)
    visitor.get_by_role("button", name="Stop announcement mails").click()
    expect(visitor.get_by_role("button", name="Get announcement mails again")).to_be_visible()
    expect(visitor.get_by_role("status")).to_contain_text(
        f"You will no longer get announcements for {TITLE}"
    )
    assert len(db_rows(app_env, opted, u=first_id, c=course_id)) == 1
    check_a11y(visitor)
    stranger.close()

    second = f"Slides are up {uuid.uuid4().hex[:6]}"
    post(page, second, "See the course page.")
    # Mails go out one after another in user id order, so once the later student has it,
    # the earlier one would have had theirs too.
    assert first_id < second_id
    smtp.wait_for(second_email, subject_contains=second)
    assert not [m for m in smtp.messages_to(first_email) if second in str(m["Subject"])]
    delete_one_and_meet_the_limit(page, check_a11y)

    page.context.clear_cookies()
    sign_in(page, first_email)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/learn/{SLUG}")
    expect(page).to_have_url(re.compile(rf"/learn/{SLUG}/\d+$"))
    panel = page.get_by_role("region", name="Announcements")
    expect(panel.get_by_role("heading", level=3)).to_have_text([second, first])  # newest first
    expect(panel.get_by_text("Thursday")).to_be_visible()
    check_a11y(page)

    # The same choice from the learning page: off since the link, switched back on here.
    mails = panel.get_by_role("switch", name="Email me new announcements")
    expect(mails).not_to_be_checked()
    mails.click()
    expect(mails).to_be_checked()
    eventually(
        lambda: not db_rows(app_env, opted, u=first_id, c=course_id),
        "the switch's choice never reached the database",
    )
    page.reload()
    expect(panel.get_by_role("switch", name="Email me new announcements")).to_be_checked()
