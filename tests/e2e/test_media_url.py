"""A lesson video's URL copied out of the page opens nothing in another browser.

docs/security.md, "Video URLs bound to the viewer's session".
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts import new_email, sign_up
from tests.e2e.conftest import db_rows
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

SLUG = "git-and-github-essentials"
VIDEO = "#lesson-video video"


def locked_lesson(app_env: dict[str, str]) -> int:
    """A lesson of the course that is not a free preview."""
    sql = (
        "SELECT l.id FROM lesson l JOIN section s ON s.id = l.section_id"
        " JOIN course c ON c.id = s.course_id"
        " WHERE c.slug = :slug AND NOT l.is_preview AND l.video_key IS NOT NULL"
        " ORDER BY s.position, l.position"
    )
    return db_rows(app_env, sql, slug=SLUG)[0][0]


def video_src(page: Page) -> str:
    page.wait_for_function(
        f"() => {{ const v = document.querySelector('{VIDEO}'); return v && v.readyState >= 1; }}"
    )
    return page.evaluate(f"() => document.querySelector('{VIDEO}').currentSrc")


def test_a_copied_video_url_is_refused_in_a_fresh_browser(
    page: Page, browser: Browser, smtp: SmtpSink, app_env: dict[str, str], base_url: str
) -> None:
    sign_up(page, smtp, new_email("viewer"))
    page.goto(f"/courses/{SLUG}")
    page.get_by_role("button", name="Enroll for free").click()
    expect(page.get_by_role("link", name="Go to course")).to_be_visible()
    page.goto(f"/learn/{SLUG}/{locked_lesson(app_env)}")
    url = video_src(page)
    assert re.match(rf"{re.escape(base_url)}/api/media/videos/", url), url

    mine = page.context.request.get(url, headers={"Range": "bytes=0-99"})
    assert mine.status == 206
    assert mine.headers["cache-control"] == "private, no-store"

    stranger = browser.new_context(base_url=base_url)  # no cookies: the link was copied
    try:
        for headers in ({}, {"Range": "bytes=0-99"}):
            copied = stranger.request.get(url, headers=headers)
            assert copied.status in (401, 403), copied.status
            assert copied.body() == b"You may not open this file."
        other = stranger.new_page()
        other.goto(url)
        playable = other.evaluate(
            """(src) => new Promise((done) => { const v = document.createElement('video');
                v.onloadedmetadata = () => done(true); v.onerror = () => done(false);
                v.src = src; })""",
            url,
        )
        assert playable is False
    finally:
        stranger.close()
