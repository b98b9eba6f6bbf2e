"""A visitor is asked to sign in; a student enrolls in a free course and sees it at 0 %."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_email, sign_up
from tests.e2e.conftest import db_rows
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

FREE_COURSE = "/courses/python-for-absolute-beginners"
PRICED_COURSE = "/courses/modern-web-apps-with-python"


def test_anonymous_visitor_is_asked_to_sign_in_to_enroll(page: Page, check_a11y) -> None:
    page.goto(FREE_COURSE)
    link = page.get_by_role("link", name="Sign in to enroll")
    expect(link).to_be_visible()
    assert link.get_attribute("href") == "/login?next=/courses/python-for-absolute-beginners"
    check_a11y(page)


def test_student_enrolls_in_a_free_course_and_sees_it_on_the_dashboard(
    page: Page, smtp: SmtpSink, app_env: dict[str, str], check_a11y
) -> None:
    email = new_email()
    sign_up(page, smtp, email)
    page.goto(FREE_COURSE)
    page.get_by_role("button", name="Enroll for free").click()
    expect(page.get_by_text("You are enrolled in Python for Absolute Beginners.")).to_be_visible()
    expect(page.get_by_role("link", name="Go to course")).to_be_visible()
    smtp.wait_for(email, subject_contains="You are enrolled")

    page.goto("/dashboard")
    card = page.get_by_role("heading", name="Python for Absolute Beginners")
    expect(card).to_be_visible()
    expect(page.get_by_text(re.compile(r"^0% complete"))).to_be_visible()
    check_a11y(page)
    page.get_by_role("radio", name="Completed").click()
    expect(card).to_have_count(0)
    page.get_by_role("radio", name="In progress").click()
    expect(card).to_be_visible()

    page.goto(FREE_COURSE)
    expect(page.get_by_role("link", name="Go to course")).to_be_visible()
    rows = db_rows(
        app_env,
        'SELECT count(*) FROM enrollment e JOIN "user" u ON u.id = e.user_id '
        "JOIN course c ON c.id = e.course_id WHERE u.email = :email AND c.slug = :slug",
        email=email,
        slug="python-for-absolute-beginners",
    )[0][0]
    assert rows == 1


def test_priced_course_is_bought_not_joined(page: Page, smtp: SmtpSink) -> None:
    sign_up(page, smtp, new_email())
    page.goto(PRICED_COURSE)
    expect(
        page.get_by_role("main").get_by_role("button", name=re.compile("^Buy .* now$"))
    ).to_have_count(1)
    expect(page.get_by_role("button", name="Enroll for free")).to_have_count(0)
