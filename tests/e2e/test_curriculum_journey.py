"""Issue 5: an instructor builds a curriculum, uploads videos and reorders by drag and drop."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.accounts import sign_in
from tests.e2e.conftest import ROOT, eventually
from tests.e2e.test_builder_details_journey import make_picture, open_new_course

pytestmark = pytest.mark.e2e

INSTRUCTOR = "ada.instructor@demo.lms"
STUDENT = "student01@demo.lms"
HANDLES = "[aria-roledescription='drag handle']"

# Runs inside the app's environment, against its database, through the service layer.
_MAKE_COURSE = """
import sys
from sqlmodel import select
from lms_reflex.db import run_service
from lms_reflex.models import User
from lms_reflex.services.actor import Actor
from lms_reflex.services.teaching.course_details import create_course

def make(*, session, email, title):
    user = session.exec(select(User).where(User.email == email)).one()
    return create_course(session=session, actor=Actor.of(user), title=title)

print(run_service(make, email=sys.argv[1], title=sys.argv[2]))
"""


# Another tab's doing, behind the page's back: a student's progress, a deleted lesson.
_BEHIND_THE_PAGE = """
import sys
from sqlmodel import select
from lms_reflex.db import run_service
from lms_reflex.models import Lesson, LessonProgress, Role, User
from lms_reflex.services.actor import Actor
from lms_reflex.services.teaching.curriculum import delete_lesson

def progress(*, session, title):
    student = session.exec(select(User).where(User.role == Role.STUDENT)).first()
    lesson = session.exec(select(Lesson).where(Lesson.title == title)).one()
    session.add(LessonProgress(user_id=student.id, lesson_id=lesson.id, position_s=5.0))

def delete(*, session, title):
    lesson = session.exec(select(Lesson).where(Lesson.title == title)).one()
    user = session.exec(select(User).where(User.email == sys.argv[3])).one()
    delete_lesson(session=session, actor=Actor.of(user), lesson_id=lesson.id)

run_service(progress if sys.argv[1] == "progress" else delete, title=sys.argv[2])
"""


def in_app(app_env: dict[str, str], script: str, *args: str) -> str:
    """Run `script` in the app's environment (its database); returns what it printed."""
    out = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT, env=app_env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return out.stdout


def new_draft_course(app_env: dict[str, str], email: str, title: str) -> int:
    """A fresh draft course of `email`, made directly (the first journey uses /teach)."""
    return int(in_app(app_env, _MAKE_COURSE, email, title).strip().splitlines()[-1])


def demo_password(app_env: dict[str, str], role: str) -> str:
    lines = Path(app_env["LMS_DATA_DIR"], "demo-passwords.txt").read_text().splitlines()
    return next(line.split("=", 1)[1] for line in lines if line.startswith(f"{role}="))


@pytest.fixture(scope="module")
def small_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from lms_reflex.media.samples import make_test_video

    path = tmp_path_factory.mktemp("videos") / "lesson.mp4"
    make_test_video(path, seconds=2, width=160, height=90, fps=12)
    return path


def name_something(page: Page, button: str, label: str, text: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(label).fill(text)
    dialog.get_by_role("button", name="Save", exact=True).click()
    expect(dialog).to_have_count(0)


def handle_names(page: Page) -> list[str]:
    return page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].map((b) => b.getAttribute('aria-label'))",
        HANDLES,
    )


def expect_handles(page: Page, names: list[str]) -> None:
    """The drag handles, top to bottom, are exactly `names` (sections and lessons)."""
    wanted = ["Move " + n for n in names]
    try:
        # Both sides through JSON.stringify: Python's json.dumps puts a space after each
        # comma, so comparing with it never matched and every call waited the full 15 s.
        page.wait_for_function(
            "([sel, wanted]) => JSON.stringify([...document.querySelectorAll(sel)]"
            ".map((b) => b.getAttribute('aria-label'))) === JSON.stringify(wanted)",
            arg=[HANDLES, wanted],
        )
    except PlaywrightTimeout:
        shot = Path(tempfile.gettempdir()) / f"curriculum-order-{uuid.uuid4().hex[:8]}.png"
        page.screenshot(path=str(shot))
        assert handle_names(page) == wanted, f"the page as it was: {shot}"


