"""A visitor browses the catalog: home -> course card -> syllabus; unknown pages say so."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def assert_page_basics(page: Page) -> None:
    """Every page has a title, a language, one h1 and a main landmark."""
    expect(page).to_have_title(re.compile(r"\S"))
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)


def test_home_lists_courses_and_a_card_opens_its_syllabus(page: Page, check_a11y) -> None:
    page.goto("/")
    newest = page.get_by_role("heading", name="Newest courses")
    expect(newest).to_be_visible()
    cards = page.get_by_role("main").get_by_role("link").filter(has=page.get_by_role("heading"))
    expect(cards.first).to_be_visible()
    assert cards.count() >= 4
    assert_page_basics(page)
    check_a11y(page)

    title = cards.first.get_by_role("heading").inner_text()
    cards.first.click()
    expect(page).to_have_url(re.compile(r"/courses/[\w-]+$"))
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_role("heading", name="Course content")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ sections · \d+ lessons"))).to_be_visible()
    expect(page.get_by_text("Preview").first).to_be_visible()
    assert_page_basics(page)
    check_a11y(page)


def test_unknown_address_shows_the_not_found_page(page: Page, check_a11y) -> None:
    page.goto("/no/such/page")
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    assert_page_basics(page)
    check_a11y(page)


def test_unknown_course_slug_says_not_found(page: Page) -> None:
    page.goto("/courses/this-course-does-not-exist")
    expect(page.get_by_role("heading", level=1, name="Course not found")).to_be_visible()


def test_categories_menu_leads_to_a_category_page(page: Page, check_a11y) -> None:
    page.goto("/")
    page.get_by_role("button", name="Categories").click()
    item = page.get_by_role("menuitem").first
    name = item.inner_text()
    item.click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    assert_page_basics(page)
    check_a11y(page)


def test_category_page_sorts_by_newest_and_suggests_other_categories(
    page: Page, check_a11y
) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Categories").get_by_role(
        "link", name="Programming"
    ).click()
    expect(page.get_by_role("heading", level=1, name="Programming")).to_be_visible()
    expect(page.get_by_role("heading", name="Explore other categories")).to_be_visible()
    page.get_by_role("radio", name="Newest").click()
    expect(page).to_have_url(re.compile(r"/categories/programming/?\?sort=newest&page=1$"))
    expect(page.get_by_role("radio", name="Newest")).to_be_checked()
    check_a11y(page)
