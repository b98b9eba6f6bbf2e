"""SECURITY-CASES 9 and 15: codes, tokens and passwords never travel in state updates."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.accounts import PASSWORD, new_email, session_cookie, sign_in, sign_out, sign_up
from tests.e2e.smtp_sink import SmtpSink, find_code

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
