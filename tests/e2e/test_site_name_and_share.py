"""Issue 17, the site owns its name: the operator's logo in the header and footer, served
at its own route, and course links that preview with their title and thumbnail."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_site_identity import COURSE, SITE

pytestmark = pytest.mark.e2e


def test_the_logo_is_drawn_in_the_header_and_footer(page: Page, check_a11y) -> None:
    page.goto("/")
    home = page.get_by_role("banner").get_by_role("link", name=f"{SITE} home")
    logo = home.locator("img[src='/api/site/logo']")
    expect(logo).to_be_visible()
    assert logo.evaluate("(img) => img.complete && img.naturalWidth > 0")
    expect(page.get_by_role("contentinfo").locator("img[src='/api/site/logo']")).to_be_visible()
    check_a11y(page)


def test_the_logo_route_serves_the_file_without_running_it(page: Page) -> None:
    answer = page.request.get("/api/site/logo")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "sandbox" in answer.headers["content-security-policy"]
    assert answer.body().startswith(b"<svg")


def test_a_course_link_previews_with_its_title_and_thumbnail(page: Page) -> None:
    answer = page.request.get(COURSE, headers={"accept-encoding": "gzip, br"})
    assert answer.status == 200
    html = answer.text()
    assert f"<title>Git and GitHub Essentials \u00b7 {SITE}</title>" in html
    assert '<meta property="og:title" content="Git and GitHub Essentials"/>' in html
    image = re.search(r'<meta property="og:image" content="([^"]+)"/>', html)
    assert image is not None and "/api/media/thumbnails/" in image.group(1)
    assert '<meta name="twitter:card" content="summary_large_image"/>' in html
    picture = page.request.get(image.group(1))  # public: a crawler fetches it unsigned
    assert picture.status == 200 and picture.headers["content-type"].startswith("image/")
    # The page itself still works in a browser.
    page.goto(COURSE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Git and GitHub Essentials")
    expect(page).to_have_title(f"Git and GitHub Essentials \u00b7 {SITE}")


def test_an_unknown_course_gets_no_share_tags(page: Page) -> None:
    html = page.request.get("/courses/no-such-course").text()
    assert "og:title" not in html
