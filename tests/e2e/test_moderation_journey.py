"""Issue 15, items 3 and 6, in the running app (docs/security.md, moderation and staff).

A course an admin took down stays down: the instructor sees why on the Publish step,
cannot publish it (not even by re-enabling the button), asks for a review, the admin lifts
the hold, and only then does Publish work. And a demoted instructor's open analytics tab
loses the course, with its student names, at its next event.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from tests.e2e.accounts import sign_in
from tests.e2e.conftest import _engine, db_rows
from tests.e2e.forge import full_handler_name
from tests.e2e.smtp_sink import SmtpSink
from tests.e2e.test_admin_journey import INSTRUCTOR, _instructor_password, _make_admin

pytestmark = pytest.mark.e2e

HELD_SLUG, HELD_TITLE = "machine-learning-foundations", "Machine Learning Foundations"
STAFF_SLUG = "data-analysis-with-pandas"
REASON = "Lesson 3 copies a paid course word for word."


def _course_id(app_env: dict[str, str], slug: str) -> int:
    [(course_id,)] = db_rows(app_env, "SELECT id FROM course WHERE slug = :s", s=slug)
    return int(course_id)


def _status(app_env: dict[str, str], slug: str) -> str:
    [(status,)] = db_rows(app_env, "SELECT status FROM course WHERE slug = :s", s=slug)
    return str(status)


def _instructor(browser: Browser, base_url: str, app_env: dict[str, str]) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    sign_in(page, INSTRUCTOR, _instructor_password(app_env))
    expect(page).to_have_url(re.compile(r"/teach/?$"))
    return page


# Two events on one websocket (one token): open the Publish step of the course, then press
# Publish, as a tab whose disabled button was bypassed would; then a marker to wait for.
_FORGE_JS = """
async ([url, events, marker]) => await new Promise((resolve) => {
  const ws = new WebSocket(url);
  const updates = [];
  const NS = "/_event,";
  const finish = () => { try { ws.close(); } catch (e) {} resolve(JSON.stringify(updates)); };
  setTimeout(finish, 20000);
  ws.onmessage = (msg) => {
    const data = String(msg.data);
    if (data === "2") { ws.send("3"); return; }
    if (data.startsWith("0")) { ws.send("40" + NS); return; }
    if (data.startsWith("40" + NS)) {
      for (const e of events) ws.send("42" + NS + JSON.stringify(["event", e]));
      return;
    }
    if (data.startsWith("42" + NS)) {
      if (data.includes(marker)) { finish(); return; }
      updates.push(JSON.parse(data.slice(2 + NS.length))[1]);
    }
  };
});
"""


def _forge_publish(page: Page, base_url: str, course_id: int) -> str:
    """Everything the server answered to PublishState.load then .publish on one socket."""
    path = f"/teach/courses/{course_id}/publish"
    router = {"pathname": "/teach/courses/[id]/publish", "asPath": path,
              "query": {"id": str(course_id)}}  # fmt: skip
    marker = f"barrier{uuid.uuid4().hex}"
    barrier = {"pathname": "/search", "asPath": f"/search?q={marker}", "query": {"q": marker}}
    events = [
        {"name": full_handler_name("PublishState.load"), "payload": {}, "router_data": router},
        {"name": full_handler_name("PublishState.publish"), "payload": {}, "router_data": router},
        {"name": full_handler_name("SearchState.load"), "payload": {}, "router_data": barrier},
    ]
    url = (
        base_url.replace("http", "ws", 1)
        + f"/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}"
    )
    return page.evaluate(_FORGE_JS, [url, events, marker])


def _find_course(page: Page, title: str) -> None:
    page.get_by_label("Search course titles").fill(title)
    page.get_by_role("button", name="Search courses").click()
    expect(page.get_by_text("1 course found", exact=True)).to_be_visible()


def test_a_moderated_course_stays_down_until_an_admin_lifts_it(
    page: Page,
    browser: Browser,
    base_url: str,
    app_env: dict[str, str],
    smtp: SmtpSink,
    check_a11y,
) -> None:
    admin_email = _make_admin(app_env)
    course_id = _course_id(app_env, HELD_SLUG)

    # The admin unpublishes the course with a reason.
    sign_in(page, admin_email)
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    page.goto("/admin/courses")
    _find_course(page, HELD_TITLE)
    page.get_by_role("button", name=f"Unpublish {HELD_TITLE}").click()
    page.get_by_label("Reason for the instructor").fill(REASON)
    page.get_by_role("button", name="Unpublish and tell the instructor").click()
    expect(page.get_by_text("Course unpublished; the instructor was told why.")).to_be_visible()
    expect(page.get_by_text("On hold", exact=True)).to_be_visible()

    # The instructor sees why on the Publish step and cannot publish.
    teacher = _instructor(browser, base_url, app_env)
    teacher.goto(f"/teach/courses/{course_id}/publish")
    notice = teacher.get_by_role("region", name="Moderation")
    expect(notice).to_contain_text(REASON)
    expect(teacher.get_by_role("button", name="Publish", exact=True)).to_be_disabled()
    check_a11y(teacher)
    refused = _forge_publish(teacher, base_url, course_id)
    assert "An administrator took this course down" in refused, refused[:500]
    assert _status(app_env, HELD_SLUG) == "draft"

    # The instructor asks for a review; every admin is mailed.
    teacher.get_by_label("What did you change?").fill("I rewrote lesson 3 from scratch.")
    teacher.get_by_role("button", name="Ask for review").click()
    expect(teacher.get_by_text("Your request was sent to the administrators.")).to_be_visible()
    expect(notice).to_contain_text("You asked for a review on")
    mail = smtp.wait_for(admin_email, subject_contains="Review requested")
    assert "rewrote lesson 3" in mail.get_body(preferencelist=("plain",)).get_content()

    # The admin sees the request and lifts the hold; the instructor is mailed.
    page.reload()
    _find_course(page, HELD_TITLE)
    expect(page.get_by_text("I rewrote lesson 3 from scratch.")).to_be_visible()
    check_a11y(page)
    page.get_by_role("button", name=f"Lift moderation of {HELD_TITLE}").click()
    expect(page.get_by_text("Moderation lifted; the instructor may publish again.")).to_be_visible()
    expect(page.get_by_text("On hold", exact=True)).to_have_count(0)
    smtp.wait_for(INSTRUCTOR, subject_contains="You can publish again")
    assert _status(app_env, HELD_SLUG) == "draft"  # lifting does not publish by itself

    # Now the instructor publishes.
    teacher.reload()
    expect(teacher.get_by_role("region", name="Moderation")).to_have_count(0)
    teacher.get_by_role("button", name="Publish", exact=True).click()
    expect(teacher.get_by_text("The course is published.")).to_be_visible()
    assert _status(app_env, HELD_SLUG) == "published"
    actions = {a for (a,) in db_rows(app_env, "SELECT action FROM audit_event")}
    assert {"course_review_requested", "course_moderation_lifted"} <= actions


@pytest.fixture
def demoted_later(app_env: dict[str, str]) -> Iterator[None]:
    """Give the demo instructor their role back, whatever the test did."""
    yield
    with _engine(app_env["LMS_DATABASE_URL"]).begin() as conn:
        conn.execute(
            text("UPDATE \"user\" SET role = 'instructor' WHERE email = :e"), {"e": INSTRUCTOR}
        )


def test_a_demoted_instructors_open_analytics_tab_is_refused_at_its_next_event(
    browser: Browser, base_url: str, app_env: dict[str, str], demoted_later: None
) -> None:
    course_id = _course_id(app_env, STAFF_SLUG)
    names = db_rows(
        app_env,
        'SELECT u.first_name, u.last_name FROM enrollment e JOIN "user" u ON u.id = e.user_id'
        " WHERE e.course_id = :c ORDER BY u.id LIMIT 1",
        c=course_id,
    )
    assert names, "the demo seed enrolls students in this course"
    student_name = f"{names[0][0]} {names[0][1]}"
    teacher = _instructor(browser, base_url, app_env)
    teacher.goto(f"/teach/courses/{course_id}/analytics")
    table = teacher.get_by_role("table", name="Students by progress (names only)")
    expect(table).to_contain_text(student_name)

    # An admin demotes them (the role is read from the database on every event).
    with _engine(app_env["LMS_DATABASE_URL"]).begin() as conn:
        conn.execute(
            text("UPDATE \"user\" SET role = 'student' WHERE email = :e"), {"e": INSTRUCTOR}
        )

    teacher.reload()  # the same tab, the same token: its next event
    expect(teacher.get_by_role("heading", level=1, name="Course not found")).to_be_visible()
    expect(teacher.get_by_text(student_name)).to_have_count(0)
    teacher.goto(f"/teach/courses/{course_id}/publish")
    expect(teacher.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
