"""Instructors create a course, fill its details (autosaved), upload a thumbnail, meet the
publish checklist, and take a published course out of the catalog and back; students are
refused on the teaching pages (issue 5, docs/security.md cases 22 and 23)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accounts import PASSWORD, new_email, sign_in, sign_up
from tests.e2e.conftest import db_row, db_rows, eventually
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

PRIYA = "priya.instructor@demo.lms"
SPANISH = "Spanish for Travellers"
ADAS_COURSE = "python-for-absolute-beginners"
ROOT = Path(__file__).resolve().parents[2]


def demo_password(app_env: dict[str, str], role: str) -> str:
    lines = Path(app_env["LMS_DATA_DIR"], "demo-passwords.txt").read_text().splitlines()
    return next(line.split("=", 1)[1] for line in lines if line.startswith(f"{role}="))


JSON_COLUMNS = ("what_you_will_learn", "requirements", "tags")


def course_row(app_env: dict[str, str], course_id: int) -> dict | None:
    """The course as stored, with its list columns decoded."""
    row = db_row(app_env, "SELECT * FROM course WHERE id = :c", c=course_id)
    if row is None:
        return None
    # SQLite hands JSON columns back as text, PostgreSQL as lists.
    return {
        k: json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v for k, v in row.items()
    }


def course_id_of(app_env: dict[str, str], slug: str) -> int:
    [(course_id,)] = db_rows(app_env, "SELECT id FROM course WHERE slug = :s", s=slug)
    return course_id


def wait_for_row(app_env: dict[str, str], course_id: int, **expected: object) -> None:
    """Autosave is debounced in the browser: poll until the database holds the values."""
    last: dict = {}

    def saved() -> bool:
        last["row"] = course_row(app_env, course_id)
        return bool(last["row"]) and all(last["row"][k] == v for k, v in expected.items())

    eventually(saved, lambda: f"course {course_id} never saved {expected}; last row: {last}")


def make_picture(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 90, 160)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def settled(locator) -> None:
    """Wait for a dialog's opening animation: axe misreads colours while it fades in."""
    locator.evaluate("el => Promise.all(el.getAnimations({subtree: true}).map(a => a.finished))")


def sign_in_as_priya(page: Page, app_env: dict[str, str]) -> None:
    sign_in(page, PRIYA, demo_password(app_env, "instructor"))
    expect(page).to_have_url(re.compile(r"/teach/?$"))


def open_new_course(page: Page, title: str, check_a11y) -> int:
    """From the dashboard's Teaching link, create a course and land on its details step."""
    page.goto("/dashboard")
    page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Teaching").click()
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    expect(page.get_by_role("heading", level=1, name="Teaching")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="New course").click()
    dialog = page.get_by_role("dialog", name="New course")
    dialog.get_by_label("Course title").fill(title)
    check_a11y(page)
    dialog.get_by_role("button", name="Create course").click()
    expect(page).to_have_url(re.compile(r"/teach/courses/\d+/edit$"))
    return int(re.search(r"/teach/courses/(\d+)/edit", page.url).group(1))


def fill_details(page: Page) -> None:
    page.get_by_label("Subtitle", exact=True).fill("Order, ask and chat on holiday")
    page.get_by_label("Description", exact=True).fill(
        "## Why this course\n\nYou will **speak** from day one.\n\n<script>alert(1)</script>"
    )
    page.get_by_label("Category", exact=True).select_option(label="Languages")
    page.get_by_label("Level", exact=True).select_option("beginner")
    page.get_by_label("Language", exact=True).fill("Spanish")
    page.get_by_label("Price", exact=True).fill("12.50")
    page.get_by_role("button", name="Add a line to what you will learn").click()
    page.get_by_label("What you will learn, line 1", exact=True).fill("Order food")
    page.get_by_role("button", name="Add a line to what you will learn").click()
    page.get_by_label("What you will learn, line 2", exact=True).fill("Ask for directions")
    page.get_by_role("button", name="Add a line to requirements").click()
    page.get_by_label("Requirements, line 1", exact=True).fill("No Spanish needed")
    page.get_by_label("Tags", exact=True).fill("spanish, travel")
    page.get_by_label("Tags", exact=True).press("Tab")  # leaving a field saves at once


