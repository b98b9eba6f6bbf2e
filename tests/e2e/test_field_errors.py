"""Issue 17, errors where the eye is: a refusal sits under its field, marked aria-invalid and
named by aria-describedby, focus moves there, and toasts never cover the header.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.accounts import PASSWORD, new_email, sign_in, sign_up
from tests.e2e.personas import create_user
from tests.e2e.smtp_sink import SmtpSink
from tests.e2e.test_admin_journey import _make_admin

pytestmark = pytest.mark.e2e


def expect_refused(field: Locator, message: str, *, focused: bool = True) -> None:
    """The message is under the field, tied to it, and (for sent forms) focus is on it."""
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby") or ""
    assert described_by, "the field names no description"
    note = field.page.locator(f"[id='{described_by}']")
    expect(note).to_have_text(message)
    if focused:
        expect(field).to_be_focused()


def expect_accepted(field: Locator) -> None:
    expect(field).to_have_attribute("aria-invalid", "false")


def test_sign_up_refusals_sit_under_their_fields(page: Page, check_a11y) -> None:
    page.goto("/signup")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email").fill(new_email())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD + " typo")
    page.get_by_role("button", name="Create account").click()
    expect_refused(page.get_by_label("Confirm password"), "The two passwords are not the same.")
    check_a11y(page)

    # The service's refusal of a common password lands under the password, not in a toast.
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_label("Confirm password").fill("password")
    page.get_by_role("button", name="Create account").click()
    expect_refused(
        page.get_by_label("Password", exact=True),
        "That password is too common. Please choose another one.",
    )
    expect_accepted(page.get_by_label("Confirm password"))  # cleared when the form was sent
    expect(page.locator("[data-sonner-toast]")).to_have_count(0)

    page.get_by_label("Email").fill("someone@localhost")  # the browser allows it; we do not
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    expect(page.locator("#field-email-error")).to_contain_text("valid email address")
    expect(page).to_have_url(re.compile(r"/signup/?$"))


def test_wrong_sign_in_and_code_are_shown_at_their_fields(
    page: Page, smtp: SmtpSink, check_a11y
) -> None:
    email = new_email()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    expect_refused(page.get_by_label("Password"), "Email or password is incorrect.")
    check_a11y(page)

    page.goto("/signup")
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/verify\?email="))
    smtp.wait_for(email, subject_contains="code")
    page.get_by_label("Verification code").fill("000000")
    page.get_by_role("button", name="Verify email").click()
    expect_refused(
        page.get_by_label("Verification code"),
        "That code is not correct. Please check it and try again.",
    )


def test_settings_and_profile_refusals_sit_under_their_fields(
    page: Page, smtp: SmtpSink, check_a11y
) -> None:
    sign_up(page, smtp, new_email())
    page.goto("/settings")
    page.get_by_label("Current password").fill("a wrong current password")
    page.get_by_label("New password", exact=True).fill("another fine passphrase")
    page.get_by_label("Confirm new password").fill("another fine passphrase")
    page.get_by_role("button", name="Change password").click()
    expect_refused(page.get_by_label("Current password"), "Your current password is not correct.")
    check_a11y(page)

    page.goto("/profile")
    phone = page.get_by_label("Contact number")
    phone.fill("12")
    page.get_by_role("button", name="Save profile").click()
    expect_refused(
        phone, "Please enter a phone number of 7 to 15 digits, optionally starting with +."
    )
    phone.fill("+44 20 7946 0958")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()
    expect_accepted(phone)


def test_builder_refusals_sit_under_their_fields(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    email, _ = create_user(app_env, "instructor", "builder")
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    page.get_by_role("button", name="New course").first.click()
    dialog = page.get_by_role("dialog", name="New course")
    dialog.get_by_label("Course title").fill("   ")  # passes the browser's length check
    dialog.get_by_role("button", name="Create course").click()
    expect_refused(dialog.get_by_label("Course title"), "The title needs at least 3 characters.")
    dialog.get_by_label("Course title").fill("Field errors in practice")
    dialog.get_by_role("button", name="Create course").click()
    expect(page).to_have_url(re.compile(r"/teach/courses/\d+/edit"))

    # Autosaved details: the refusal goes under the field, and the caret stays where it is.
    price = page.get_by_label("Price")
    price.fill("lots")
    expect_refused(
        price, "Please enter the price as a number, like 19.99 (0 for free).", focused=False
    )
    expect(page.get_by_role("status").filter(has_text="Not saved")).to_be_visible()
    check_a11y(page)
    price.fill("19.99")
    expect_accepted(price)
    expect(page.get_by_text("All changes saved")).to_be_visible()

    # The curriculum's name dialog: a too-short section title is refused at its field.
    page.get_by_role("link", name="Curriculum").click()
    page.get_by_role("button", name="Add section").click()
    dialog = page.get_by_role("dialog", name="New section")
    dialog.get_by_label("Section title").fill("  x ")
    dialog.get_by_role("button", name="Save").click()
    expect_refused(
        dialog.get_by_label("Section title"), "The section title needs at least 3 characters."
    )
    dialog.get_by_label("Section title").fill("Getting started")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_role("heading", name="Getting started")).to_be_visible()


def test_toasts_never_cover_the_header(page: Page, smtp: SmtpSink) -> None:
    sign_up(page, smtp, new_email())
    page.goto("/profile")
    page.get_by_role("button", name="Save profile").click()
    toast = page.locator("[data-sonner-toast]").first
    expect(toast).to_be_visible()
    header = page.locator("header").first.bounding_box()
    box = toast.bounding_box()
    assert header is not None and box is not None
    assert box["y"] >= header["y"] + header["height"], (box, header)


def test_a_taken_category_name_is_refused_at_its_field(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    sign_in(page, _make_admin(app_env))
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    page.goto("/admin/categories")
    name = page.get_by_label("Name", exact=True)
    name.fill("programming")
    page.get_by_role("button", name="Add category").click()
    expect_refused(name, "A category called \u201cprogramming\u201d already exists.")
    expect(name).to_have_value("programming")  # what was typed stays to be corrected
    check_a11y(page)
    name.fill("Woodwork")
    page.get_by_role("button", name="Add category").click()
    expect(page.get_by_text("Category added.")).to_be_visible()
    expect(name).to_have_value("")
    expect_accepted(name)
