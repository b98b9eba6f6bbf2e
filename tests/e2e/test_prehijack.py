"""Account pre-hijacking and sign-up enumeration in Chromium (docs/security.md)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import create_engine, text

from tests.e2e.accounts import PASSWORD, new_email, sign_in, sign_up
from tests.e2e.smtp_sink import SmtpSink, body_text, find_code

pytestmark = pytest.mark.e2e

ATTACKER_PASSWORD = "attacker keeps this one 13"
OWNER_CHOICE = "the owner picks this at the code"


def fill_signup(page: Page, email: str, password: str, first: str = "Eve") -> None:
    page.goto("/signup")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill("Mallory")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/verify\?email="))
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    # The heading is drawn before the page's load event answers; the address and the
    # resend countdown come with that answer (on a busy several-worker run, later).
    expect(page.get_by_role("main")).to_contain_text(f"code to {email}.")


def has_session(context: BrowserContext) -> bool:
    return any(c["name"].endswith("lms_session") for c in context.cookies())


def as_if_minutes_passed(app_env: dict[str, str], email: str) -> None:
    """Move the address's codes and code requests two minutes back (the attacker came early).

    The per-minute resend limit would otherwise hold the victim's code back for a minute.
    """
    earlier = (datetime.now(UTC) - timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S.%f")
    engine = create_engine(app_env["LMS_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE email_otp SET created_at = :t WHERE email = :e"),
            {"t": earlier, "e": email},
        )
        conn.execute(
            text("UPDATE audit_event SET at = :t WHERE subject = :e"), {"t": earlier, "e": email}
        )
    engine.dispose()


def test_attacker_who_signed_up_first_is_locked_out_once_the_owner_verifies(
    page: Page, smtp: SmtpSink, browser: Browser, base_url: str, app_env: dict[str, str]
) -> None:
    victim_email = new_email("victim")
    attacker = browser.new_context(base_url=base_url)
    tab = attacker.new_page()
    fill_signup(tab, victim_email, ATTACKER_PASSWORD)

    # The attacker's password opens no session while the address is unverified.
    sign_in(tab, victim_email, ATTACKER_PASSWORD)
    expect(tab).to_have_url(re.compile(r"/verify\?email="))
    tab.goto("/dashboard")
    expect(tab).to_have_url(re.compile(r"/login\?next=%2Fdashboard"))
    assert not has_session(attacker)

    # The owner signs up and verifies with the mailed code (in their own browser).
    as_if_minutes_passed(app_env, victim_email)
    before = len(smtp.messages_to(victim_email))
    fill_signup(page, victim_email, PASSWORD, first="Grace")
    code = find_code(smtp.wait_for(victim_email, subject_contains="code", count=before + 1))
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Verify email").click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))

    # The attacker's tab is refused at its next action, and their password is dead.
    tab.goto("/dashboard")
    expect(tab).to_have_url(re.compile(r"/login\?next=%2Fdashboard"))
    sign_in(tab, victim_email, ATTACKER_PASSWORD)
    expect(tab.get_by_text("Email or password is incorrect.")).to_be_visible()
    assert not has_session(attacker)
    attacker.close()

    # The owner's own password works from a fresh browser.
    fresh = browser.new_context(base_url=base_url)
    again = fresh.new_page()
    sign_in(again, victim_email, PASSWORD)
    expect(again).to_have_url(re.compile(r"/dashboard/?$"))
    fresh.close()


def test_a_code_entered_in_another_browser_makes_the_owner_choose_the_password(
    page: Page, smtp: SmtpSink, browser: Browser, base_url: str, app_env: dict[str, str]
) -> None:
    """The attacker signs up after the owner; the owner types the newest code elsewhere."""
    victim_email = new_email("victim")
    fill_signup(page, victim_email, PASSWORD, first="Grace")  # the owner, browser A
    as_if_minutes_passed(app_env, victim_email)
    before = len(smtp.messages_to(victim_email))
    attacker = browser.new_context(base_url=base_url)
    fill_signup(attacker.new_page(), victim_email, ATTACKER_PASSWORD)  # restarts the sign-up
    code = find_code(smtp.wait_for(victim_email, subject_contains="code", count=before + 1))

    # Browser C (say, the phone that got the mail) holds no sign-up of its own.
    other = browser.new_context(base_url=base_url)
    phone = other.new_page()
    phone.goto(f"/verify?email={victim_email}")
    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
    phone.get_by_label("Verification code").fill(code)
    phone.get_by_label("Choose a password").fill("short")
    phone.get_by_label("Confirm password").fill("short")
    phone.get_by_role("button", name="Verify email").click()
    expect(phone.get_by_label("Choose a password")).to_have_accessible_description(
        re.compile("at least 8 characters")
    )
    phone.get_by_label("Choose a password").fill(OWNER_CHOICE)
    phone.get_by_label("Confirm password").fill(OWNER_CHOICE + " typo")
    phone.get_by_role("button", name="Verify email").click()
    expect(phone.get_by_label("Confirm password")).to_have_accessible_description(
        "The two passwords are not the same."
    )
    phone.get_by_label("Confirm password").fill(OWNER_CHOICE)
    phone.get_by_role("button", name="Verify email").click()
    expect(phone).to_have_url(re.compile(r"/dashboard/?$"))
    other.close()

    # Neither the attacker's password nor any earlier one opens the account now.
    tab = attacker.new_page()
    for password in (ATTACKER_PASSWORD, PASSWORD):
        sign_in(tab, victim_email, password)
        expect(tab.get_by_text("Email or password is incorrect.")).to_be_visible()
    assert not has_session(attacker)
    sign_in(tab, victim_email, OWNER_CHOICE)
    expect(tab).to_have_url(re.compile(r"/dashboard/?$"))
    attacker.close()


def test_signing_up_with_a_taken_address_looks_new_and_tells_the_owner(
    page: Page, smtp: SmtpSink, browser: Browser, base_url: str
) -> None:
    owner_email = new_email("owner")
    sign_up(browser.new_context(base_url=base_url).new_page(), smtp, owner_email)
    stranger_email = new_email("stranger")

    visitor = browser.new_context(base_url=base_url)
    taken, new = visitor.new_page(), visitor.new_page()
    fill_signup(taken, owner_email, "another fine passphrase")
    fill_signup(new, stranger_email, "another fine passphrase")
    for tab in (taken, new):  # the same screen, word for word
        expect(tab.get_by_role("main")).to_have_text(
            re.compile("Check your email"), use_inner_text=True
        )
    shown = [
        re.sub(r"\d+ s\b", "N s", re.sub(r"\S+@example\.com", "ADDRESS", t.inner_text("main")))
        for t in (taken, new)
    ]
    assert shown[0] == shown[1]

    notice = smtp.wait_for(owner_email, subject_contains="tried to sign up")
    text_body = body_text(notice)
    assert f"{base_url}/login" in text_body and f"{base_url}/forgot-password" in text_body
    assert "no code will come" in text_body
    assert not re.search(r"\b\d{6}\b", text_body)
    smtp.wait_for(stranger_email, subject_contains="code")
    visitor.close()
