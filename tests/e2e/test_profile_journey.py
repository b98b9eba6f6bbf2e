"""A student fills in the profile and uploads a photo; it is kept and shown in the top bar."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.accounts import new_email, sign_up
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e


def make_photo(path: Path) -> Path:
    image = Image.new("RGB", (640, 480), (200, 80, 40))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_profile_details_and_photo_are_saved(
    page: Page, smtp: SmtpSink, tmp_path: Path, check_a11y
) -> None:
    sign_up(page, smtp, new_email())
    page.goto("/profile")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_a11y(page)  # possibly while the profile is still loading: the spinner must pass too
    expect(page.get_by_label("About you")).to_be_visible()
    check_a11y(page)

    page.get_by_label("About you").fill("I teach <b>chemistry</b> & write code.")
    page.get_by_label("Date of birth").fill("1990-05-17")
    page.get_by_label("Contact number").fill("+44 (20) 7946-0958")
    page.get_by_label("Gender").select_option("female")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()

    page.locator("input[type=file]").set_input_files(str(make_photo(tmp_path / "me.png")))
    page.get_by_role("button", name="Upload photo").click()
    photo = page.get_by_role("img", name="Your profile photo")
    expect(photo).to_be_visible()
    src = photo.get_attribute("src") or ""
    assert re.search(r"/api/media/avatars/[0-9a-f]{32}\.(webp|jpg)$", src)
    assert page.request.get(src).status == 200

    page.reload()
    expect(page.get_by_label("About you")).to_have_value("I teach <b>chemistry</b> & write code.")
    expect(page.get_by_label("Contact number")).to_have_value("+442079460958")
    expect(page.get_by_label("Date of birth")).to_have_value("1990-05-17")
    expect(page.get_by_role("img", name="Your profile photo")).to_be_visible()
    avatar_in_bar = page.get_by_role("banner").locator(f'img[src="{src}"]')
    expect(avatar_in_bar).to_have_count(1)


def test_a_text_file_dressed_as_a_photo_is_refused_with_a_plain_message(
    page: Page, smtp: SmtpSink, tmp_path: Path
) -> None:
    sign_up(page, smtp, new_email())
    page.goto("/profile")
    fake = tmp_path / "photo.png"
    fake.write_text("<svg onload=alert(1)></svg>")
    page.locator("input[type=file]").set_input_files(str(fake))
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_text(re.compile("JPEG, PNG or WEBP", re.I)).last).to_be_visible()
    expect(page.get_by_role("img", name="Your profile photo")).to_have_count(0)
