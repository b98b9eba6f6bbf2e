"""Several workers: one student in two browsers on different workers sees one progress.

Runs with LMS_E2E_MODE=scaled (PostgreSQL, Redis, GRANIAN_WORKERS workers). Which worker
holds a browser's websocket is read from the app's log line "websocket opened on worker W
for <user agent>", each browser context having its own user agent.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.accounts import new_email, sign_in, sign_up
from tests.e2e.conftest import SCALED, WORKERS
from tests.e2e.smtp_sink import SmtpSink
from tests.e2e.test_learning_journey import VIDEO, video_ready, wait_for_saved_position

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not SCALED, reason="needs LMS_E2E_MODE=scaled (several workers)"),
]

COURSE_SLUG = "git-and-github-essentials"
ATTEMPTS = 20  # new connections before giving up on landing on another worker
CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"


class WorkerWatch:
    """Which worker holds each websocket a browser context opened, read from the app log."""

    def __init__(self, browser: Browser, base_url: str, app_log: Path) -> None:
        self.agent = f"{CHROME_UA} lms-e2e/{uuid.uuid4().hex[:8]}"
        self.context: BrowserContext = browser.new_context(base_url=base_url, user_agent=self.agent)
        self.page = self.context.new_page()
        self.log = app_log
        self._line = re.compile(rf"websocket opened on worker (\w+) for {re.escape(self.agent)}$")

    def workers(self) -> list[str]:
        lines = self.log.read_text(errors="replace").splitlines()
        return [m.group(1) for line in lines if (m := self._line.search(line))]

    def newer_than(self, seen: int) -> str:
        """The worker of the first websocket opened after the `seen`-th (waits for it)."""
        deadline = time.monotonic() + 15
        while len(found := self.workers()) <= seen and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(found) > seen, f"no websocket of {self.agent} was logged"
        return found[-1]


def open_on_other_worker(watch: WorkerWatch, url: str, other: str) -> str:
    """Load `url` until the page's websocket lands on a worker other than `other`."""
    for _ in range(ATTEMPTS):
        seen = len(watch.workers())
        watch.page.goto(url)
        video_ready(watch.page)
        if watch.newer_than(seen) != other:
            return watch.workers()[-1]
    raise AssertionError(f"every connection landed on worker {other}: {watch.workers()}")


def position(page: Page) -> float:
    return page.evaluate(f"() => document.querySelector('{VIDEO}').currentTime")


def newest_socket_open(page: Page) -> None:
    page.wait_for_function("() => window.__sockets.at(-1)?.readyState === WebSocket.OPEN")


def seek(page: Page, seconds: float) -> None:
    page.evaluate(f"() => {{ document.querySelector('{VIDEO}').currentTime = {seconds}; }}")


def enroll_and_open_first_lesson(page: Page) -> str:
    page.goto(f"/courses/{COURSE_SLUG}")
    page.get_by_role("button", name="Enroll for free").click()
    page.get_by_role("link", name="Go to course").click()
    expect(page).to_have_url(re.compile(rf"/learn/{COURSE_SLUG}/\d+$"))
    video_ready(page)
    return page.url


def test_two_browsers_of_one_student_on_different_workers_share_progress(
    browser: Browser, base_url: str, smtp: SmtpSink, app_env: dict[str, str], app_log: Path
) -> None:
    assert WORKERS >= 2
    email = new_email("scaled")
    a = WorkerWatch(browser, base_url, app_log)
    sign_up(a.page, smtp, email)
    lesson_url = enroll_and_open_first_lesson(a.page)
    lesson_id = int(lesson_url.rsplit("/", 1)[1])
    worker_a = a.newer_than(0)

    # Browser A saves a position on its worker and leaves the lesson, as someone switching
    # devices would.
    seek(a.page, 1.5)
    wait_for_saved_position(app_env, email, lesson_id, 1.5)
    a.page.goto("/dashboard")

    # Browser B, the same student elsewhere, resumes there from another worker.
    b = WorkerWatch(browser, base_url, app_log)
    sign_in(b.page, email)
    expect(b.page).to_have_url(re.compile(r"/dashboard/?$"))
    worker_b = open_on_other_worker(b, f"/learn/{COURSE_SLUG}", worker_a)
    expect(b.page).to_have_url(lesson_url)
    b.page.wait_for_function(f"() => document.querySelector('{VIDEO}').currentTime > 1")
    assert abs(position(b.page) - 1.5) < 0.6

    # B moves on; A comes back on a worker other than B's and resumes where B stopped.
    # (Positions stay 2 s clear of the 6 s demo video's end, where a lesson restarts.)
    seek(b.page, 3.3)
    wait_for_saved_position(app_env, email, lesson_id, 3.3)
    b.page.goto("/dashboard")
    worker_a = open_on_other_worker(a, lesson_url, worker_b)
    a.page.wait_for_function(f"() => document.querySelector('{VIDEO}').currentTime > 2.8")
    assert abs(position(a.page) - 3.3) < 0.6
    assert worker_a != worker_b
    a.context.close()
    b.context.close()


def test_a_tab_that_reconnects_to_another_worker_keeps_its_state(
    browser: Browser, base_url: str, smtp: SmtpSink, app_env: dict[str, str], app_log: Path
) -> None:
    """The lesson the tab plays lives in Redis, so a new worker stores its progress."""
    tab = WorkerWatch(browser, base_url, app_log)
    tab.page.add_init_script(
        "const Native = window.WebSocket; window.__sockets = [];"
        "window.WebSocket = function (...args) { const ws = new Native(...args);"
        " window.__sockets.push(ws); return ws; };"
        "Object.assign(window.WebSocket, Native); window.WebSocket.prototype = Native.prototype;"
    )
    email = new_email("reconnect")
    sign_up(tab.page, smtp, email)
    lesson_id = int(enroll_and_open_first_lesson(tab.page).rsplit("/", 1)[1])
    first = now = tab.newer_than(0)
    for _ in range(ATTEMPTS):  # drop the socket until the reconnect lands elsewhere
        # Only an open socket: one closed during its handshake (once 56 ms after it was
        # accepted) counts as a failed attempt and the client backs off before the next.
        newest_socket_open(tab.page)
        seen = len(tab.workers())
        with tab.page.expect_event("websocket", timeout=60_000):
            tab.page.evaluate("() => window.__sockets[window.__sockets.length - 1].close()")
        now = tab.newer_than(seen)
        if now != first:
            break
    assert now != first, tab.workers()
    newest_socket_open(tab.page)
    video_ready(tab.page)
    seek(tab.page, 3.0)  # handled by the new worker, with the state the old one saved
    wait_for_saved_position(app_env, email, lesson_id, 3.0)
    expect(tab.page.get_by_role("button", name="Account menu")).to_be_visible()
    tab.context.close()
