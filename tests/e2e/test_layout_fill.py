"""Issue 17, layout: builder lesson rows use the whole section, card thumbnails fill their
frame, and the keyboard's focus is visible everywhere, the search field included.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.accounts import PASSWORD
from tests.e2e.conftest import db_rows, wait_for_app
from tests.e2e.personas import OWN_SLUG, create_user, hand_course_to

pytestmark = pytest.mark.e2e

TOLERANCE_PX = 2


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def test_builder_lesson_rows_use_the_full_section_width(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    email, user_id = create_user(app_env, "instructor", "layout")
    hand_course_to(app_env, OWN_SLUG, user_id)
    [(course_id,)] = db_rows(app_env, "SELECT id FROM course WHERE slug = :s", s=OWN_SLUG)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    page.goto(f"/teach/courses/{course_id}/curriculum")
    edit = page.get_by_role("button", name=re.compile("^Edit lesson ")).first
    expect(edit).to_be_visible()
    section = page.locator("[data-sortable-kind=section]").first
    header = section.get_by_role("heading", level=2)
    lesson = section.locator("[data-sortable-kind=lesson]").first
    head_box, lesson_box = box(header.locator("xpath=..")), box(lesson)
    # The row starts where the section's content starts and reaches its right edge.
    section_right = head_box["x"] + head_box["width"]
    assert lesson_box["x"] + lesson_box["width"] >= section_right - 3 * 8 - TOLERANCE_PX, (
        lesson_box,
        head_box,
    )
    assert lesson_box["width"] >= head_box["width"] * 0.9, (lesson_box, head_box)
    # The Edit button sits at the row's right end, not next to the title.
    edit_box = box(lesson.get_by_role("button", name=re.compile("^Delete lesson ")))
    assert edit_box["x"] + edit_box["width"] >= lesson_box["x"] + lesson_box["width"] - 24
    check_a11y(page)


def test_card_thumbnails_fill_their_frame(page: Page) -> None:
    page.goto("/")
    card = page.locator("main a[href^='/courses/']").first
    expect(card).to_be_visible()
    picture = card.locator("img, .rt-Inset > div").first
    frame, art = box(card.locator(".rt-Card").first), box(picture)
    assert abs(art["x"] - frame["x"]) <= TOLERANCE_PX, (art, frame)
    assert abs(art["y"] - frame["y"]) <= TOLERANCE_PX, (art, frame)
    assert abs((art["x"] + art["width"]) - (frame["x"] + frame["width"])) <= TOLERANCE_PX, (
        art,
        frame,
    )


def outline_of(page: Page, selector: str) -> tuple[str, float]:
    style, width = page.evaluate(
        """(sel) => { const el = document.querySelector(sel);
        const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""",
        selector,
    )
    return style, width


def test_keyboard_focus_is_visible_including_the_search_field(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("button", name="Categories")).to_be_visible()
    # The top bar is drawn again when its data arrives, which drops focus to the body:
    # start tabbing once it has.
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
    wait_for_app(page)
    page.keyboard.press("Tab")  # the skip link
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    seen = 0
    for _ in range(8):
        page.keyboard.press("Tab")
        active = page.evaluate("() => document.activeElement.id || ''")
        if active == "nav-search":
            style, width = outline_of(page, ".site-header .rt-TextFieldRoot")
        else:
            style, width = page.evaluate(
                """() => { const s = getComputedStyle(document.activeElement);
                return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
            )
        assert style != "none" and width >= 2, (active, style, width)
        seen += active == "nav-search"
    assert seen == 1  # the search field was among the controls reached


CONTRAST_JS = """(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null, node = el;
  while (node && !bg) {
    const c = getComputedStyle(node).backgroundColor;
    if (c && !c.endsWith(', 0)') && c !== 'transparent') bg = c;
    node = node.parentElement;
  }
  const a = lum(rgb(getComputedStyle(el).color)), b = lum(rgb(bg || 'rgb(255,255,255)'));
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def hovered_contrast(page: Page, link: Locator) -> float:
    expect(link).to_be_visible()
    link.hover()
    page.wait_for_timeout(300)  # past any colour transition
    return link.evaluate(CONTRAST_JS)


def test_links_keep_their_contrast_on_hover(page: Page) -> None:
    page.goto("/")
    chip = page.locator("main a.rt-Link[href^='/categories/']").first
    assert hovered_contrast(page, chip) >= 4.5
    sign_up = page.get_by_role("banner").get_by_role("link", name="Sign up")
    assert hovered_contrast(page, sign_up) >= 4.5
    page.goto("/courses/git-and-github-essentials")
    category = page.locator("main a.rt-Link[href^='/categories/']").first
    assert hovered_contrast(page, category) >= 4.5
