"""Hostile text in every field a user writes, shown on every page, in Chromium (case 35).

`<script>`, `<img onerror>`, `javascript:` links (plain and markdown) and 5,000 characters
without a space go into names, bio, course title, subtitle and description, section titles,
lesson titles and descriptions, a review and its reply, and a category's name and
description. They are written straight into the app's database, so the pages are tested on
whatever a service might let through now or later. Every page that shows them is then opened
by whoever may see it; each payload would set `window.__pwned` or open a dialog if it ran.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.accounts import sign_in
from tests.e2e.personas import create_user, hand_course_to, run_python, target

pytestmark = pytest.mark.e2e

MARK = "Zq7"  # in every payload: proves the text reached the page as text
SCRIPT = '<script>window.__pwned="script"</script>'
IMG = "<img src=x onerror=\"window.__pwned='img'\">"
JS_LINK = 'javascript:window.__pwned="js"//'
MD_LINK = '[open me](javascript:window.__pwned="md") <a href="javascript:window.__pwned=!0">a</a>'
LONG = "W" * 5000
SHORT = f"{MARK} {SCRIPT}{IMG} {JS_LINK} " + "T" * 200  # titles and names
TEXT = f"{MARK} {SCRIPT} {IMG} {JS_LINK} {MD_LINK} {LONG}"  # descriptions, bio, reviews

COURSE_SLUG = "ui-design-fundamentals"  # free and published; no other journey uses it
CATEGORY_SLUG = "hostile-category"

WRITE = f"""
from sqlmodel import select
from lms_reflex.db import session_scope
from lms_reflex.models import (
    Category, Course, Enrollment, Lesson, Profile, Review, Section, User,
)
SHORT, TEXT = {SHORT!r}, {TEXT!r}
def fit(model, name, text):
    # PostgreSQL enforces VARCHAR lengths (SQLite does not): keep each payload's start.
    limit = getattr(model.__table__.c[name].type, "length", None)
    return text[:limit] if limit else text
with session_scope() as s:
    cat = Category(
        name=fit(Category, "name", SHORT), slug={CATEGORY_SLUG!r},
        description=fit(Category, "description", TEXT), position=99,
    )
    s.add(cat)
    s.flush()
    c = s.exec(select(Course).where(Course.slug == {COURSE_SLUG!r})).one()
    c.title, c.subtitle = fit(Course, "title", SHORT), fit(Course, "subtitle", SHORT)
    c.description, c.category_id = fit(Course, "description", TEXT), cat.id
    for sec in s.exec(select(Section).where(Section.course_id == c.id)):
        sec.title = fit(Section, "title", SHORT)
        for lesson in s.exec(select(Lesson).where(Lesson.section_id == sec.id)):
            lesson.title = fit(Lesson, "title", SHORT)
            lesson.description = fit(Lesson, "description", TEXT)
    for user_id in (TEACHER, STUDENT):
        u = s.get(User, user_id)
        u.first_name = fit(User, "first_name", SHORT)
        u.last_name = fit(User, "last_name", IMG_NAME)
        p = s.exec(select(Profile).where(Profile.user_id == user_id)).first()
        p = p or Profile(user_id=user_id)
        p.bio = fit(Profile, "bio", TEXT)
        s.add(p)
    s.add(Enrollment(user_id=STUDENT, course_id=c.id))
    s.add(Review(
        user_id=STUDENT, course_id=c.id, rating=1,
        body=fit(Review, "body", TEXT), instructor_reply=fit(Review, "instructor_reply", TEXT),
    ))