def test_an_instructor_creates_a_course_and_its_details_are_kept(
    page: Page, app_env: dict[str, str], tmp_path: Path, check_a11y
) -> None:
    sign_in_as_priya(page, app_env)
    title = f"Holiday Spanish {uuid.uuid4().hex[:6]}"
    course_id = open_new_course(page, title, check_a11y)
    expect(page.get_by_label("Title", exact=True)).to_have_value(title)
    expect(page.get_by_role("status").filter(has_text="save")).to_be_visible()
    check_a11y(page)

    fill_details(page)
    preview = page.get_by_role("region", name="Description preview")
    expect(preview.get_by_role("heading", name="Why this course")).to_be_visible()
    expect(preview.locator("strong")).to_have_text("speak")
    expect(preview.locator("script")).to_have_count(0)
    expect(preview.get_by_text("<script>alert(1)</script>")).to_be_visible()  # shown as text
    wait_for_row(app_env, course_id, price_cents=1250, language="Spanish", level="beginner")
    wait_for_row(app_env, course_id, tags=["spanish", "travel"])
    expect(page.get_by_text("All changes saved")).to_be_visible()

    page.get_by_label("Title", exact=True).fill("ab")
    page.get_by_label("Title", exact=True).press("Tab")
    expect(page.get_by_text("Not saved: The title needs at least 3 characters.")).to_be_visible()
    assert course_row(app_env, course_id)["title"] == title
    page.get_by_label("Title", exact=True).fill(title + " (2026)")
    page.get_by_label("Title", exact=True).press("Tab")
    wait_for_row(app_env, course_id, title=title + " (2026)")

    page.reload()
    expect(page.get_by_label("Title", exact=True)).to_have_value(title + " (2026)")
    expect(page.get_by_label("Subtitle", exact=True)).to_have_value(
        "Order, ask and chat on holiday"
    )
    expect(page.get_by_label("Price", exact=True)).to_have_value("12.50")
    expect(page.get_by_label("Category", exact=True).locator("option:checked")).to_have_text(
        "Languages"
    )
    expect(page.get_by_label("What you will learn, line 2", exact=True)).to_have_value(
        "Ask for directions"
    )
    expect(page.get_by_label("Requirements, line 1", exact=True)).to_have_value("No Spanish needed")
    expect(page.get_by_label("Tags", exact=True)).to_have_value("spanish, travel")
    expect(preview.get_by_role("heading", name="Why this course")).to_be_visible()

    page.get_by_role("button", name="Remove What you will learn, line 1").click()
    expect(page.get_by_label("What you will learn, line 1", exact=True)).to_have_value(
        "Ask for directions"
    )
    wait_for_row(app_env, course_id, what_you_will_learn=["Ask for directions"])

    page.locator("input[type=file]").set_input_files(str(make_picture(tmp_path / "t.png")))
    page.get_by_role("button", name="Upload thumbnail").click()
    expect(page.get_by_text("Thumbnail saved.")).to_be_visible()  # before the toast times out
    thumb = page.get_by_role("img", name="Course thumbnail")
    expect(thumb).to_be_visible()
    src = thumb.get_attribute("src") or ""
    assert re.search(r"/api/media/thumbnails/[0-9a-f]{32}\.jpg$", src), src
    assert page.request.get(src).status == 200
    expect(page.get_by_text("Thumbnail saved.")).to_be_hidden()  # axe misjudges fading toasts
    check_a11y(page)

    steps = page.get_by_role("navigation", name="Course builder steps")
    steps.get_by_role("link", name="Publish").click()
    expect(page).to_have_url(re.compile(rf"/teach/courses/{course_id}/publish$"))
    expect(page.get_by_role("heading", name="Before publishing")).to_be_visible()
    checklist = page.get_by_role("listitem")
    expect(checklist.filter(has_text="A thumbnail")).to_contain_text("Done")
    expect(checklist.filter(has_text="A category")).to_contain_text("Done")
    missing = checklist.filter(has_text="A section with at least one lesson")
    expect(missing).to_contain_text("To do")
    expect(missing).to_contain_text("in Curriculum")
    expect(page.get_by_role("button", name="Publish", exact=True)).to_be_disabled()
    check_a11y(page)

    slug = course_row(app_env, course_id)["slug"]
    page.goto(f"/courses/{slug}")
    expect(page.get_by_text("Draft \u2014 only you can see this.")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=title + " (2026)")).to_be_visible()
    check_a11y(page)

    page.goto(f"/teach/courses/{course_id}/publish")
    page.get_by_role("button", name="Delete course").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text(f"Delete \u201c{title} (2026)\u201d?")
    settled(confirm)
    check_a11y(page)
    confirm.get_by_role("button", name="Delete for good").click()
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    expect(page.get_by_role("heading", name=title)).to_have_count(0)
    assert course_row(app_env, course_id) is None


def expect_in_search(page: Page, present: bool) -> None:
    page.goto("/search?q=travellers")
    link = page.get_by_role("main").get_by_role("link", name=SPANISH)
    if present:
        expect(link).to_be_visible()
    else:
        expect(page.get_by_text("No courses match your search.")).to_be_visible()
        expect(link).to_have_count(0)


