"""An anonymous visitor searches, filters, and shares the URL; odd input is plain text."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_search_highlights_words_and_the_url_keeps_the_filters(page: Page, check_a11y) -> None:
    page.goto("/")
    box = page.get_by_label("Search courses")
    box.fill("python")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/?\?q=python$"))
    expect(page.get_by_role("heading", level=1, name="Results for “python”")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("courses found")
    expect(page.locator("mark").first).to_have_text(re.compile("python", re.I))
    check_a11y(page)

    page.get_by_label("Price").select_option("paid")
    page.get_by_label("Sort by").select_option("rating")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"price=paid"))
    expect(page).to_have_url(re.compile(r"sort=rating"))
    free = page.get_by_role("main").locator(".rt-Card").get_by_text("Free", exact=True)
    expect(free).to_have_count(0)  # the results now reflect the filter
    results = page.get_by_role("main").get_by_role("heading", level=2)
    expect(results.first).to_be_visible()
    titles = results.all_inner_texts()

    other = page.context.new_page()
    other.goto(page.url)
    expect(other.get_by_label("Price")).to_have_value("paid")
    expect(
        other.get_by_role("main").locator(".rt-Card").get_by_text("Free", exact=True)
    ).to_have_count(0)
    shared = other.get_by_role("main").get_by_role("heading", level=2)
    expect(shared).to_have_count(len(titles))
    assert shared.all_inner_texts() == titles


@pytest.mark.parametrize("query", ["' OR 1=1 --", 'NEAR("a" "b")', "*", "%_%"])
def test_sql_and_search_syntax_are_searched_as_plain_text(page: Page, query: str) -> None:
    page.goto("/search?" + "q=" + re.sub(r"[^\w]", lambda m: f"%{ord(m.group()):02X}", query))
    expect(page.get_by_role("heading", level=1)).to_contain_text(query)
    expect(page.get_by_text("No courses match your search.")).to_be_visible()


@pytest.mark.parametrize("query", ["guitarists", "migrating"])  # a draft, an archived course
def test_drafts_and_archived_courses_never_appear_in_search(page: Page, query: str) -> None:
    page.goto(f"/search?q={query}")
    expect(page.get_by_text("No courses match your search.")).to_be_visible()