"""


@pytest.fixture(scope="module")
def hostile(app_env: dict[str, str], live_app: str) -> dict[str, Any]:
    """The hostile people and course, written once for the module."""
    admin = create_user(app_env, "admin", "admin")
    teacher = create_user(app_env, "instructor", "hostile")
    student = create_user(app_env, "student", "hostile")
    hand_course_to(app_env, COURSE_SLUG, teacher[1])
    code = WRITE.replace("TEACHER", str(teacher[1])).replace("STUDENT", str(student[1]))
    run_python(app_env, code.replace("IMG_NAME", repr(IMG + "N" * 200)))
    return {
        "admin": admin[0],
        "teacher": teacher,
        "student": student[0],
        "course": target(app_env, COURSE_SLUG),
    }


class Watch:
    """One browser page that records dialogs; `visit` checks a page after it settles."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.context = browser.new_context(base_url=base_url)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", self._dialog)
        self.overflow: dict[str, int] = {}

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def visit(self, path: str, *, shows_it: bool = True) -> None:
        self.page.goto(path)
        self.page.wait_for_load_state("networkidle")
        self.check(path, shows_it=shows_it)

    def check(self, where: str, *, shows_it: bool = True) -> None:
        page = self.page
        if shows_it:  # the page's data comes over the websocket, after "networkidle"
            try:
                page.wait_for_function(SHOWN, arg=MARK, timeout=15_000)
            except PlaywrightTimeout:
                text = page.inner_text("body")[:600]
                pytest.fail(f"the hostile text is not shown as text on {where}: {text}")
        assert page.evaluate("() => window.__pwned") is None, f"script ran on {where}"
        assert self.dialogs == [], f"dialog on {where}: {self.dialogs}"
        dangerous = "img[src='x'], [onerror], a[href^='javascript' i], script:not([src])"
        injected = page.evaluate(INJECTED, dangerous)
        assert injected == [], f"{where} has injected elements: {injected}"
        wide = page.evaluate(OVERFLOW)
        if wide > 1:
            self.overflow[where] = page.evaluate(WIDEST)


# Shown as text: in the page's text or in a form field's value (the editors).
SHOWN = """(mark) => document.body.innerText.includes(mark) ||
  [...document.querySelectorAll('input, textarea')].some((e) => e.value.includes(mark))"""
# Injected: elements a payload would make, other than the app's own inline scripts.
INJECTED = """(sel) => [...document.querySelectorAll(sel)]
  .filter((e) => !(e.tagName === 'SCRIPT' && !e.textContent.includes('__pwned')))
  .map((e) => e.outerHTML.slice(0, 120))"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# For the failure message: the innermost elements that stick out of the window.
WIDEST = """() => { const out = (e) => e.getBoundingClientRect().right > window.innerWidth + 1;
  return [...document.querySelectorAll('body *')].filter(out)
  .filter((e) => ![...e.children].some(out))
  .slice(0, 3).map((e) => e.tagName + '.' + e.className); }"""


@pytest.fixture
def watch(browser: Browser, base_url: str) -> Iterator[Watch]:
    w = Watch(browser, base_url)
    yield w
    w.context.close()


def _signed_in(w: Watch, email: str) -> None:
    sign_in(w.page, email)
    w.page.wait_for_url(lambda url: "/login" not in url)


def test_a_visitor_sees_hostile_text_as_text_everywhere(
    hostile: dict[str, Any], watch: Watch
) -> None:
    t = hostile["course"]
    for path in (
        "/",
        f"/search?q={MARK}",
        f"/categories/{CATEGORY_SLUG}",
        f"/courses/{t.slug}",
        f"/learn/{t.slug}/{t.preview_lesson}",
        f"/instructors/{t.instructor_id}",
    ):
        watch.visit(path)
    assert watch.overflow == {}


def test_the_hostile_student_sees_their_own_text_as_text(
    hostile: dict[str, Any], watch: Watch
) -> None:
    t = hostile["course"]
    _signed_in(watch, hostile["student"])
    for path in ("/dashboard", "/profile", f"/courses/{t.slug}", f"/learn/{t.slug}/{t.lesson_id}"):
        watch.visit(path)
    assert watch.overflow == {}


def test_the_instructor_sees_hostile_text_as_text_in_every_builder_step(
    hostile: dict[str, Any], watch: Watch
) -> None:
    t = hostile["course"]
    _signed_in(watch, hostile["teacher"][0])
    base = f"/teach/courses/{t.course_id}"
    for path in ("/teach", f"{base}/edit", f"{base}/curriculum", f"{base}/publish",
                 f"{base}/analytics", "/profile"):  # fmt: skip
        watch.visit(path)
    assert watch.overflow == {}


def test_an_admin_sees_hostile_text_as_text_in_the_console(
    hostile: dict[str, Any], watch: Watch
) -> None:
    _signed_in(watch, hostile["admin"])
    for path in ("/admin/users", "/admin/categories"):
        watch.visit(path)
    watch.visit("/admin/audit", shows_it=False)  # names no user text; checked for script only
    page = watch.page
    page.goto("/admin/courses")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Search course titles").fill(MARK)
    page.get_by_role("button", name="Search courses").click()
    page.wait_for_load_state("networkidle")
    page.get_by_text(MARK).first.wait_for()
    watch.check("/admin/courses")
    assert watch.overflow == {}
