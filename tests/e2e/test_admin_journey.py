"""Issue 7 journey: an admin approves a teacher, enrolls a student by hand, the instructor
sees the student's progress, and the admin unpublishes the course with a mailed reason.

The demo seed makes no admin, so the test makes one the way an operator would: with
`python -m lms_reflex create-user`, the password on stdin.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts import PASSWORD, new_email, sign_in, sign_up
from tests.e2e.conftest import ROOT, db_rows
from tests.e2e.forge import send_event
from tests.e2e.smtp_sink import SmtpSink, find_code

pytestmark = pytest.mark.e2e

COURSE_SLUG = "startup-finance-basics"  # priced, so a hand enrollment is how students get in
COURSE_TITLE = "Startup Finance Basics"
INSTRUCTOR = "marco.instructor@demo.lms"


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


def _instructor_password(app_env: dict[str, str]) -> str:
    text = (Path(app_env["LMS_DATA_DIR"]) / "demo-passwords.txt").read_text()
    return re.search(r"^instructor=(.+)$", text, re.M).group(1).strip()  # type: ignore[union-attr]


def _sign_up_wanting_to_teach(
    page: Page, smtp: SmtpSink, email: str, first: str = "Tess", last: str = "Teacher"
) -> None:
    page.goto("/signup")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_label("I want to teach").check()
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/verify\?email="))
    page.get_by_label("Verification code").fill(
        find_code(smtp.wait_for(email, subject_contains="code"))
    )
    page.get_by_role("button", name="Verify email").click()
    expect(page).to_have_url(re.compile(r"/dashboard/?$"))


def _find_user(page: Page, email: str) -> None:
    page.get_by_label("Search name or email").fill(email)
    page.get_by_role("button", name="Search users").click()
    expect(page.get_by_text("1 user found", exact=True)).to_be_visible()


def _toast_seen(page: Page, text: str) -> None:
    """The toast appeared, then faded (axe measures contrast mid-fade, so wait it out)."""
    toast = page.get_by_text(text)
    expect(toast).to_be_visible()
    expect(toast).to_be_hidden()


def _course_facts(app_env: dict[str, str]) -> tuple[int, int]:
    [(course_id,)] = db_rows(app_env, "SELECT id FROM course WHERE slug = :s", s=COURSE_SLUG)
    [(lessons,)] = db_rows(
        app_env,
        "SELECT count(*) FROM lesson l JOIN section s ON s.id = l.section_id "
        "WHERE s.course_id = :c",
        c=course_id,
    )
    return course_id, lessons


def test_admin_runs_the_platform_and_the_instructor_sees_progress(
    page: Page, browser: Browser, base_url: str, app_env: dict[str, str], smtp: SmtpSink, check_a11y
) -> None:
    admin_email = _make_admin(app_env)
    teacher_email, student_email = new_email("teacher"), new_email()
    course_id, lessons = _course_facts(app_env)

    teacher = browser.new_context(base_url=base_url).new_page()
    _sign_up_wanting_to_teach(teacher, smtp, teacher_email)
    student = browser.new_context(base_url=base_url).new_page()
    sign_up(student, smtp, student_email)

    # With no course of their own, the admin lands on the console.
    sign_in(page, admin_email)
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.get_by_role("heading", level=1, name="Platform overview")).to_be_visible()
    expect(page.locator(".recharts-surface").first).to_be_visible()  # the charts drew
    page.get_by_text("Sign-ups: the numbers as a table").click()
    expect(page.get_by_role("table", name="Sign-ups per day")).to_be_visible()
    check_a11y(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download top courses as CSV").click()
    csv_text = Path(download.value.path()).read_text()
    lines = csv_text.splitlines()
    assert lines[0] == "course,enrollments" and len(lines) > 1

    # Approve the request to teach; the requester is mailed.
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Users").click()
    page.get_by_label("Role", exact=True).select_option(label="Asking to teach")
    _find_user(page, teacher_email)
    page.get_by_role("button", name="Approve request of Tess Teacher").click()
    _toast_seen(page, "Request approved; the user was told.")
    expect(page.get_by_text("0 users found", exact=True)).to_be_visible()  # no longer pending
    page.get_by_label("Role", exact=True).select_option(label="Any role")
    _find_user(page, teacher_email)
    expect(page.get_by_label("Role of Tess Teacher")).to_have_value("instructor")
    smtp.wait_for(teacher_email, subject_contains="You can now teach")
    check_a11y(page)

    # Enroll the student by hand in a priced course.
    _find_user(page, student_email)
    page.get_by_role("button", name="Enrollments of Grace Hopper").click()
    expect(page.get_by_text("Not enrolled in any course.")).to_be_visible()
    page.get_by_label("Course to enroll in").select_option(label=COURSE_TITLE)
    page.get_by_role("button", name="Enroll", exact=True).click()
    _toast_seen(page, f"Enrolled in {COURSE_TITLE}.")
    expect(page.get_by_role("rowheader", name=COURSE_TITLE)).to_be_visible()

    # The student makes progress: one lesson marked complete in the player.
    student.goto(f"/learn/{COURSE_SLUG}")
    student.get_by_role("button", name="Mark as complete").click()
    expect(student.get_by_role("button", name="Mark as not complete")).to_be_visible()

    # The course's instructor sees it on the analytics page.
    instructor = browser.new_context(base_url=base_url).new_page()
    sign_in(instructor, INSTRUCTOR, _instructor_password(app_env))
    expect(instructor).to_have_url(re.compile(r"/teach/?$"))
    instructor.goto(f"/teach/courses/{course_id}/analytics")
    expect(instructor.get_by_role("heading", level=1, name=COURSE_TITLE)).to_be_visible()
    row = instructor.get_by_role("row").filter(has_text="Grace Hopper")
    expect(row).to_contain_text(f"{100 // lessons} %")
    expect(instructor.get_by_text(student_email)).to_have_count(0)  # names only, no emails
    check_a11y(instructor)

    # The admin unpublishes the course with a reason; the instructor is mailed.
    page.get_by_role("navigation", name="Admin").get_by_role(
        "link", name="Courses and reviews"
    ).click()
    page.get_by_label("Search course titles").fill("Startup Finance")
    page.get_by_role("button", name="Search courses").click()
    expect(page.get_by_text("1 course found", exact=True)).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name=f"Unpublish {COURSE_TITLE}").click()
    page.get_by_label("Reason for the instructor").fill(
        "The pricing page promises a refund we do not offer."
    )
    check_a11y(page)
    page.get_by_role("button", name="Unpublish and tell the instructor").click()
    _toast_seen(page, "Course unpublished; the instructor was told why.")
    expect(page.get_by_role("row").filter(has_text=COURSE_TITLE)).to_contain_text("draft")
    mail = smtp.wait_for(INSTRUCTOR, subject_contains=f"unpublished: {COURSE_TITLE}")
    assert "refund we do not offer" in mail.get_body(preferencelist=("plain",)).get_content()

    # Every action is on the audit trail.
    page.goto("/admin/audit")  # a fresh load: axe never sees a link mid-transition
    expect(page.get_by_role("rowheader", name="Unpublished a course").first).to_be_visible()
    expect(page.get_by_role("rowheader", name="Approved a request to teach")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Enrolled a user by hand")).to_be_visible()
    check_a11y(page)


def test_admin_edits_categories_and_a_used_one_cannot_be_deleted(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    sign_in(page, _make_admin(app_env))
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    page.goto("/admin/categories")
    page.get_by_label("Name", exact=True).fill("Photography")
    page.get_by_label("Description", exact=True).fill("Light, lenses and composition")
    page.get_by_role("button", name="Add category").click()
    expect(page.get_by_text("Category added.")).to_be_visible()
    expect(page.get_by_label("Name of Photography")).to_have_value("Photography")
    page.get_by_role("button", name="Move Photography up").click()
    expect(page.get_by_text("Order saved.")).to_be_visible()
    page.get_by_role("button", name="Delete Programming").click()
    confirm = page.get_by_role("alertdialog", name="Delete the category Programming?")
    confirm.get_by_role("button", name="Delete category").click()
    _toast_seen(page, "Move these courses to another category first")
    check_a11y(page)
    page.get_by_role("button", name="Delete Photography").click()
    confirm = page.get_by_role("alertdialog", name="Delete the category Photography?")
    confirm.get_by_role("button", name="Cancel").click()
    expect(confirm).to_have_count(0)
    expect(page.get_by_label("Name of Photography")).to_have_value("Photography")
    page.get_by_role("button", name="Delete Photography").click()
    confirm.get_by_role("button", name="Delete category").click()
    expect(page.get_by_text("Category deleted.")).to_be_visible()
    expect(page.get_by_label("Name of Photography")).to_have_count(0)


def test_admin_turns_down_a_request_keeps_their_own_role_and_hides_a_review(
    page: Page, browser: Browser, base_url: str, app_env: dict[str, str], smtp: SmtpSink
) -> None:
    asker_email = new_email("asker")
    asker = browser.new_context(base_url=base_url).new_page()
    _sign_up_wanting_to_teach(asker, smtp, asker_email, "Rex", "Asker")
    admin_email = _make_admin(app_env)
    sign_in(page, admin_email)
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    page.goto("/admin/users")

    _find_user(page, asker_email)
    page.get_by_role("button", name="Reject request of Rex Asker").click()
    page.get_by_label("Reason (optional)").fill("Please add a sample lesson first.")
    page.get_by_role("button", name="Send and turn down").click()
    _toast_seen(page, "Request turned down; the user was told.")
    expect(page.get_by_label("Role of Rex Asker")).to_have_value("student")
    mail = smtp.wait_for(asker_email, subject_contains="request to teach")
    assert "sample lesson first" in mail.get_body(preferencelist=("plain",)).get_content()

    # The server refuses an admin's own demotion and the picker shows the real role again.
    _find_user(page, admin_email)
    page.get_by_label("Role of Ada Admin").select_option("student")
    expect(page.get_by_text("You cannot remove your own admin rights")).to_be_visible()
    expect(page.get_by_label("Role of Ada Admin")).to_have_value("admin")

    page.goto("/admin/courses")
    hide = page.get_by_role("button", name=re.compile(r"^Hide the review by ")).first
    author = (hide.get_attribute("aria-label") or "").removeprefix("Hide the review by ")
    hide.click()
    _toast_seen(page, "Review hidden.")
    show = page.get_by_role("button", name=f"Show again the review by {author}").first
    expect(show).to_be_visible()
    show.click()
    _toast_seen(page, "Review shown again.")


def test_a_deactivated_students_open_tab_fails_its_next_event(
    page: Page, browser: Browser, base_url: str, app_env: dict[str, str], smtp: SmtpSink
) -> None:
    """docs/security.md case 18: no role or status is cached in the student's state."""
    student_email = new_email()
    student = browser.new_context(base_url=base_url).new_page()
    sign_up(student, smtp, student_email)
    ok = send_event(student, base_url, "DashboardState.load", {}, path="/dashboard")
    assert "/login?next=" not in json.dumps(ok["updates"])

    sign_in(page, _make_admin(app_env))
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    page.goto("/admin/users")
    _find_user(page, student_email)
    page.get_by_role("button", name="Deactivate Grace Hopper").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("button", name="Reactivate Grace Hopper")).to_be_visible()

    refused = send_event(student, base_url, "DashboardState.load", {}, path="/dashboard")
    assert "/login?next=" in json.dumps(refused["updates"])


def test_a_student_sees_a_plain_refusal_and_a_visitor_is_sent_to_sign_in(
    page: Page, smtp: SmtpSink, check_a11y
) -> None:
    page.goto("/admin/users")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fadmin%2Fusers"))
    sign_up(page, smtp, new_email())
    for path in ("/admin", "/admin/users", "/admin/categories", "/admin/courses", "/admin/audit",
                 "/admin/certificates"):  # fmt: skip
        page.goto(path)
        expect(page.get_by_text("This page is for administrators.")).to_be_visible()
        expect(page.get_by_role("table")).to_have_count(0)
    _toast_seen(page, "You do not have permission to do that.")
    check_a11y(page)
