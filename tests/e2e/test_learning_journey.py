"""Preview for anyone; an enrolled student resumes, completes every lesson and reviews."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_email, sign_in, sign_up
from tests.e2e.conftest import db_rows, eventually
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

COURSE = "/courses/git-and-github-essentials"
VIDEO = "#lesson-video video"


def video_ready(page: Page) -> None:
    page.wait_for_function(
        f"() => {{ const v = document.querySelector('{VIDEO}'); return v && v.readyState >= 1; }}"
    )


def wait_for_saved_position(
    app_env: dict[str, str], email: str, lesson_id: int, seconds: float
) -> None:
    """Poll the database until this student's seek is stored (events are sent
    asynchronously). Other tests' students save positions on the same lesson."""
    sql = (
        'SELECT p.position_s FROM lesson_progress p JOIN "user" u ON u.id = p.user_id'
        " WHERE p.lesson_id = :lesson AND u.email = :email"
    )
    eventually(
        lambda: any(
            abs(position - seconds) < 0.05
            for (position,) in db_rows(app_env, sql, lesson=lesson_id, email=email)
        ),
        f"no saved position near {seconds}s for {email}",
    )


def rating_count(page: Page) -> int:
    line = page.get_by_text(re.compile(r"\(\d+ ratings\)")).first
    expect(line).to_be_visible()
    return int(re.search(r"(\d+) ratings", line.inner_text()).group(1))


def current_time(page: Page) -> float:
    return page.evaluate(f"() => document.querySelector('{VIDEO}').currentTime")


def test_anyone_can_play_a_preview_lesson(page: Page, check_a11y) -> None:
    page.goto(COURSE)
    page.get_by_role("link", name=re.compile("^Watch the free preview")).first.click()
    expect(page).to_have_url(re.compile(r"/learn/git-and-github-essentials/\d+$"))
    video_ready(page)
    assert page.evaluate(f"() => document.querySelector('{VIDEO}').duration") > 1
    expect(page.get_by_role("button", name="Mark as complete")).to_have_count(0)
    check_a11y(page)

    page.get_by_label("Speed").select_option("1.5")
    page.wait_for_function(f"() => document.querySelector('{VIDEO}').playbackRate === 1.5")
    page.locator("h1").click()  # focus the page, not a control
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{VIDEO}').currentTime > 0.5")


def test_a_locked_lesson_explains_itself(page: Page) -> None:
    page.goto(COURSE)
    page.get_by_role("link", name=re.compile("^Watch the free preview")).first.click()
    video_ready(page)
    locked = page.get_by_role("navigation", name="Course content").get_by_label("Locked")
    expect(locked.first).to_be_visible()


def test_student_resumes_completes_the_course_and_reviews_it(
    page: Page, smtp: SmtpSink, check_a11y, app_env: dict[str, str]
) -> None:
    email = new_email()
    sign_up(page, smtp, email)
    page.goto(COURSE)
    ratings_before = rating_count(page)
    page.get_by_role("button", name="Enroll for free").click()
    page.get_by_role("link", name="Go to course").click()
    expect(page).to_have_url(re.compile(r"/learn/git-and-github-essentials/\d+$"))
    first_lesson = page.url
    video_ready(page)
    check_a11y(page)

    # Seek into the lesson, leave, come back: it resumes near the same second.
    page.evaluate(f"() => {{ document.querySelector('{VIDEO}').currentTime = 2.5; }}")
    wait_for_saved_position(app_env, email, int(first_lesson.rsplit("/", 1)[1]), 2.5)
    page.goto("/dashboard")
    page.goto(first_lesson)
    video_ready(page)
    page.wait_for_function(f"() => document.querySelector('{VIDEO}').currentTime > 2")
    assert abs(current_time(page) - 2.5) < 0.6

    # Watch to the end: the lesson is ticked in the syllabus.
    page.evaluate(f"""() => {{ const v = document.querySelector('{VIDEO}');
        v.muted = true; v.currentTime = Math.max(0, v.duration - 0.4); v.play(); }}""")
    expect(page.get_by_text("Lesson complete.")).to_be_visible()
    nav = page.get_by_role("navigation", name="Course content")
    expect(nav.get_by_label("Completed")).to_have_count(1)
    page.get_by_role("button", name="Cancel autoplay").click()  # this test walks by itself

    # Mark the others complete one by one with the button.
    while page.get_by_role("link", name="Next lesson").count():
        page.get_by_role("link", name="Next lesson").click()
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    expect(page.get_by_role("heading", name="You completed the course!")).to_be_visible()
    expect(nav.get_by_text(re.compile(r"lessons complete · 100%"))).to_be_visible()

    page.get_by_role("radio", name="4 of 5 stars").check()
    page.get_by_label("Your review").fill("Clear and short. <b>Loved</b> the branching part.")
    page.get_by_role("button", name="Post review").click()
    expect(page.get_by_text("Thank you for your review (4 stars).")).to_be_visible()

    page.goto(COURSE)
    published = page.get_by_role("paragraph").filter(has_text="Clear and short. <b>Loved</b>")
    expect(published).to_be_visible()  # shown as text: the <b> is not markup
    assert rating_count(page) == ratings_before + 1

    # The student can change the review from the course page.
    expect(page.get_by_role("radio", name="4 of 5 stars")).to_be_checked()
    page.get_by_role("radio", name="3 of 5 stars").check()
    page.get_by_label("Your review").fill("Changed my mind a little.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your review is saved.")).to_be_visible()
    expect(
        page.get_by_role("paragraph").filter(has_text="Changed my mind a little.")
    ).to_be_visible()
    assert rating_count(page) == ratings_before + 1


def demo_password(app_env: dict[str, str], role: str) -> str:
    lines = Path(app_env["LMS_DATA_DIR"], "demo-passwords.txt").read_text().splitlines()
    return next(line.split("=", 1)[1] for line in lines if line.startswith(f"{role}="))


def test_the_instructor_replies_to_a_review_once(page: Page, app_env: dict[str, str]) -> None:
    page.goto(COURSE)
    expect(page.get_by_role("heading", name="Student reviews")).to_be_visible()
    expect(page.get_by_label("Reply as the instructor")).to_have_count(0)  # visitors: no form

    sign_in(page, "ada.instructor@demo.lms", demo_password(app_env, "instructor"))
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    page.goto(COURSE)
    boxes = page.get_by_label("Reply as the instructor")
    expect(boxes.first).to_be_visible()
    before = boxes.count()
    boxes.first.fill("Thanks! Branching gets its own lesson next month.")
    page.get_by_role("button", name="Post reply").first.click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    expect(page.get_by_text("Thanks! Branching gets its own lesson next month.")).to_be_visible()
    expect(boxes).to_have_count(before - 1)
