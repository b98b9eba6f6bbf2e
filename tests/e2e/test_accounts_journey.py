"""Sign-up with the mailed code, sign-in, sign-out, password change and reset, in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts import (
    PASSWORD,
    new_email,
    session_cookie,
    sign_in,
    sign_out,
    sign_up,
)
from tests.e2e.smtp_sink import SmtpSink, find_link

pytestmark = pytest.mark.e2e


def open_forgot_password(page: Page) -> None:
    """Open the form and wait until it is live (its button enables once the page's data is in).

    Typed text can be lost before that: the tab's saved state may first show the previous
    confirmation and then mount a fresh, empty form, and an empty required field submits
    nothing.
    """
    page.goto("/forgot-password")
    expect(page.get_by_role("button", name="Send reset link")).to_be_enabled()


def mail_barrier(page: Page, smtp: SmtpSink, known_email: str) -> None:
    """Ask for a reset mail to a known account from the same tab and wait for it.

    One tab's events run in order, so once this mail is in, a mail wrongly sent by an
    earlier event would be in too: no fixed sleep needed to prove that none was sent.
    """
    before = len(smtp.messages_to(known_email))
    open_forgot_password(page)
    page.get_by_label("Email").fill(known_email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_text("If an account uses that address")).to_be_visible()
    smtp.wait_for(known_email, count=before + 1)


def test_sign_up_verify_sign_out_sign_in_and_change_password(
    page: Page, smtp: SmtpSink, check_a11y
) -> None:
    email = new_email()
    page.goto("/signup")
    check_a11y(page)
    sign_up(page, smtp, email)
    check_a11y(page)
    sign_out(page)
    expect(page.get_by_role("link", name="My learning")).to_have_count(0)

    sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))
    page.goto("/settings")
    check_a11y(page)
    new_password = "a much longer passphrase 2026"
    page.get_by_label("Current password", exact=True).fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Confirm new password").fill(new_password)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible()
    smtp.wait_for(email, subject_contains="password was changed")

    sign_out(page)
    sign_in(page, email, PASSWORD)
    expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    sign_in(page, email, new_password)
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))


def test_session_cookie_is_http_only_lax_and_dies_on_sign_out(
    page: Page, browser: Browser, smtp: SmtpSink, base_url: str
) -> None:
    sign_up(page, smtp, new_email())
    cookie = session_cookie(page)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    assert len(cookie["value"]) >= 43  # 256 bits in urlsafe base64
    assert page.evaluate("document.cookie").find(cookie["value"]) == -1

    sign_out(page)
    replay = browser.new_context(base_url=base_url)
    replay.add_cookies([{"name": cookie["name"], "value": cookie["value"], "url": base_url}])
    other = replay.new_page()
    other.goto("/dashboard")
    expect(other).to_have_url(re.compile(r"/login\?next=%2Fdashboard"))
    replay.close()


def test_dashboard_sends_anonymous_visitors_to_sign_in(page: Page) -> None:
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdashboard"))
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def test_signing_up_with_a_taken_email_looks_the_same_and_mails_no_code(
    page: Page, smtp: SmtpSink, browser: Browser, base_url: str
) -> None:
    email = new_email()
    sign_up(page, smtp, email)
    other = browser.new_context(base_url=base_url).new_page()
    other.goto("/signup")
    other.get_by_label("First name").fill("Eve")
    other.get_by_label("Last name").fill("Mallory")
    other.get_by_label("Email").fill(email)
    other.get_by_label("Password", exact=True).fill("another fine passphrase")
    other.get_by_label("Confirm password").fill("another fine passphrase")
    other.get_by_role("button", name="Create account").click()
    expect(other).to_have_url(re.compile(r"/verify\?email="))
    expect(other.get_by_role("heading", name="Check your email")).to_be_visible()
    mail_barrier(other, smtp, email)
    assert [m["Subject"] for m in smtp.messages_to(email) if "code" in m["Subject"]] == [
        smtp.messages_to(email)[0]["Subject"]
    ]


def test_forgotten_password_link_works_once_and_signs_in(
    page: Page, smtp: SmtpSink, browser: Browser, base_url: str, check_a11y
) -> None:
    email = new_email()
    sign_up(page, smtp, email)
    sign_out(page)
    open_forgot_password(page)
    check_a11y(page)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_text("If an account uses that address")).to_be_visible()
    link = find_link(smtp.wait_for(email, subject_contains="reset"))
    assert link.startswith(base_url + "/reset-password?")

    page.goto(link)
    new_password = "reset worked fine 77"
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Confirm new password").fill(new_password)
    page.get_by_role("button", name="Save new password").click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))

    again = browser.new_context(base_url=base_url).new_page()
    again.goto(link)
    again.get_by_label("New password", exact=True).fill("second try passphrase")
    again.get_by_label("Confirm new password").fill("second try passphrase")
    again.get_by_role("button", name="Save new password").click()
    expect(again.get_by_text("already been used")).to_be_visible()


def test_forgot_password_for_an_unknown_email_says_the_same_and_mails_nothing(
    page: Page, smtp: SmtpSink, browser: Browser, base_url: str
) -> None:
    known_email = new_email()
    sign_up(browser.new_context(base_url=base_url).new_page(), smtp, known_email)
    email = new_email("nobody")
    open_forgot_password(page)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_text("If an account uses that address")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/forgot-password\?sent=1$"))
    page.reload()  # the page loads again (as after a reconnect): the answer stays
    expect(page.get_by_text("If an account uses that address")).to_be_visible()
    mail_barrier(page, smtp, known_email)
    assert smtp.messages_to(email) == []
