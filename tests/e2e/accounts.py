"""Steps shared by account journeys: sign up through the mailed code, sign in, sign out."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.smtp_sink import SmtpSink, find_code

PASSWORD = "lantern orbit velvet 42"


def new_email(prefix: str = "learner") -> str:
    return f"{prefix}.{uuid.uuid4().hex[:8]}@example.com"


def as_new_client(page: Page) -> None:
    """From here on, this browser comes from its own address, as a new visitor would.

    The e2e app trusts 127.0.0.1 as its proxy (conftest), so the forwarded address is the
    client's. Without it, every journey's sign-up counts against one address and the
    suite outgrows the per-address sign-up limit (docs/security.md, "Limits") within
    the hour.
    """
    n = uuid.uuid4().int % 60_000
    address = f"198.18.{n // 250}.{n % 250 + 1}"  # RFC 2544's benchmarking block
    page.context.set_extra_http_headers({"X-Forwarded-For": address})


def sign_up(page: Page, smtp: SmtpSink, email: str, password: str = PASSWORD) -> None:
    """Sign up from a fresh client address, read the code from the SMTP sink, verify."""
    as_new_client(page)
    page.goto("/signup")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/verify\?email="))
    code = find_code(smtp.wait_for(email, subject_contains="code"))
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify email").click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    expect(page.get_by_role("heading", level=1, name="My learning")).to_be_visible()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def session_cookie(page: Page) -> dict:
    cookies = [c for c in page.context.cookies() if c["name"].endswith("lms_session")]
    assert len(cookies) == 1, cookies
    return cookies[0]
