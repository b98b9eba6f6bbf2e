"""The top bar follows the session on every busy page, opened fresh or reached by a click.

Home, search, course and lesson pages refresh the top bar inside their own load (one event
fewer per view); the other pages still send SessionState.load. Either way the bar must say
who is signed in, and the categories menu must be filled, on the first paint of the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_email, sign_out, sign_up
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

COURSE = "/courses/git-and-github-essentials"
PAGES = ("/", "/search?q=git", COURSE, "/dashboard")


def preview_lesson_url(page: Page) -> str:
    page.goto(COURSE)
    page.get_by_role("link", name=re.compile("^Watch the free preview")).first.click()
    expect(page).to_have_url(re.compile(r"/learn/git-and-github-essentials/\d+$"))
    return page.url


def categories_are_listed(page: Page) -> None:
    page.get_by_role("button", name="Categories").click()
    expect(page.get_by_role("menuitem").first).to_be_visible()
    page.keyboard.press("Escape")


def test_the_top_bar_shows_who_is_signed_in_on_every_busy_page(page: Page, smtp: SmtpSink) -> None:
    sign_up(page, smtp, new_email())  # ends signed in, as Grace
    lesson = preview_lesson_url(page)
    for url in (*PAGES, lesson):
        page.goto(url)
        expect(page.get_by_role("button", name="Account menu")).to_contain_text("Grace")
        categories_are_listed(page)

    sign_out(page)
    for url in (*PAGES[:3], lesson):
        page.goto(url)
        expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Account menu")).to_have_count(0)
        categories_are_listed(page)


def test_a_refused_page_still_shows_the_top_bar(page: Page, smtp: SmtpSink) -> None:
    sign_up(page, smtp, new_email())
    page.goto("/courses/no-such-course")
    expect(page.get_by_role("heading", level=1, name="Course not found")).to_be_visible()
    expect(page.get_by_role("button", name="Account menu")).to_contain_text("Grace")
