"""Issue 17: nothing important happens by accident.

Admin changes to a user ask first, naming the user and the effect; Cancel changes nothing;
promotion to admin needs the admin's password; a deactivation can be undone from the toast
and from the row. A review needs a chosen rating, picked with a keyboard-operable star
control, and deleting it asks first.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts import PASSWORD, new_email, sign_in, sign_up
from tests.e2e.conftest import db_rows
from tests.e2e.smtp_sink import SmtpSink
from tests.e2e.test_admin_journey import _find_user, _make_admin

pytestmark = pytest.mark.e2e

COURSE = "/courses/git-and-github-essentials"


def _user(app_env: dict[str, str], email: str) -> tuple[str, bool]:
    [(role, active)] = db_rows(
        app_env, 'SELECT role, is_active FROM "user" WHERE email = :e', e=email
    )
    return role, bool(active)


def _role_change(page: Page, role: str) -> None:
    page.get_by_label("Role of Grace Hopper").select_option(role)
    expect(page.get_by_role("alertdialog", name=f"Make Grace Hopper {role}?")).to_be_visible()


def test_admin_changes_ask_first_and_cancel_changes_nothing(
    page: Page, browser: Browser, base_url: str, app_env: dict[str, str], smtp: SmtpSink
) -> None:
    student_email = new_email()
    student = browser.new_context(base_url=base_url).new_page()
    sign_up(student, smtp, student_email)  # one open session to end
    sign_in(page, _make_admin(app_env))
    expect(page).to_have_url(re.compile(r"/admin/?$"))  # an admin without courses lands here
    page.goto("/admin/users")
    _find_user(page, student_email)
    dialog = page.get_by_role("alertdialog")

    _role_change(page, "instructor")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_label("Role of Grace Hopper")).to_have_value("student")
    assert _user(app_env, student_email) == ("student", True)

    _role_change(page, "instructor")
    dialog.get_by_role("button", name="Change role").click()
    expect(page.get_by_label("Role of Grace Hopper")).to_have_value("instructor")
    assert _user(app_env, student_email)[0] == "instructor"

    # Promotion to admin: a wrong password is refused next to the field, the right one works.
    _role_change(page, "admin")
    dialog.get_by_label("Your password").fill("not my password at all")
    dialog.get_by_role("button", name="Change role").click()
    expect(dialog.get_by_text("Your password is not correct.")).to_be_visible()
    expect(dialog.get_by_label("Your password")).to_have_attribute("aria-invalid", "true")
    assert _user(app_env, student_email)[0] == "instructor"
    dialog.get_by_label("Your password").fill(PASSWORD)
    dialog.get_by_role("button", name="Change role").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_label("Role of Grace Hopper")).to_have_value("admin")
    assert _user(app_env, student_email)[0] == "admin"

    # Deactivation names the sessions it ends; Cancel keeps the account.
    page.get_by_role("button", name="Deactivate Grace Hopper").click()
    expect(page.get_by_role("alertdialog", name="Deactivate Grace Hopper?")).to_be_visible()
    expect(dialog.get_by_text("Ends 1 active session.")).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert _user(app_env, student_email)[1] is True

    # Confirm, then undo from the toast.
    page.get_by_role("button", name="Deactivate Grace Hopper").click()
    dialog.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("button", name="Reactivate Grace Hopper")).to_be_visible()
    assert _user(app_env, student_email)[1] is False
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("button", name="Deactivate Grace Hopper")).to_be_visible()
    assert _user(app_env, student_email)[1] is True

    # Confirm again (no session is left), then reactivate from the row.
    page.get_by_role("button", name="Deactivate Grace Hopper").click()
    expect(dialog.get_by_text("No session is open.")).to_be_visible()
    dialog.get_by_role("button", name="Deactivate").click()
    page.get_by_role("button", name="Reactivate Grace Hopper").click()
    expect(page.get_by_role("button", name="Deactivate Grace Hopper")).to_be_visible()
    assert _user(app_env, student_email)[1] is True


def _review_count(app_env: dict[str, str], email: str) -> int:
    sql = 'SELECT count(*) FROM review r JOIN "user" u ON u.id = r.user_id WHERE u.email = :e'
    [(count,)] = db_rows(app_env, sql, e=email)
    return int(count)


def test_a_review_needs_a_rating_picked_by_keyboard_and_deleting_asks_first(
    page: Page, app_env: dict[str, str], smtp: SmtpSink
) -> None:
    email = new_email()
    sign_up(page, smtp, email)
    page.goto(COURSE)
    page.get_by_role("button", name="Enroll for free").click()
    stars = page.get_by_role("radiogroup", name="Your rating")
    expect(stars).to_be_visible()
    for n in range(1, 6):
        star = stars.get_by_role("radio", name=f"{n} of 5 stars")
        expect(star).not_to_be_checked()  # no default rating
    page.get_by_label("Your review").fill("   Short and clear.   ")

    page.get_by_role("button", name="Post review").click()
    expect(page.get_by_text("Please choose a rating from 1 to 5 stars.")).to_be_visible()
    expect(stars).to_have_attribute("aria-invalid", "true")
    assert _review_count(app_env, email) == 0

    # Focus went to the first star; arrows move and choose.
    first = stars.get_by_role("radio", name="1 of 5 stars")
    expect(first).to_be_focused()
    first.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(stars.get_by_role("radio", name="4 of 5 stars")).to_be_checked()
    page.get_by_role("button", name="Post review").click()
    expect(page.get_by_text("Your review is saved.")).to_be_visible()
    [(rating, body)] = db_rows(
        app_env,
        'SELECT r.rating, r.body FROM review r JOIN "user" u ON u.id = r.user_id'
        " WHERE u.email = :e",
        e=email,
    )
    assert (rating, body) == (4, "Short and clear.")

    page.get_by_role("button", name="Delete my review").click()
    dialog = page.get_by_role("alertdialog", name="Delete your review?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert _review_count(app_env, email) == 1
    page.get_by_role("button", name="Delete my review").click()
    dialog.get_by_role("button", name="Delete review").click()
    expect(page.get_by_text("Your review is deleted.")).to_be_visible()
    assert _review_count(app_env, email) == 0


def test_sign_out_everywhere_asks_first(page: Page, smtp: SmtpSink) -> None:
    sign_up(page, smtp, new_email())
    page.goto("/settings")
    page.get_by_role("button", name="Sign out everywhere").click()
    dialog = page.get_by_role("alertdialog", name="Sign out everywhere?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    page.goto("/dashboard")
    expect(page.get_by_role("heading", level=1, name="My learning")).to_be_visible()
    page.goto("/settings")
    page.get_by_role("button", name="Sign out everywhere").click()
    dialog.get_by_role("button", name="Sign out everywhere").click()
    expect(page).to_have_url(re.compile(r"/login"))


def test_deleting_the_account_asks_first_with_the_password(
    page: Page, app_env: dict[str, str], smtp: SmtpSink
) -> None:
    email = new_email()
    sign_up(page, smtp, email)
    page.goto("/settings")
    page.get_by_role("button", name="Delete my account").click()
    dialog = page.get_by_role("alertdialog", name="Delete your account?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert db_rows(app_env, 'SELECT id FROM "user" WHERE email = :e', e=email)
    page.get_by_role("button", name="Delete my account").click()
    dialog.get_by_label("Password to confirm").fill(PASSWORD)
    dialog.get_by_role("button", name="Delete my account").click()
    expect(page).not_to_have_url(re.compile(r"/settings"))
    assert not db_rows(app_env, 'SELECT id FROM "user" WHERE email = :e', e=email)
