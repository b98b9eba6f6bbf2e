"""The REST API in the running app, and "Apps and devices" in settings (docs/security.md case 54).

A token from /api/v1/auth/token shows up in settings as a device; signing it out there
(after a confirmation) stops its access token at once; a forged event naming another
user's device changes nothing.
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accounts import PASSWORD, new_email, sign_up
from tests.e2e.conftest import SCALED
from tests.e2e.forge import send_event
from tests.e2e.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e
WORKER = "x-lms-worker"
WORKER_ATTEMPTS = 10


def _token(base_url: str, email: str, device: str) -> str:
    resp = httpx.post(
        f"{base_url}/api/v1/auth/token",
        json={"email": email, "password": PASSWORD, "device_name": device},
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def _me(base_url: str, token: str) -> int:
    return httpx.get(
        f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}
    ).status_code


def test_a_device_signed_in_over_the_api_is_listed_and_revocable(
    page: Page, base_url: str, smtp: SmtpSink, check_a11y
) -> None:
    email = new_email()
    sign_up(page, smtp, email)
    token = _token(base_url, email, "Grace's phone")
    assert _me(base_url, token) == 200
    page.goto("/settings")
    expect(page.get_by_role("heading", name="Apps and devices")).to_be_visible()
    expect(page.get_by_role("table").get_by_role("rowheader", name="Grace's phone")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name="Sign out Grace's phone").click()
    dialog = page.get_by_role("alertdialog", name="Sign this device out?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    check_a11y(page)
    dialog.get_by_role("button", name="Cancel").click()
    assert _me(base_url, token) == 200
    page.get_by_role("button", name="Sign out Grace's phone").click()
    dialog.get_by_role("button", name="Sign out device").click()
    expect(page.get_by_text("That device is signed out.")).to_be_visible()
    expect(page.get_by_text("No app or device is signed in through the API.")).to_be_visible()
    assert _me(base_url, token) == 401


def test_a_forged_event_cannot_sign_out_another_users_device(
    page: Page, browser, base_url: str, smtp: SmtpSink
) -> None:
    victim = new_email("victim")
    other = browser.new_context(base_url=base_url).new_page()
    sign_up(other, smtp, victim)
    token = _token(base_url, victim, "victim laptop")
    devices = httpx.get(
        f"{base_url}/api/v1/me/devices", headers={"Authorization": f"Bearer {token}"}
    ).json()
    sign_up(page, smtp, new_email("mallory"))
    result = send_event(
        page,
        base_url,
        "SettingsState.revoke_device",
        {"device_id": devices[0]["id"]},
        path="/settings",
    )
    assert "could not find that device" in str(result["updates"])
    assert _me(base_url, token) == 200


def test_the_api_document_and_docs_are_served_by_the_app(base_url: str) -> None:
    spec = httpx.get(f"{base_url}/api/v1/openapi.json")
    assert spec.status_code == 200 and "/courses" in spec.json()["paths"]
    docs = httpx.get(f"{base_url}/api/v1/docs")
    assert docs.status_code == 200 and "GET /api/v1/courses" in docs.text
    assert "content-security-policy" in docs.headers and "<script" not in docs.text
    courses = httpx.get(f"{base_url}/api/v1/courses", params={"limit": 2}).json()
    assert courses["total"] > 0 and len(courses["items"]) == 2


def test_refresh_reuse_on_another_worker_revokes_the_family(
    page: Page, base_url: str, smtp: SmtpSink
) -> None:
    """The spent token comes back through another worker (scaled mode: 3 workers, Redis,
    PostgreSQL); the family is read from the database, so it dies there too."""
    email = new_email("refresh")
    sign_up(page, smtp, email)
    body = {"email": email, "password": PASSWORD, "device_name": "race"}

    def post(path: str, payload: dict) -> httpx.Response:
        # A new connection each time: a kept-alive one stays on the worker that accepted it.
        return httpx.post(f"{base_url}/api/v1{path}", json=payload)

    for _ in range(WORKER_ATTEMPTS):
        pair = post("/auth/token", body).json()
        honest = post("/auth/refresh", {"refresh_token": pair["refresh_token"]})
        assert honest.status_code == 200, honest.text
        reuse = post("/auth/refresh", {"refresh_token": pair["refresh_token"]})
        assert reuse.status_code == 401
        newer = honest.json()
        later = post("/auth/refresh", {"refresh_token": newer["refresh_token"]})
        assert later.status_code == 401  # the honest newer token died with its family
        assert _me(base_url, newer["access_token"]) == 401
        if not SCALED or honest.headers[WORKER] != reuse.headers[WORKER]:
            return
    raise AssertionError("every refresh landed on the same worker")
