"""docs/security.md case 42: a dropped connection mid-lesson reconnects, still signed in."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_email, sign_up
from tests.e2e.smtp_sink import SmtpSink
from tests.e2e.test_learning_journey import COURSE, VIDEO, video_ready, wait_for_saved_position

pytestmark = pytest.mark.e2e


def test_a_dropped_websocket_reconnects_and_progress_still_saves(
    page: Page, smtp: SmtpSink, app_env: dict[str, str]
) -> None:
    sockets: list = []
    page.on("websocket", lambda ws: sockets.append(ws))
    # Keep every WebSocket the page opens, so the test can drop the live one.
    page.add_init_script(
        "const Native = window.WebSocket; window.__sockets = [];"
        "window.WebSocket = function (...args) { const ws = new Native(...args);"
        " window.__sockets.push(ws); return ws; };"
        "Object.assign(window.WebSocket, Native); window.WebSocket.prototype = Native.prototype;"
    )
    email = new_email()
    sign_up(page, smtp, email)
    page.goto(COURSE)
    page.get_by_role("button", name="Enroll for free").click()
    page.get_by_role("link", name="Go to course").click()
    expect(page).to_have_url(re.compile(r"/learn/git-and-github-essentials/\d+$"))
    lesson_id = int(page.url.rsplit("/", 1)[1])
    video_ready(page)
    opened = len(sockets)
    live = sockets[-1]

    with page.expect_event("websocket", timeout=60_000):
        page.evaluate("() => window.__sockets[window.__sockets.length - 1].close()")
    assert live.is_closed()
    assert len(sockets) > opened  # the page really opened a new connection

    page.evaluate(f"() => {{ document.querySelector('{VIDEO}').currentTime = 3.0; }}")
    wait_for_saved_position(app_env, email, lesson_id, 3.0)  # saved as the same signed-in user
    expect(page.get_by_role("button", name="Account menu")).to_be_visible()
