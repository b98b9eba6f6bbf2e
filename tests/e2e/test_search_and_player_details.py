"""Search and player details: typos, the header box, the resume notice and autoplay."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_email, sign_up
from tests.e2e.smtp_sink import SmtpSink
from tests.e2e.test_learning_journey import COURSE, VIDEO, video_ready, wait_for_saved_position

pytestmark = pytest.mark.e2e


def test_a_typo_finds_python_courses_and_offers_did_you_mean(page: Page, check_a11y) -> None:
    page.goto("/")
    box = page.get_by_label("Search courses")
    box.fill("pyhton")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/?\?q=pyhton$"))
    main = page.get_by_role("main")
    expect(main.get_by_text(re.compile("Did you mean"))).to_be_visible()
    expect(main.get_by_role("heading", level=2, name=re.compile("Python"))).not_to_have_count(0)
    expect(page.get_by_label("Search courses")).to_have_value("pyhton")
    check_a11y(page)

    main.get_by_role("link", name="python", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search/?\?q=python$"))
    expect(page.get_by_role("heading", level=1, name="Results for “python”")).to_be_visible()
    expect(main.get_by_text(re.compile("Did you mean"))).to_have_count(0)
    expect(page.get_by_label("Search courses")).to_have_value("python")


def test_resume_notice_starts_over_and_autoplay_can_be_cancelled(
    page: Page, smtp: SmtpSink, check_a11y, app_env: dict[str, str]
) -> None:
    sign_up(page, smtp, email := new_email())
    page.goto(COURSE)
    page.get_by_role("button", name="Enroll for free").click()
    page.get_by_role("link", name="Go to course").click()
    expect(page).to_have_url(re.compile(r"/learn/git-and-github-essentials/\d+$"))
    lesson = page.url
    video_ready(page)
    expect(page.get_by_text(re.compile("Resumed at"))).to_have_count(0)  # nothing to resume

    page.evaluate(f"() => {{ document.querySelector('{VIDEO}').currentTime = 3.2; }}")
    wait_for_saved_position(app_env, email, int(lesson.rsplit("/", 1)[1]), 3.2)
    page.goto("/dashboard")
    page.goto(lesson)
    video_ready(page)
    expect(page.get_by_text("Resumed at 0:03")).to_be_visible()
    page.wait_for_function(f"() => document.querySelector('{VIDEO}').currentTime > 2")
    check_a11y(page)
    page.get_by_role("button", name="Start over").click()
    page.wait_for_function(f"() => document.querySelector('{VIDEO}').currentTime < 1")
    expect(page.get_by_text(re.compile("Resumed at"))).to_have_count(0)

    expect(page.get_by_label("Autoplay next lesson")).to_be_checked()
    page.evaluate(f"""() => {{ const v = document.querySelector('{VIDEO}');
        v.muted = true; v.currentTime = Math.max(0, v.duration - 0.4); v.play(); }}""")
    countdown = page.get_by_role("timer")
    expect(countdown).to_contain_text(re.compile(r"Next lesson in [1-5] s"))
    check_a11y(page)
    page.get_by_role("button", name="Cancel autoplay").click()
    expect(countdown).to_have_count(0)
    page.wait_for_timeout(6000)  # longer than the countdown: nothing opens by itself
    assert page.url == lesson


def test_autoplay_opens_the_next_lesson_and_the_switch_turns_it_off(
    page: Page, smtp: SmtpSink
) -> None:
    sign_up(page, smtp, new_email())
    page.goto(COURSE)
    page.get_by_role("button", name="Enroll for free").click()
    page.get_by_role("link", name="Go to course").click()
    expect(page).to_have_url(re.compile(r"/learn/git-and-github-essentials/\d+$"))
    first = page.url
    video_ready(page)
    play_to_the_end = f"""() => {{ const v = document.querySelector('{VIDEO}');
        v.muted = true; v.currentTime = Math.max(0, v.duration - 0.4); v.play(); }}"""
    page.evaluate(play_to_the_end)
    expect(page.get_by_role("timer")).to_be_visible()
    page.wait_for_url(lambda url: url != first, timeout=20_000)
    video_ready(page)

    page.get_by_label("Autoplay next lesson").click()
    expect(page.get_by_label("Autoplay next lesson")).not_to_be_checked()
    page.reload()  # the choice is kept in this browser
    video_ready(page)
    expect(page.get_by_label("Autoplay next lesson")).not_to_be_checked()
    second = page.url
    page.evaluate(play_to_the_end)
    expect(page.get_by_text("Lesson complete.")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_count(0)
    assert page.url == second
