"""The site names itself: titles per page, a favicon, a skip link, role links in the header."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import sign_in, sign_out
from tests.e2e.personas import create_user

pytestmark = pytest.mark.e2e

SITE = "lms_reflex"  # LMS_SITE_NAME's default; the e2e app sets no LMS_* name
COURSE = "/courses/git-and-github-essentials"


def test_each_page_has_its_own_title_from_the_loaded_data(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_title(f"Courses · {SITE}")
    page.goto(COURSE)
    expect(page).to_have_title(f"Git and GitHub Essentials · {SITE}")
    page.get_by_role("link", name=re.compile("^Watch the free preview")).first.click()
    expect(page).to_have_title(re.compile(rf" · Git and GitHub Essentials · {SITE}$"))
    expect(page.get_by_role("contentinfo")).to_contain_text(SITE)


def test_the_favicon_is_served(page: Page) -> None:
    answer = page.request.get("/favicon.ico")
    assert answer.status == 200
    assert answer.body()[:4] == b"\x00\x00\x01\x00"  # an icon resource


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto(COURSE)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_the_header_links_instructors_to_teach_and_admins_to_admin(page: Page, app_env) -> None:
    header = page.get_by_role("banner")
    for role, label, other in (("instructor", "Teach", "Admin"), ("admin", "Admin", "Teach")):
        email, _ = create_user(app_env, role, f"head-{role}")
        sign_in(page, email)
        expect(header.get_by_role("button", name="Account menu")).to_be_visible()
        page.goto("/")
        expect(header.get_by_role("link", name=label, exact=True)).to_be_visible()
        expect(header.get_by_role("link", name=other, exact=True)).to_have_count(0)
        sign_out(page)


def test_card_thumbnails_fill_the_card_width(page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto("/")
    card = page.get_by_role("link", name="Git and GitHub Essentials").first
    picture = card.get_by_role("img", name="Thumbnail of Git and GitHub Essentials")
    expect(picture).to_be_visible()
    card_box, picture_box = card.bounding_box(), picture.bounding_box()
    assert card_box is not None and picture_box is not None
    assert picture_box["width"] >= card_box["width"] - 2  # no white strip beside the picture
