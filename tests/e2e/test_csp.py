"""The built pages run under the Content-Security-Policy with no violation, in Chromium.

docs/security.md, "Response headers": the policy is enforced (not report-only); a page
that needed more than it allows would log a violation here. Every other e2e test is
watched too (tests/e2e/conftest.py::_no_csp_violations).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import sign_in
from tests.e2e.conftest import wait_for_app
from tests.e2e.csp import Violations

pytestmark = pytest.mark.e2e

COURSE = "/courses/git-and-github-essentials"
VIDEO = "#lesson-video video"


def visit(page: Page, violations: Violations, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    csp = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp, f"{path} has no enforced policy"
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src "))
    assert "'sha256-" in script_src and "'unsafe-inline'" not in script_src, script_src
    assert response.headers.get("x-frame-options") == "DENY"
    wait_for_app(page)
    violations.check()


def demo_password(app_env: dict[str, str], role: str) -> str:
    lines = Path(app_env["LMS_DATA_DIR"], "demo-passwords.txt").read_text().splitlines()
    return next(line.split("=", 1)[1] for line in lines if line.startswith(f"{role}="))


def test_public_pages_and_the_player_run_under_the_policy(page: Page) -> None:
    violations = Violations(page)
    for path in ("/", COURSE, "/search?q=python", "/login", "/signup", "/no-such-page"):
        visit(page, violations, path)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()

    visit(page, violations, COURSE)
    page.get_by_role("link", name=re.compile("^Watch the free preview")).first.click()
    page.wait_for_function(
        f"() => {{ const v = document.querySelector('{VIDEO}'); return v && v.readyState >= 1; }}"
    )
    violations.check()  # the player's key script arrived through call_script (eval)
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => document.querySelector('{VIDEO}').currentTime > 0.5")
    violations.check()


def test_signed_in_pages_run_under_the_policy_and_sign_out_works(
    page: Page, app_env: dict[str, str]
) -> None:
    violations = Violations(page)
    sign_in(page, "ada.instructor@demo.lms", demo_password(app_env, "instructor"))
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    violations.check()
    for path in ("/dashboard", "/teach", "/settings", "/profile", COURSE):
        visit(page, violations, path)
    page.get_by_role("button", name="Sign out", exact=True).click()  # a same-origin POST
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    violations.check()


def test_a_cross_site_sign_out_is_refused(page: Page, app_env: dict[str, str]) -> None:
    sign_in(page, "ada.instructor@demo.lms", demo_password(app_env, "instructor"))
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    forged = page.context.request.post(
        "/api/auth/logout", headers={"Origin": "https://evil.example"}, max_redirects=0
    )
    assert forged.status == 403
    page.goto("/dashboard")
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()  # still in