def test_unpublishing_takes_a_course_out_of_the_catalog_until_it_is_published_again(
    page: Page, browser: Browser, base_url: str, smtp: SmtpSink, app_env, check_a11y
) -> None:
    student = browser.new_context(base_url=base_url).new_page()
    sign_up(student, smtp, new_email())
    expect_in_search(student, present=True)

    sign_in_as_priya(page, app_env)
    page.set_viewport_size({"width": 375, "height": 800})  # a phone: nothing wider than it
    page.goto("/teach")
    expect(page.get_by_role("heading", level=2, name=SPANISH)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("radio", name=re.compile(r"^Published")).click()
    expect(page.get_by_role("heading", level=2, name="Music Theory for Guitarists")).to_have_count(
        0
    )  # a draft
    page.get_by_role("link", name=f"Publish: {SPANISH}").click()
    expect(page).to_have_url(re.compile(r"/teach/courses/\d+/publish$"))
    expect(page.get_by_role("listitem").filter(has_text="To do")).to_have_count(0)
    check_a11y(page)

    page.get_by_role("button", name="Unpublish").click()
    expect(page.get_by_text("The course is a draft again.")).to_be_visible()
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    publish = page.get_by_role("button", name="Publish", exact=True)
    expect(publish).to_be_enabled()

    expect_in_search(student, present=False)
    student.goto("/categories/languages")
    expect(student.get_by_role("heading", level=1)).to_be_visible()
    expect(student.get_by_role("link", name=SPANISH)).to_have_count(0)
    student.goto("/courses/spanish-for-travellers")
    expect(student.get_by_role("heading", name="Course not found")).to_be_visible()

    page.get_by_role("button", name="Archive").click()
    expect(page.get_by_text("The course is archived.")).to_be_visible()
    expect(page.get_by_text("Archived", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Archive")).to_have_count(0)
    expect_in_search(student, present=False)

    publish.click()
    expect(page.get_by_text("The course is published.")).to_be_visible()
    expect(page.get_by_role("button", name="Unpublish")).to_be_visible()
    expect_in_search(student, present=True)
    student.context.close()


def test_students_and_other_instructors_are_refused_on_teaching_pages(
    page: Page, smtp: SmtpSink, app_env: dict[str, str]
) -> None:
    page.goto("/teach")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fteach$"))

    adas = course_id_of(app_env, ADAS_COURSE)
    before = course_row(app_env, adas)
    sign_up(page, smtp, new_email())
    page.get_by_role("button", name="Account menu").click()
    expect(page.get_by_role("menuitem", name="Settings")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Teaching")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(
        page.get_by_role("navigation", name="Dashboard").get_by_role("link", name="Teaching")
    ).to_have_count(0)

    page.goto("/teach")
    expect(page.get_by_text("You do not have permission to do that.")).to_be_visible()
    expect(page.get_by_role("button", name="New course")).to_have_count(0)
    for step in ("edit", "publish"):
        page.goto(f"/teach/courses/{adas}/{step}")
        expect(page.get_by_role("heading", name="We could not open this course")).to_be_visible()
        expect(page.get_by_label("Title", exact=True)).to_have_count(0)

    page.context.clear_cookies()
    sign_in_as_priya(page, app_env)
    page.get_by_role("button", name="Account menu").click()
    expect(page.get_by_role("menuitem", name="Teaching")).to_be_visible()
    page.keyboard.press("Escape")
    for step in ("edit", "publish"):
        page.goto(f"/teach/courses/{adas}/{step}")
        expect(page.get_by_text("We could not find that course.")).to_be_visible()
        expect(page.get_by_role("button", name="Unpublish")).to_have_count(0)
    assert course_row(app_env, adas) == before


def test_a_new_instructor_is_invited_to_create_a_first_course(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    email = new_email("teacher")
    subprocess.run(
        [sys.executable, "-m", "lms_reflex", "create-user", "--email", email,
         "--role", "instructor", "--first-name", "Nia", "--last-name", "Diallo"],
        input=PASSWORD + "\n", text=True, cwd=ROOT, env=app_env, check=True,
        capture_output=True,
    )  # fmt: skip
    sign_in(page, email)
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    page.goto("/teach")
    expect(page.get_by_role("heading", name="Create your first course")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)  # no filter over an empty list
    check_a11y(page)
    page.get_by_role("button", name="New course").click()
    page.get_by_role("dialog").get_by_label("Course title").fill("My first course")
    page.get_by_role("dialog").get_by_role("button", name="Create course").click()
    expect(page).to_have_url(re.compile(r"/teach/courses/\d+/edit$"))
    page.get_by_role("link", name="\u2190 All my courses").click()
    expect(page.get_by_role("heading", level=2, name="My first course")).to_be_visible()
    expect(page.get_by_role("radio", name="Drafts (1)")).to_be_visible()
