"""Issue 22, front end: the home page's cards load small WebP copies of the thumbnails, and
the built scripts and styles arrive Brotli-compressed when the browser accepts it.

benchmarks/frontend_bench.py measures the bytes; this checks the mechanisms stay in place.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e


def test_home_page_cards_show_the_card_copy_of_the_thumbnail(page: Page) -> None:
    page.goto("/")
    picture = page.locator("main").get_by_role("img", name=re.compile("^Thumbnail of ")).first
    expect(picture).to_have_attribute("src", re.compile(r"^/api/media/cards/[0-9a-f]{32}\.webp$"))
    picture.scroll_into_view_if_needed()
    size = page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0 && [img.naturalWidth, img.naturalHeight]",
        arg=picture.element_handle(),
    ).json_value()
    assert size == [640, 360]


def test_scripts_and_styles_arrive_brotli_compressed(page: Page) -> None:
    files: list[str] = []
    page.on(
        "response",
        lambda r: files.append(r.url) if re.search(r"/assets/[^?]+\.(js|css)$", r.url) else None,
    )
    page.goto("/")
    expect(page.get_by_role("main")).to_be_visible()
    assert files, "the home page loaded no built scripts or styles"
    for url in (files[0], next(u for u in files if u.endswith(".css"))):
        answer = page.request.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert answer.ok and answer.headers.get("content-encoding") == "br", (url, answer.headers)
        gzip = page.request.get(url, headers={"Accept-Encoding": "gzip"})
        assert gzip.headers.get("content-encoding") == "gzip", (url, gzip.headers)
