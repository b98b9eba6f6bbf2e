"""Issue 17, phone and layout: at 390 px the header is one row under 72 px on every page,
with a search button that opens the search field and one accessible menu holding the
categories, the account, the theme and sign-out. The player puts the video first and folds
the syllabus under a button.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts import new_email, sign_up
from tests.e2e.smtp_sink import SmtpSink
from tests.e2e.test_top_bar import COURSE, preview_lesson_url

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
MAX_HEADER_PX = 72


@pytest.fixture
def phone(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport=PHONE, has_touch=True)
    yield context.new_page()
    context.close()


def header_is_one_short_row(page: Page) -> None:
    header = page.locator("#site-header")
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    box = header.bounding_box()
    assert box is not None and box["height"] < MAX_HEADER_PX, (page.url, box)
    assert box["width"] <= PHONE["width"], (page.url, box)
    # Logo, search button and menu button sit side by side on that one row.
    centres = []
    for control in (
        header.get_by_role("link", name=re.compile(" home$")),
        header.get_by_role("button", name="Show search"),
        header.get_by_role("button", name="Menu"),
    ):
        part = control.bounding_box()
        assert part is not None, page.url
        centres.append(part["y"] + part["height"] / 2)
    assert max(centres) - min(centres) < 12, (page.url, centres)
    # The desktop controls are not drawn at this width.
    expect(header.get_by_role("button", name="Categories")).to_have_count(0)
    expect(page.locator("#nav-search")).to_be_hidden()


def test_the_phone_header_is_one_row_on_five_pages(phone: Page, smtp: SmtpSink, check_a11y) -> None:
    sign_up(phone, smtp, new_email())  # the dashboard needs a signed-in student
    lesson = preview_lesson_url(phone)
    for url in ("/", COURSE, "/search?q=git", "/dashboard", lesson):
        phone.goto(url)
        expect(phone.locator("#main")).to_be_visible()
        header_is_one_short_row(phone)
        check_a11y(phone)


def test_the_search_button_opens_the_search_field(phone: Page, check_a11y) -> None:
    phone.goto("/")
    header_is_one_short_row(phone)
    toggle = phone.get_by_role("button", name="Show search")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    field = phone.get_by_label("Search courses")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    box = phone.locator("#site-header").bounding_box()
    assert box is not None and box["height"] < MAX_HEADER_PX  # the field opens below it
    check_a11y(phone)
    field.fill("git")
    field.press("Enter")
    expect(phone).to_have_url(re.compile(r"/search\?q=git"))


def test_the_menu_holds_categories_account_theme_and_sign_out(
    phone: Page, smtp: SmtpSink, check_a11y
) -> None:
    phone.goto("/")
    phone.get_by_role("button", name="Menu").click()
    menu = phone.get_by_role("menu").first
    expect(menu.get_by_role("menuitem", name="Categories")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Sign in")).to_be_visible()
    expect(menu.get_by_role("menuitem", name="Switch light or dark theme")).to_be_visible()
    check_a11y(phone)
    phone.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    expect(phone.get_by_role("button", name="Menu")).to_be_focused()

    sign_up(phone, smtp, new_email())
    phone.goto("/")
    phone.get_by_role("button", name="Menu").click()
    menu = phone.get_by_role("menu").first
    menu.get_by_role("menuitem", name="Switch light or dark theme").click()
    expect(phone.locator("html")).to_have_class(re.compile("dark"))
    expect(phone.get_by_role("menu")).to_have_count(0)
    phone.get_by_role("button", name="Menu").click()
    menu.get_by_role("menuitem", name="Categories").click()
    category = phone.get_by_role("menu").last.get_by_role("menuitem").first
    name = category.inner_text()
    category.click()
    expect(phone).to_have_url(re.compile(r"/categories/"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text(name)
    expect(phone.get_by_role("menu")).to_have_count(0)
    phone.get_by_role("button", name="Menu").click()
    menu.get_by_role("menuitem", name="Settings").click()
    expect(phone).to_have_url(re.compile(r"/settings/?$"))
    expect(phone.get_by_role("menu")).to_have_count(0)
    phone.get_by_role("button", name="Menu").click()
    menu.get_by_role("menuitem", name="Sign out").click()
    expect(phone.get_by_role("button", name="Menu")).to_be_visible()
    phone.get_by_role("button", name="Menu").click()
    expect(phone.get_by_role("menu").get_by_role("menuitem", name="Sign in")).to_be_visible()


def test_the_player_puts_the_video_first_and_folds_the_syllabus(phone: Page) -> None:
    phone.goto(preview_lesson_url(phone))
    video = phone.locator("video")
    expect(video).to_be_visible()
    nav = phone.get_by_role("navigation", name="Course content")
    toggle = nav.get_by_role("button", name="Show or hide the lessons")
    video_box, toggle_box = video.bounding_box(), toggle.bounding_box()
    assert video_box is not None and toggle_box is not None
    assert video_box["y"] + video_box["height"] <= toggle_box["y"]
    assert video_box["width"] > PHONE["width"] * 0.8
    expect(phone.locator("#syllabus-body")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link").first).to_be_visible()