def upload_video(page: Page, lesson: str, video: Path, check_a11y) -> None:
    page.get_by_role("button", name=f"Edit lesson {lesson}").click()
    dialog = page.get_by_role("dialog", name="Edit lesson")
    expect(dialog.get_by_text("No video yet.")).to_be_visible()
    dialog.get_by_label("Lesson video").set_input_files(str(video))
    bar = dialog.get_by_role("progressbar", name="Video upload progress")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(dialog.get_by_text("100 %")).to_be_visible()
    expect(dialog.get_by_text(re.compile(r"Duration: 2 seconds"))).to_be_visible()
    poster = dialog.get_by_role("img", name=f"Poster frame of {lesson}")
    expect(poster).to_be_visible()
    poster.evaluate("(img) => img.decode()")  # rejects when the poster does not load
    check_a11y(page)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_have_count(0)


def move_with_key(page: Page, key: str, announcement: str) -> None:
    """Press `key` on a lifted item until the live region announces `announcement`.

    dnd-kit measures the drop targets a frame after the lift; on a busy machine the first
    arrow can arrive before that and is ignored, as it would be for a person too.
    """
    said = page.get_by_text(re.compile(announcement))
    for _ in range(3):
        page.keyboard.press(key)
        try:
            expect(said).to_be_attached(timeout=3000)
            return
        except AssertionError:
            continue
    expect(said).to_be_attached()


