"""docs/security.md cases 9 and 15: codes, tokens and passwords never travel in state updates.

Besides the frames as text, every value inside every update (nested views, lists, dicts) is
checked against the database's hashes, the visitor's own code and token, token-like strings
and other users' addresses (docs/security.md, "Every handler has a rule...").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.accounts import PASSWORD, new_email, session_cookie, sign_in, sign_out, sign_up
from tests.e2e.conftest import db_rows
from tests.e2e.personas import create_user, hand_course_to, target
from tests.e2e.smtp_sink import SmtpSink, find_code

SPANISH = "spanish-for-travellers"

pytestmark = pytest.mark.e2e


class FrameLog:
    """Every websocket frame the page sends and receives."""

    def __init__(self, page: Page) -> None:
        self.sent: list[str] = []
        self.received: list[str] = []
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framesent", lambda payload: self.sent.append(str(payload)))
        ws.on("framereceived", lambda payload: self.received.append(str(payload)))


def test_otp_session_token_and_password_never_come_back_over_the_websocket(
    page: Page, smtp: SmtpSink
) -> None:
    frames = FrameLog(page)
    email = new_email()
    sign_up(page, smtp, email)
    code = find_code(smtp.messages_to(email)[0])
    token = session_cookie(page)["value"]
    sign_out(page)
    sign_in(page, email)
    page.get_by_role("heading", level=1, name="My learning").wait_for()
    token_after_login = session_cookie(page)["value"]

    assert len(frames.received) > 10 and len(frames.sent) > 5  # the capture really worked
    assert any(PASSWORD in frame for frame in frames.sent)  # ...and can see form values
    for frame in frames.received:
        assert code not in frame
        assert PASSWORD not in frame
        assert token not in frame and token_after_login not in frame
    for frame in frames.sent:
        assert token not in frame and token_after_login not in frame
    assert token != token_after_login  # a new session at every sign-in


# --- the values inside every state update, page by page -----------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A long run of letters, digits, - and _ with digits in it: a token, an HMAC or a key.
TOKEN_LIKE = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_\-]{32,}$")
# The tab's own client token (a UUID the browser made) comes back in router data; it
# names the tab's state, and proves nothing to the server on its own.
BROWSER_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NS = "42/_event,"


def strings_in(value: object) -> Iterator[str]:
    """Every string inside a decoded update: values of dicts, lists, nested views."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def received_strings(frames: FrameLog) -> list[str]:
    found = []
    for frame in frames.received:
        if frame.startswith(NS):
            found.extend(strings_in(json.loads(frame[len(NS) :])))
    return found


def server_secrets(app_env: dict[str, str]) -> list[str]:
    """Every password hash, code HMAC and session token hash in the app's database."""
    rows = db_rows(app_env, 'SELECT password_hash FROM "user"')
    rows += db_rows(app_env, "SELECT code_hmac FROM email_otp")
    rows += db_rows(app_env, "SELECT token_hash FROM auth_session")
    return [value for (value,) in rows if value]


def refusals(strings: list[str], secrets: list[str], own_email: str) -> list[str]:
    """What in the browser's updates looks like a secret or someone else's address."""
    bad = []
    for text in strings:
        if "$argon2" in text or any(secret in text for secret in secrets):
            bad.append(f"secret: {text[:80]}")
        bad += [f"address: {m.group(0)}" for m in EMAIL.finditer(text) if m.group(0) != own_email]
        if TOKEN_LIKE.match(text) and not BROWSER_UUID.match(text):
            bad.append(f"token-like: {text[:80]}")
    return bad


def test_the_value_check_would_catch_a_hash_a_token_and_an_address() -> None:
    found = refusals(
        ["$argon2id$v=19$m=1", "Ab3" * 12, "bob@example.com", "me@example.com", "hello"],
        [],
        "me@example.com",
    )
    assert [item.split(":")[0] for item in found] == ["secret", "token-like", "address"]


def _visit(page: Page, frames: FrameLog, paths: list[str]) -> None:
    """Open each page and stay until its updates stop: "networkidle" ignores websockets."""
    for path in paths:
        before = len(frames.received)
        page.goto(path)
        page.wait_for_load_state("networkidle")
        _wait_until_quiet(page, frames, before)


def _wait_until_quiet(page: Page, frames: FrameLog, before: int) -> None:
    seen, quiet_for = len(frames.received), 0
    for _ in range(100):  # at most ten seconds
        page.wait_for_timeout(100)
        now = len(frames.received)
        quiet_for = quiet_for + 1 if now == seen else 0
        seen = now
        if now > before and quiet_for >= 4:
            return


def test_no_update_value_holds_a_secret_or_another_users_address(
    page: Page, browser: Browser, base_url: str, smtp: SmtpSink, app_env: dict[str, str]
) -> None:
    """A student and an instructor open every page they can; every value sent is checked."""
    frames = FrameLog(page)
    email = new_email()
    sign_up(page, smtp, email)
    code = find_code(smtp.messages_to(email)[0])
    token = session_cookie(page)["value"]
    t = target(app_env, "python-for-absolute-beginners")
    _visit(
        page,
        frames,
        ["/", "/search?q=python", "/categories/programming", f"/courses/{t.slug}",
         f"/learn/{t.slug}/{t.preview_lesson}", f"/instructors/{t.instructor_id}",
         "/dashboard", "/settings", "/profile"],
    )  # fmt: skip
    page.get_by_role("heading", level=1).first.wait_for()
    strings = received_strings(frames)
    assert len(strings) > 200  # the walk really saw the pages' data
    secrets = [*server_secrets(app_env), code, token, PASSWORD]
    assert sorted(set(refusals(strings, secrets, email))) == []

    teacher_email, teacher_id = create_user(app_env, "instructor", "teacher")
    owner = db_rows(app_env, "SELECT instructor_id FROM course WHERE slug = :s", s=SPANISH)
    hand_course_to(app_env, SPANISH, teacher_id)
    try:
        own = target(app_env, SPANISH)
        context = browser.new_context(base_url=base_url)
        teacher = context.new_page()
        frames = FrameLog(teacher)
        sign_in(teacher, teacher_email)
        teacher.wait_for_url(lambda url: "/login" not in url)
        base = f"/teach/courses/{own.course_id}"
        _visit(teacher, frames, ["/teach", f"{base}/edit", f"{base}/curriculum", f"{base}/publish",
                                   f"{base}/analytics"])  # fmt: skip
        teacher_token = session_cookie(teacher)["value"]
        strings = received_strings(frames)
        assert len(strings) > 100
        secrets = [*server_secrets(app_env), token, teacher_token, PASSWORD]
        assert sorted(set(refusals(strings, secrets, teacher_email))) == []
        context.close()
    finally:  # Priya's again: later journeys (Q&A, announcements) act as its instructor
        hand_course_to(app_env, SPANISH, owner[0][0])
