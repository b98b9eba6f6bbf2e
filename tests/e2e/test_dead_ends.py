"""No dead ends: locked lessons say how to unlock them and offer Enroll where they are,
priced courses offer Buy now and Add to cart, instructors land on /teach."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_email, sign_in, sign_up
from tests.e2e.conftest import db_rows
from tests.e2e.personas import create_user
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

SLUG = "python-for-absolute-beginners"
PRICED_COURSE = "/courses/modern-web-apps-with-python"


def locked_lesson(app_env: dict[str, str]) -> int:
    """A lesson of the free course that is not a preview."""
    [(lesson_id,)] = db_rows(
        app_env,
        "SELECT l.id FROM lesson l JOIN section s ON s.id = l.section_id "
        "JOIN course c ON c.id = s.course_id WHERE c.slug = :slug AND NOT l.is_preview "
        "ORDER BY s.position, l.position LIMIT 1",
        slug=SLUG,
    )
    return lesson_id


def test_a_locked_lesson_says_how_to_unlock_and_enrolls_where_it_is(
    page: Page, smtp: SmtpSink, app_env: dict[str, str], check_a11y
) -> None:
    page.goto(f"/courses/{SLUG}")
    expect(page.get_by_text("Enroll to unlock").first).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("^Watch the free preview")).first
    ).to_be_visible()
    check_a11y(page)

    sign_up(page, smtp, new_email())
    lesson_id = locked_lesson(app_env)
    page.goto(f"/learn/{SLUG}/{lesson_id}")
    expect(page.get_by_role("heading", name="This lesson is not open to you")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Enroll for free").click()
    expect(page.locator("#lesson-video")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as complete")).to_be_visible()

    page.goto(f"/courses/{SLUG}")
    expect(page.get_by_text("Enroll to unlock")).to_have_count(0)
    # Enrolled: every lesson of the syllabus is a link, the once-locked one included.
    expect(page.locator(f'main a[href="/learn/{SLUG}/{lesson_id}"]').first).to_be_visible()


def test_enrolling_updates_the_student_count_at_once(page: Page, smtp: SmtpSink) -> None:
    sign_up(page, smtp, new_email())
    page.goto(f"/courses/{SLUG}")
    counter = page.get_by_text(re.compile(r"^\d+ students$"))
    before = int(counter.inner_text().split()[0])
    page.get_by_role("button", name="Enroll for free").click()
    expect(page.get_by_text(f"{before + 1} students", exact=True)).to_be_visible()


def test_a_priced_course_offers_buy_now_and_add_to_cart(
    page: Page, smtp: SmtpSink, check_a11y
) -> None:
    sign_up(page, smtp, new_email())
    page.goto(PRICED_COURSE)
    price = page.get_by_text(re.compile(r"^\D?\d[\d,]*\.\d\d"))
    expect(price.first).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_role("button", name=re.compile("^Buy .* now$"))).to_have_count(1)
    expect(main.get_by_role("button", name=re.compile("^Add .* to the cart$"))).to_have_count(1)
    expect(main.get_by_role("button", name="Enroll for free")).to_have_count(0)
    check_a11y(page)


def test_an_instructor_without_enrollments_lands_on_teach(
    page: Page, app_env: dict[str, str]
) -> None:
    email, _ = create_user(app_env, "instructor", "lander")
    sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/teach/?$"))


def test_an_admin_lands_on_the_console_and_an_empty_period_says_so(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    email, _ = create_user(app_env, "admin", "console")
    sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    start = page.get_by_label("From", exact=True)
    expect(start).not_to_have_value("")  # the page set its default range (re-keys the field)
    start.fill("2001-01-01")
    page.get_by_label("To", exact=True).fill("2001-01-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("No sign-ups in this period.")).to_be_visible()
    expect(page.get_by_text("No enrollments in this period.")).to_be_visible()
    check_a11y(page)
