"""Forged events over the websocket change nothing they must not.

docs/security.md cases 21, 22 and 27.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.accounts import new_email, sign_up
from tests.e2e.conftest import db_rows
from tests.e2e.forge import send_event
from tests.e2e.smtp_sink import SmtpSink
from tests.security_rules import ADMIN, PUBLIC, RULES, TAB_ONLY, WEBSOCKET_ONLY_EXCEPTIONS

pytestmark = pytest.mark.e2e

PROTECTED_TABLES = [
    "user",
    "profile",
    "enrollment",
    "lesson_progress",
    "review",
    "course",
    "section",
    "lesson",
    "category",
    "email_otp",
    "order",
    "order_line",
    "coupon",
    "coupon_redemption",
    "cart_item",
    "wishlist_item",
    "certificate",
    "lesson_question",
    "lesson_answer",
    "question_vote",
    "lesson_note",
    "lesson_caption",
    "announcement",
    "announcement_opt_out",
    "quiz_settings",
    "quiz_question",
    "quiz_option",
    "quiz_attempt",
    "quiz_answer",
]


def fingerprint(app_env: dict[str, str]) -> str:
    """A hash of every protected row (audit rows and session touches may change)."""
    rows = {t: db_rows(app_env, f'SELECT * FROM "{t}" ORDER BY id') for t in PROTECTED_TABLES}
    rows["sessions"] = db_rows(
        app_env, "SELECT id, user_id, revoked_at FROM auth_session ORDER BY id"
    )
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


@pytest.fixture
def app_db(app_env: dict[str, str], live_app: str) -> dict[str, str]:
    """The app's settings, once it runs: `fingerprint` and `db_rows` read its database."""
    return app_env


def events_in(result: dict) -> str:
    return json.dumps([u.get("events", []) for u in result["updates"]])


# The player's handlers do nothing at all until the tab has a lesson open (no reply to
# check); tests/e2e/test_forged_personas.py forges them with the lesson open.
NEEDS_AN_OPEN_PAGE = {h for h in RULES if h.startswith("PlayerState.")}
SIGNED_IN_HANDLERS = sorted(
    h
    for h, (rule, _) in RULES.items()
    if rule != PUBLIC and h not in WEBSOCKET_ONLY_EXCEPTIONS | TAB_ONLY | NEEDS_AN_OPEN_PAGE
)
ADMIN_HANDLERS = sorted(h for h, (rule, _) in RULES.items() if rule == ADMIN)


@pytest.fixture(scope="module")
def visitor_page(browser: Browser, base_url: str, live_app: str) -> Iterator[Page]:
    """One signed-out page for all the anonymous cases: each forged event opens its own
    websocket with a fresh token, so the cases share nothing but the page's origin."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/")
    yield page
    context.close()


@pytest.mark.parametrize("handler", SIGNED_IN_HANDLERS)
def test_anonymous_forged_event_is_refused_and_changes_nothing(
    visitor_page: Page, base_url: str, app_db: dict[str, str], handler: str
) -> None:
    page = visitor_page
    before = fingerprint(app_db)
    result = send_event(page, base_url, handler, RULES[handler][1], path="/settings")
    sent_back = events_in(result)
    assert "Please sign in" in sent_back or "/login?next=" in sent_back, sent_back[:500]
    assert fingerprint(app_db) == before


def test_a_signed_in_student_sending_every_admin_event_is_refused_and_changes_nothing(
    page: Page, base_url: str, app_db: dict[str, str], smtp: SmtpSink
) -> None:
    """docs/security.md case 22: admin events by name, with forged ids, from a student's browser."""
    sign_up(page, smtp, new_email())
    before = fingerprint(app_db)
    for handler in ADMIN_HANDLERS:
        result = send_event(page, base_url, handler, RULES[handler][1], path="/admin")
        assert "do not have permission" in events_in(result), handler
    assert fingerprint(app_db) == before


def test_signed_in_student_cannot_delete_the_account_without_the_password(
    page: Page, base_url: str, app_db: dict[str, str], smtp: SmtpSink
) -> None:
    sign_up(page, smtp, new_email())
    before = fingerprint(app_db)
    result = send_event(
        page,
        base_url,
        "SettingsState.delete_account",
        {"form": {"delete_password": "not my password"}},
        path="/settings",
    )
    # The refusal is shown under the password field (a var in the delta), not as a toast.
    assert "Your password is not correct." in json.dumps(result["updates"])
    assert fingerprint(app_db) == before


def test_profile_save_ignores_role_and_status_fields(
    page: Page, base_url: str, app_db: dict[str, str], smtp: SmtpSink
) -> None:
    email = new_email()
    sign_up(page, smtp, email)
    form = {
        "first_name": "Mallory",
        "last_name": "Evil",
        "bio": "",
        "gender": "",
        "date_of_birth": "",
        "contact_number": "",
        "role": "admin",
        "is_active": False,
        "email_verified_at": None,
        "id": 1,
        "user_id": 1,
    }
    result = send_event(page, base_url, "ProfileState.save", {"form": form}, path="/profile")
    assert "Profile saved." in events_in(result)
    role, active, verified, first = db_rows(
        app_db,
        'SELECT role, is_active, email_verified_at, first_name FROM "user" WHERE email = :email',
        email=email,
    )[0]
    first_user = db_rows(app_db, 'SELECT email, first_name FROM "user" WHERE id = 1')[0]
    assert (role, active, first) == ("student", 1, "Mallory")
    assert verified is not None
    assert first_user[0] != email and first_user[1] != "Mallory"  # id=1 is someone else


def test_browser_is_no_longer_signed_in_for_events_after_sign_out_everywhere(
    page: Page, browser: Browser, base_url: str, smtp: SmtpSink
) -> None:
    """docs/security.md case 18 style: identity is re-read on every event, never cached."""
    sign_up(page, smtp, new_email())
    second = browser.new_context(base_url=base_url)
    second.add_cookies([{**c, "sameSite": c["sameSite"]} for c in page.context.cookies()])
    tab2 = second.new_page()
    tab2.goto("/")
    ok = send_event(tab2, base_url, "DashboardState.load", {}, path="/dashboard")
    assert "/login?next=" not in events_in(ok)
    send_event(page, base_url, "SettingsState.sign_out_everywhere", {}, path="/settings")
    refused = send_event(tab2, base_url, "DashboardState.load", {}, path="/dashboard")
    assert "/login?next=" in events_in(refused)
    second.close()


def test_a_crashing_handler_shows_a_plain_message_and_the_log_keeps_the_traceback(
    page: Page, base_url: str, app_log
) -> None:
    """docs/security.md case 38: a handler given arguments it cannot take raises inside Reflex."""
    page.goto("/")
    result = send_event(
        page,
        base_url,
        "SearchState.go_to_page",
        {"page": 1, "unexpected": "argument"},
        path="/search",
    )
    sent_back = events_in(result)
    assert "An error occurred" in sent_back
    assert "Traceback" not in sent_back and 'File \\"' not in sent_back
    assert "TypeError" not in sent_back
    log = app_log.read_text()
    assert "TypeError" in log and "unexpected" in log