def next_frames(page: Page) -> None:
    """Wait for two animation frames: dnd-kit measures drop targets a frame after a lift."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


UNCOVERED = """(el) => {
    const r = el.getBoundingClientRect();
    return el.contains(document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
}"""


def wait_until_on_top(page: Page, handle: Locator) -> None:
    """Wait until nothing (a toast, a closing dialog) covers the middle of `handle`.

    page.mouse presses wherever it is told, unlike click(), which waits for the element
    to be the one hit: a toast over the handle would take the press.
    """
    page.wait_for_function(UNCOVERED, arg=handle.element_handle(), timeout=10_000)


def drag(page: Page, handle: Locator, target: Locator, fraction: float) -> None:
    """Pointer drag with many small moves, dropping at `fraction` of the target's height.

    It pauses after the lift and before the drop, as a hand does (dnd-kit measures the
    drop targets a frame after the lift).
    """
    handle.scroll_into_view_if_needed()
    wait_until_on_top(page, handle)
    start, end = handle.bounding_box(), target.bounding_box()
    assert start and end
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2 + 10)
    next_frames(page)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] * fraction, steps=25)
    next_frames(page)
    page.mouse.up()


def drag_into_place(
    page: Page, handle: Locator, target: Locator, before: list[str], after: list[str]
) -> None:
    """Drag `handle` just below `target` until the handles read `after`.

    In two CI runs a mouse drag into another section was dropped where it started; seven
    local runs, two with the CPU throttled 6x, never did. A person who sees the item snap
    back drags it again; so does this, once. Any other outcome fails at once.
    """
    for attempt in range(2):
        drag(page, handle, target, 0.9)
        try:
            expect_handles(page, after)
            return
        except AssertionError:
            if attempt or handle_names(page) != ["Move " + n for n in before]:
                raise


def test_instructor_builds_uploads_and_reorders_the_curriculum(
    page: Page,
    browser: Browser,
    app_env: dict[str, str],
    small_video: Path,
    tmp_path: Path,
    check_a11y,
) -> None:
    """Issue 5's journey: create in the browser, build, upload, reorder, publish, find."""
    title = f"Curriculum journey {uuid.uuid4().hex[:6]}"
    sign_in(page, INSTRUCTOR, demo_password(app_env, "instructor"))
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    course_id = open_new_course(page, title, check_a11y)
    page.get_by_label("Description", exact=True).fill("Learn **by building** a real project.")
    page.get_by_label("Category", exact=True).select_option(label="Programming")
    page.get_by_label("Category", exact=True).press("Tab")  # leaving a field saves at once
    page.locator("input[type=file]").set_input_files(str(make_picture(tmp_path / "t.png")))
    page.get_by_role("button", name="Upload thumbnail").click()
    expect(page.get_by_role("img", name="Course thumbnail")).to_be_visible()
    expect(page.get_by_text("All changes saved")).to_be_visible()

    steps = page.get_by_role("navigation", name="Course builder steps")
    steps.get_by_role("link", name="Curriculum").click()
    expect(page).to_have_url(re.compile(rf"/teach/courses/{course_id}/curriculum$"))
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_text("This course has no sections yet.")).to_be_visible()
    check_a11y(page)

    name_something(page, "Add section", "Section title", "Getting started")
    name_something(page, "Add section", "Section title", "Going further")
    name_something(page, "Add lesson to Getting started", "Lesson title", "Welcome")
    name_something(page, "Add lesson to Getting started", "Lesson title", "Setup")
    name_something(page, "Add lesson to Going further", "Lesson title", "Deep dive")
    expect_handles(page, ["section Getting started", "lesson Welcome", "lesson Setup",
                          "section Going further", "lesson Deep dive"])  # fmt: skip
    check_a11y(page)

    for lesson in ("Welcome", "Setup", "Deep dive"):
        upload_video(page, lesson, small_video, check_a11y)
    expect(page.get_by_text("Video \u00b7 2 s")).to_have_count(3)

    # A lesson from section 1 into section 2, below "Deep dive", with the mouse.
    deep_dive = page.locator("[data-sortable-kind=lesson]").filter(
        has=page.get_by_role("button", name="Edit lesson Deep dive")
    )
    drag_into_place(
        page,
        page.get_by_role("button", name="Move lesson Setup"),
        deep_dive,
        before=["section Getting started", "lesson Welcome", "lesson Setup",
                "section Going further", "lesson Deep dive"],
        after=["section Getting started", "lesson Welcome",
               "section Going further", "lesson Deep dive", "lesson Setup"],
    )  # fmt: skip

    # A section above another, with the keyboard (Space, arrow, Space).
    handle = page.get_by_role("button", name="Move section Going further")
    handle.focus()
    page.keyboard.press("Space")
    expect(handle).to_have_attribute("aria-pressed", "true")  # lifted
    move_with_key(page, "ArrowUp", "is over section Getting started")
    page.keyboard.press("Space")
    expect_handles(page, ["section Going further", "lesson Deep dive", "lesson Setup",
                          "section Getting started", "lesson Welcome"])  # fmt: skip

    # A lesson into the section above, with the keyboard: it lands before "Setup".
    handle = page.get_by_role("button", name="Move lesson Welcome")
    handle.focus()
    page.keyboard.press("Space")
    expect(handle).to_have_attribute("aria-pressed", "true")
    move_with_key(page, "ArrowUp", "is over lesson Setup")
    page.keyboard.press("Space")
    expected = ["section Going further", "lesson Deep dive", "lesson Welcome", "lesson Setup",
                "section Getting started"]  # fmt: skip
    expect_handles(page, expected)

    page.reload()
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect_handles(page, expected)
    check_a11y(page)

    # "Getting started" is empty now; the checklist only asks for one lesson with a video.
    steps.get_by_role("link", name="Publish").click()
    expect(page).to_have_url(re.compile(rf"/teach/courses/{course_id}/publish$"))
    publish = page.get_by_role("button", name="Publish", exact=True)
    expect(publish).to_be_enabled()
    publish.click()
    expect(page.get_by_role("button", name="Unpublish")).to_be_visible()

    student = browser.new_context(base_url=page.url.split("/teach")[0])
    try:
        learner = student.new_page()
        sign_in(learner, STUDENT, demo_password(app_env, "student"))
        expect(learner).to_have_url(re.compile(r"/dashboard/?$"))
        learner.goto("/search?q=" + title.split()[-1])
        found = learner.get_by_role("main").get_by_role("link", name=title)
        expect(found.first).to_be_visible()
        found.first.click()
        expect(learner.get_by_role("heading", level=1, name=title)).to_be_visible()
        syllabus = learner.get_by_role("main")
        for lesson in ("Deep dive", "Welcome", "Setup"):
            expect(syllabus.get_by_text(lesson, exact=True).first).to_be_visible()
    finally:
        student.close()


