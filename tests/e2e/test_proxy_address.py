"""Behind a trusted proxy the websocket events see the forwarded address (case 46).

The app trusts 127.0.0.1 (conftest); this browser's requests, its websocket handshake
included, carry the X-Forwarded-For that nginx would set. Failed sign-ins are recorded with
that address, and the throttle tells the person when to try again.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.e2e.accounts import new_email, sign_in
from tests.e2e.conftest import db_rows

CLIENT = "198.51.100.77"
ANSWER = re.compile(r"Email or password is incorrect\.|Too many attempts\.")
THROTTLED = re.compile(r"Too many attempts\. Try again in \d+ (seconds?|minutes?)\.")


def test_forwarded_address_is_audited_and_the_throttle_says_when(
    browser: Browser, base_url: str, app_env: dict[str, str]
) -> None:
    page = browser.new_context(
        base_url=base_url, extra_http_headers={"X-Forwarded-For": CLIENT}
    ).new_page()
    email = new_email("guessed")
    for _ in range(12):  # the delay doubles from the 5th failure; one try lands inside it
        sign_in(page, email, "not the password 1")
        answer = page.get_by_text(ANSWER).first
        expect(answer).to_be_visible()
        if "Too many" in answer.inner_text():
            break
    expect(page.get_by_text(THROTTLED)).to_be_visible()
    rows = db_rows(
        app_env,
        "SELECT DISTINCT ip FROM audit_event WHERE subject = :email AND action = 'login_failed'",
        email=email,
    )
    assert rows == [(CLIENT,)]
