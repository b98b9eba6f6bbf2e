"""Issue 15 item 5 (docs/security.md case 50): sign-out leaves nothing of the user in the tab.

Reflex keeps a tab's state on the server across page loads. An admin looks at the user
list and signs out; reloading, going back, and then signing in as a student in the same
tab must never bring another user's address back to the browser, in the DOM or in any
websocket frame.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import PASSWORD, new_email, sign_in, sign_out, sign_up
from tests.e2e.conftest import ROOT, wait_for_app
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


class Frames:
    """Websocket frames the page receives, from `start()` on."""

    def __init__(self, page: Page) -> None:
        self.received: list[str] = []
        self._on = False
        page.on("websocket", lambda ws: ws.on("framereceived", self._keep))

    def _keep(self, payload: object) -> None:
        if self._on:
            self.received.append(str(payload))

    def start(self) -> None:
        self.received.clear()
        self._on = True


def _make_admin(app_env: dict[str, str]) -> str:
    email = new_email("admin")
    names = ["--first-name", "Ada", "--last-name", "Admin"]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "lms_reflex",
            "create-user",
            "--email",
            email,
            "--role",
            "admin",
            *names,
        ],
        input=PASSWORD + "\n",
        text=True,
        cwd=ROOT,
        env=app_env,
        check=True,
        capture_output=True,
    )
    return email


def _leaks(page: Page, frames: Frames, others: set[str]) -> list[str]:
    """Addresses of other users found in the DOM or in frames received since `start()`."""
    wait_for_app(page)
    seen = [page.content(), *frames.received]
    return sorted({address for text in seen for address in others if address in text})


def test_sign_out_then_reload_back_and_a_new_sign_in_show_no_previous_data(
    page: Page, app_env: dict[str, str], smtp: SmtpSink
) -> None:
    student = new_email("student")
    sign_up(page, smtp, student)
    sign_out(page)
    admin = _make_admin(app_env)
    frames = Frames(page)

    sign_in(page, admin)
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    page.goto("/admin/users")
    expect(page.get_by_role("heading", level=1, name="Users")).to_be_visible()
    expect(page.get_by_role("cell", name=student)).to_be_visible()
    # Everyone on the page but the student, who may see their own address later.
    cells = page.get_by_role("cell").all_inner_texts()
    others = {text for text in cells if ADDRESS.fullmatch(text)} - {student} | {admin}
    assert len(others) > 3, others  # the list really held other people's addresses

    frames.start()
    sign_out(page)
    assert _leaks(page, frames, others) == [], "sign-out page"
    page.reload()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    assert _leaks(page, frames, others) == [], "reload after sign-out"
    page.go_back()
    assert _leaks(page, frames, others) == [], "back after sign-out"
    assert len(frames.received) > 3  # the capture really ran

    sign_in(page, student)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    page.reload()
    page.goto("/admin/users")
    expect(page.get_by_role("cell", name=admin)).to_have_count(0)
    assert _leaks(page, frames, others) == [], "a student signed in in the same tab"
