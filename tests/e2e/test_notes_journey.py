"""Issue 21 in Chromium: a note is taken at a second, then clicked and the video seeks there.

The student also edits it, is told plainly about an empty note, searches their notes across
the course (a hit opens its lesson at that second), exports them as Markdown and deletes
one after a confirmation (docs/security.md case 76).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_email, sign_up
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

SLUG = "spanish-for-travellers"  # free, two video lessons: "Greetings", "Numbers and prices"
VIDEO = "#lesson-video video"


def video_ready(page: Page) -> None:
    page.wait_for_function(
        f"() => {{ const v = document.querySelector('{VIDEO}'); return v && v.readyState >= 1; }}"
    )


def seek(page: Page, seconds: float) -> None:
    """Move the paused video, as a student dragging the bar would."""
    page.evaluate(f"() => {{ document.querySelector('{VIDEO}').currentTime = {seconds}; }}")
    at(page, seconds)


def at(page: Page, seconds: float) -> None:
    """Wait until the video stands at `seconds` (the browser may round a little)."""
    page.wait_for_function(
        f"() => Math.abs(document.querySelector('{VIDEO}').currentTime - {seconds}) < 0.3"
    )


def add_note(page: Page, text: str) -> None:
    page.get_by_label("Note at the current time").fill(text)
    page.get_by_role("button", name="Add note").click()


def assert_notes_beside_then_below(page: Page) -> None:
    """Beside the video on a wide screen; under it on a phone."""
    video, notes = page.locator("#lesson-video"), page.get_by_role("region", name="My notes")
    wide = page.viewport_size
    assert notes.bounding_box()["x"] >= video.bounding_box()["x"] + video.bounding_box()["width"]
    page.set_viewport_size({"width": 390, "height": 844})
    expect(notes).to_be_visible()
    video_box = video.bounding_box()
    assert notes.bounding_box()["y"] >= video_box["y"] + video_box["height"]
    if wide:
        page.set_viewport_size(wide)


def test_a_note_taken_at_a_second_seeks_the_video_there(
    page: Page, smtp: SmtpSink, check_a11y
) -> None:
    sign_up(page, smtp, new_email("notetaker"))
    page.goto(f"/courses/{SLUG}")
    page.get_by_role("button", name="Enroll for free").click()
    page.get_by_role("link", name="Go to course").click()
    expect(page).to_have_url(re.compile(rf"/learn/{SLUG}/\d+$"))
    first_lesson = page.url
    video_ready(page)
    notes = page.get_by_role("region", name="My notes")
    expect(notes.get_by_text("No notes on this lesson yet.")).to_be_visible()

    add_note(page, "   ")  # refused next to the field, nothing saved
    expect(page.get_by_text("Please write the note.")).to_be_visible()
    expect(page.get_by_label("Note at the current time")).to_be_focused()

    seek(page, 2.4)
    add_note(page, "Hola <b>means</b> hello")
    expect(page.get_by_role("button", name="Play from 0:02")).to_be_visible()
    expect(notes.get_by_text("Hola <b>means</b> hello")).to_be_visible()  # text, not markup
    expect(page.get_by_label("Note at the current time")).to_have_value("")
    check_a11y(page)
    assert_notes_beside_then_below(page)

    seek(page, 0.5)
    page.get_by_role("button", name="Play from 0:02").click()
    at(page, 2)

    page.get_by_role("button", name="Edit note at 0:02").click()
    page.get_by_label("Text of the note at 0:02").fill("Hola = hello, informal")
    page.get_by_role("button", name="Save note").click()
    expect(notes.get_by_text("Hola = hello, informal")).to_be_visible()

    # A note on the next lesson, then a search across the course opens the first one there.
    page.get_by_role("link", name="Next lesson").click()
    expect(page.get_by_role("heading", level=1, name="Numbers and prices")).to_be_visible()
    video_ready(page)
    seek(page, 3.2)
    add_note(page, "Dos means two")
    expect(page.get_by_role("button", name="Play from 0:03")).to_be_visible()
    page.get_by_label("Search my notes in this course").fill("HOLA")
    page.get_by_role("button", name="Search notes").click()
    hit = notes.get_by_role("link", name="Greetings \u00b7 0:02")
    expect(hit).to_be_visible()
    expect(notes.get_by_role("link", name=re.compile("Numbers and prices"))).to_have_count(0)

    with page.expect_download() as download:
        page.get_by_role("button", name="Export notes as Markdown").click()
    assert download.value.suggested_filename == f"notes-{SLUG}.md"
    markdown = Path(download.value.path()).read_text()
    assert markdown.startswith("# My notes: Spanish for Travellers")
    assert re.search(r"## Greetings\n\n- \[0:02\]\(\S+\?t=2\) Hola = hello, informal", markdown)
    assert re.search(r"## Numbers and prices\n\n- \[0:03\]\(\S+\?t=3\) Dos means two", markdown)

    hit.click()
    expect(page).to_have_url(f"{first_lesson}?t=2")
    expect(page.get_by_role("heading", level=1, name="Greetings")).to_be_visible()
    video_ready(page)
    at(page, 2)

    page.get_by_role("button", name="Delete note at 0:02").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Delete the note at 0:02?")
    dialog.get_by_role("button", name="Delete note").click()
    expect(notes.get_by_text("No notes on this lesson yet.")).to_be_visible()
