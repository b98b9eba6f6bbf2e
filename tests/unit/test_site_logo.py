"""LMS_SITE_LOGO (issue 17): a PNG or SVG file, served at /api/site/logo with a policy that
runs nothing, and shown at the top of every mail."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.mail import signup_code_mail
from lms_reflex.settings import ConfigError, Settings

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>'


def test_no_logo_is_the_default_and_the_route_says_so(settings_env) -> None:
    assert settings_env().site_logo is None
    answer = TestClient(build_api()).get("/api/site/logo")
    assert answer.status_code == 404
    assert "<img" not in signup_code_mail("a@example.org", "123456").html


def test_a_logo_is_served_and_named_in_mails(settings_env, tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text(SVG)
    settings_env(site_logo=str(logo), base_url="https://lms.example.org", site_name="Acme")
    answer = TestClient(build_api()).get("/api/site/logo")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "sandbox" in answer.headers["content-security-policy"]
    assert answer.text == SVG
    html = signup_code_mail("a@example.org", "123456").html
    assert '<img src="https://lms.example.org/api/site/logo" alt="Acme" height="40">' in html


@pytest.mark.parametrize("name", ["logo.gif", "logo.html", "missing.png"])
def test_only_an_existing_png_or_svg_is_accepted(
    settings_env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    settings_env()
    if name != "missing.png":
        (tmp_path / name).write_text("x")
    monkeypatch.setenv("LMS_SITE_LOGO", str(tmp_path / name))
    with pytest.raises((ValueError, ConfigError)):
        Settings()
