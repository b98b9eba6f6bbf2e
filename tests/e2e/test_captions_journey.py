"""Issue 21 in Chromium: an instructor adds captions, a student turns them on in the player.

The instructor's SRT file (with a <script> in a cue) is refused once for a bad time, then
stored as clean WebVTT; the publish step warns about the lesson still without captions; an
enrolled student picks the language in the captions menu, the cue's text is in the showing
track, and the choice is applied again after a reload (docs/security.md, "Captions").
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import sign_in, sign_out
from tests.e2e.conftest import db_rows
from tests.e2e.personas import create_user, hand_course_to, run_python

pytestmark = pytest.mark.e2e

COURSE_SLUG = "product-management-101"  # a demo draft; no other journey uses it
LESSON = "Talking to users"
CUE_TEXT = "Bonjour tout le monde"
GOOD_SRT = (
    f"1\n00:00:00,200 --> 00:00:05,000\n{CUE_TEXT} <script>alert(1)</script>\n\n"
    "2\n00:00:05,000 --> 00:00:08,000\nAu revoir\n"
).encode()
BAD_SRT = b"1\n00:00:01,000 --> 00:00:99,000\nNever shown\n"

SHOWING_CUES = """() => {
  const v = document.querySelector('#lesson-video video');
  const t = v && Array.from(v.textTracks).find(t => t.mode === 'showing');
  return !!t && t.language === 'fr' && !!t.cues
    && Array.from(t.cues).map(c => c.text).join('|');
}"""


def _enroll(app_env: dict[str, str], user_id: int) -> None:
    run_python(
        app_env,
        "from sqlmodel import select\n"
        "from lms_reflex.db import session_scope\n"
        "from lms_reflex.models import Course, Enrollment\n"
        "with session_scope() as s:\n"
        f"    c = s.exec(select(Course).where(Course.slug == {COURSE_SLUG!r})).one()\n"
        f"    s.add(Enrollment(user_id={user_id}, course_id=c.id))\n",
    )


def _choose_file(page: Page, name: str, data: bytes) -> None:
    page.get_by_label("Caption file").set_input_files(
        files=[{"name": name, "mimeType": "application/x-subrip", "buffer": data}]
    )
    expect(page.get_by_text(f"Selected: {name}")).to_be_visible()
    page.get_by_role("button", name="Upload captions").click()


def add_captions(page: Page, course_id: int, check_a11y) -> None:
    """In the lesson editor: a refused file first, then French captions from an SRT."""
    page.goto(f"/teach/courses/{course_id}/curriculum")
    page.get_by_role("button", name=f"Edit lesson {LESSON}").click()
    dialog = page.get_by_role("dialog", name="Edit lesson")
    expect(dialog.get_by_role("heading", name="Captions")).to_be_visible()
    expect(dialog.get_by_text("No captions yet.")).to_be_visible()
    dialog.get_by_label("Caption language").select_option("fr")
    _choose_file(page, "broken.srt", BAD_SRT)
    refusal = dialog.get_by_text("Caption 1 has a time we cannot read")
    expect(refusal).to_be_visible()
    expect(refusal).to_have_attribute("role", "alert")
    _choose_file(page, "french.srt", GOOD_SRT)
    tracks = dialog.get_by_role("list", name="Caption tracks")
    expect(tracks).to_contain_text("Français (fr)")
    expect(tracks).to_contain_text("2 captions")
    expect(refusal).to_have_count(0)
    expect(page.get_by_text("Captions in Français saved.")).to_be_hidden()
    check_a11y(page)


def test_a_student_turns_on_captions_the_instructor_uploaded(
    page: Page, app_env: dict[str, str], check_a11y
) -> None:
    teacher, teacher_id = create_user(app_env, "instructor", "captioner")
    hand_course_to(app_env, COURSE_SLUG, teacher_id)
    [(course_id,)] = db_rows(app_env, "SELECT id FROM course WHERE slug = :s", s=COURSE_SLUG)
    [(lesson_id,)] = db_rows(app_env, "SELECT id FROM lesson WHERE title = :t", t=LESSON)
    sign_in(page, teacher)
    page.wait_for_url(lambda url: "/login" not in url)
    add_captions(page, course_id, check_a11y)
    [(stored,)] = db_rows(app_env, "SELECT file_key FROM lesson_caption")
    assert re.fullmatch(r"captions/[0-9a-f]{32}\.vtt", stored)

    page.goto(f"/teach/courses/{course_id}/publish")
    advice = page.get_by_role("listitem").filter(has_text="Captions for every video lesson")
    expect(advice).to_contain_text("Recommended")
    expect(advice).to_contain_text("Finding the problem")  # the lesson still without captions
    sign_out(page)

    student, student_id = create_user(app_env, "student", "captionreader")
    _enroll(app_env, student_id)
    sign_in(page, student)
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"/learn/{COURSE_SLUG}/{lesson_id}")
    menu = page.get_by_label("Captions", exact=True)
    expect(menu).to_have_value("off")
    menu.select_option(label="Français")
    texts = page.wait_for_function(SHOWING_CUES).json_value()
    assert CUE_TEXT in texts and "Au revoir" in texts and "<script" not in texts
    page.evaluate("document.querySelector('#lesson-video video').currentTime = 1.5")
    page.wait_for_function(
        "() => { const t = Array.from(document.querySelector('#lesson-video video').textTracks)"
        ".find(t => t.mode === 'showing'); return !!t && !!t.activeCues"
        f" && Array.from(t.activeCues).some(c => c.text.includes({CUE_TEXT!r})); }}"
    )
    check_a11y(page)

    page.reload()  # the choice is kept in this browser and applied again
    expect(page.get_by_label("Captions", exact=True)).to_have_value("fr")
    assert CUE_TEXT in page.wait_for_function(SHOWING_CUES).json_value()