def test_rename_edit_delete_twice_and_a_refused_order_snaps_back(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    title = f"Curriculum edits {uuid.uuid4().hex[:6]}"
    course_id = new_draft_course(app_env, INSTRUCTOR, title)
    sign_in(page, INSTRUCTOR, demo_password(app_env, "instructor"))
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    page.goto(f"/teach/courses/{course_id}/curriculum")
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    tag = uuid.uuid4().hex[:6]
    intro, outro, extra = f"Intro {tag}", f"Outro {tag}", f"Extra {tag}"
    name_something(page, "Add section", "Section title", "Basics")
    for lesson in (intro, outro):
        name_something(page, "Add lesson to Basics", "Lesson title", lesson)

    name_something(page, "Rename section Basics", "Section title", "Fundamentals")
    expect(page.get_by_role("heading", level=2, name="Fundamentals")).to_be_visible()

    page.get_by_role("button", name=f"Edit lesson {intro}").click()
    dialog = page.get_by_role("dialog", name="Edit lesson")
    dialog.get_by_label("Lesson title").fill(f"Introduction {tag}")
    dialog.get_by_label("Description").fill("What this course covers.")
    dialog.get_by_role("switch", name=re.compile("^Free preview")).click()
    dialog.get_by_role("button", name="Save lesson").click()
    expect(page.get_by_text("Lesson saved.")).to_be_visible()
    expect(page.get_by_text("Free preview", exact=True)).to_be_visible()
    intro = f"Introduction {tag}"

    in_app(app_env, _BEHIND_THE_PAGE, "progress", outro)
    page.get_by_role("button", name=f"Delete lesson {outro}").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text(f"Delete lesson \u201c{outro}\u201d?")
    check_a11y(page)
    confirm.get_by_role("button", name="Delete", exact=True).click()
    expect(confirm.get_by_role("alert")).to_contain_text("1 student has progress in this.")
    confirm.get_by_role("button", name="Delete with student progress").click()
    expect(page.get_by_text(f"Deleted \u201c{outro}\u201d.")).to_be_visible()
    expect_handles(page, ["section Fundamentals", f"lesson {intro}"])

    name_something(page, "Add lesson to Fundamentals", "Lesson title", extra)
    expect_handles(page, ["section Fundamentals", f"lesson {intro}", f"lesson {extra}"])
    in_app(app_env, _BEHIND_THE_PAGE, "delete", extra, INSTRUCTOR)
    target = page.locator("[data-sortable-kind=lesson]").filter(
        has=page.get_by_role("button", name=f"Edit lesson {extra}")
    )
    drag(page, page.get_by_role("button", name=f"Move lesson {intro}"), target, 0.9)
    expect(page.get_by_text("The course changed in the meantime.", exact=False)).to_be_visible()
    expect_handles(page, ["section Fundamentals", f"lesson {intro}"])

    page.set_viewport_size({"width": 375, "height": 800})  # a phone: nothing runs off screen
    expect(page.get_by_role("button", name=f"Edit lesson {intro}")).to_be_in_viewport()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_another_instructor_cannot_open_the_curriculum(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    course_id = new_draft_course(app_env, INSTRUCTOR, f"Private {uuid.uuid4().hex[:6]}")
    page.goto(f"/teach/courses/{course_id}/curriculum")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    sign_in(page, "marco.instructor@demo.lms", demo_password(app_env, "instructor"))
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    page.goto(f"/teach/courses/{course_id}/curriculum")
    expect(page.get_by_role("alert")).to_contain_text("We could not find that course.")
    expect(page.get_by_role("button", name="Add section")).to_have_count(0)
    check_a11y(page)


def test_an_upload_can_be_cancelled_and_a_fake_video_is_refused(
    page: Page, app_env: dict[str, str], tmp_path: Path
) -> None:
    course_id = new_draft_course(app_env, INSTRUCTOR, f"Uploads {uuid.uuid4().hex[:6]}")
    sign_in(page, INSTRUCTOR, demo_password(app_env, "instructor"))
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    page.goto(f"/teach/courses/{course_id}/curriculum")
    name_something(page, "Add section", "Section title", "Only section")
    name_something(page, "Add lesson to Only section", "Lesson title", "Only lesson")
    page.get_by_role("button", name="Edit lesson Only lesson").click()
    dialog = page.get_by_role("dialog", name="Edit lesson")

    fake = tmp_path / "notes.mp4"
    fake.write_text("just some text, renamed to look like a video\n" * 100)
    dialog.get_by_label("Lesson video").set_input_files(str(fake))
    expect(page.get_by_text("This file is not a video we can play.", exact=False)).to_be_visible()
    expect(dialog.get_by_text("No video yet.")).to_be_visible()

    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * (3 * 1024 * 1024))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 20, "downloadThroughput": -1,
        "uploadThroughput": 256 * 1024,
    })  # fmt: skip
    dialog.get_by_label("Lesson video").set_input_files(str(big))
    expect(dialog.get_by_text("Uploading\u2026")).to_be_visible()
    dialog.get_by_role("button", name="Cancel upload").click()
    expect(dialog.get_by_role("progressbar")).to_have_count(0)
    expect(dialog.get_by_text("No video yet.")).to_be_visible()
    temp = Path(app_env["LMS_MEDIA_DIR"], ".tmp")
    # The server notices the disconnect, then cleans up.
    eventually(lambda: not any(temp.glob("*.part")), "the cancelled upload's part file stayed")
