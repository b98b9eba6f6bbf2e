"""Course announcements (issue 21): who may post and delete, who gets the mail, the opt-out link.

docs/security.md, "Course announcements": only the course's staff post or delete; refused
calls change nothing; the mail goes to active, enrolled students who did not opt out; the
opt-out token names one user and one course, and a changed or expired one does nothing.
"""

from __future__ import annotations

import asyncio
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, func, select

from lms_reflex.mail import Mail, set_backend
from lms_reflex.models import Announcement, AnnouncementOptOut, Course, Enrollment, Role, User
from lms_reflex.services.accounts import own_account
from lms_reflex.services.errors import (
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
    Throttled,
)
from lms_reflex.services.learning import announcements as learning
from lms_reflex.services.teaching import announcements as teaching
from lms_reflex.state.teaching import announcements as editor_state
from tests.unit.catalog_fixtures import actor, add_course, add_user
from tests.unit.conftest import Clock


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Session:
    """The same tests on SQLite and, when LMS_TEST_POSTGRES_URL is set, on PostgreSQL."""
    return request.getfixturevalue("session" if request.param == "sqlite" else "pg_session")


class World:
    """A course with its instructor, two enrolled students and people around it."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.teacher = add_user(db, "teacher@example.org", Role.INSTRUCTOR)
        self.other_teacher = add_user(db, "other@example.org", Role.INSTRUCTOR)
        self.admin = add_user(db, "admin@example.org", Role.ADMIN)
        self.ada = add_user(db, "ada@example.org")
        self.bob = add_user(db, "bob@example.org")
        self.outsider = add_user(db, "outsider@example.org")
        self.course = add_course(db, self.teacher, "rust-basics", title="Rust Basics")
        self.course_id = self.course.id or 0
        for student in (self.ada, self.bob):
            db.add(Enrollment(user_id=student.id, course_id=self.course_id))
        db.commit()

    def post(self, who: User | None, title: str = "Welcome", body: str = "Hello **all**"):
        try:
            return teaching.post_announcement(
                session=self.db,
                actor=actor(who) if who else None,
                course_id=self.course_id,
                title=title,
                body=body,
            )
        except Exception:
            self.db.rollback()
            raise
        finally:
            if self.db.in_transaction():
                self.db.commit()

    def count(self) -> int:
        return self.db.exec(select(func.count()).select_from(Announcement)).one()


@pytest.fixture
def world(db: Session) -> World:
    return World(db)


def recipients(mails: tuple[Mail, ...]) -> list[str]:
    return sorted(mail.to for mail in mails)


def opt_out_token_in(mail: Mail) -> str:
    link = next(line for line in mail.text.splitlines() if "/announcements/opt-out?" in line)
    return parse_qs(urlsplit(link).query)["t"][0]


def test_the_instructor_posts_and_each_enrolled_student_gets_a_mail(world: World) -> None:
    posted = world.post(world.teacher, "Exam moved", "The exam is on **Friday**.")
    assert recipients(posted.mails) == ["ada@example.org", "bob@example.org"]
    assert posted.item.recipients == 2 and posted.item.title == "Exam moved"
    mail = posted.mails[0]
    assert mail.subject == "Rust Basics: Exam moved"
    assert "<strong>Friday</strong>" in mail.html and "The exam is on **Friday**." in mail.text
    assert learning.read_opt_out_token(opt_out_token_in(mail)) == (world.ada.id, world.course_id)
    page = teaching.announcements_page(
        session=world.db, actor=actor(world.teacher), course_id=world.course_id
    )
    assert [i.title for i in page.items] == ["Exam moved"] and page.items[0].recipients == 2
    assert page.audience == 2


def test_opted_out_deactivated_and_unenrolled_people_get_no_mail(world: World) -> None:
    learning.set_opt_out(
        session=world.db,
        token=learning.opt_out_token(world.bob.id or 0, world.course_id),
        opted_out=True,
    )
    carol = add_user(world.db, "carol@example.org")
    carol.is_active = False
    world.db.add(Enrollment(user_id=carol.id, course_id=world.course_id))
    world.db.commit()
    posted = world.post(world.teacher)
    assert recipients(posted.mails) == ["ada@example.org"]
    assert posted.item.recipients == 1


def test_opting_out_is_per_course_and_can_be_undone(world: World) -> None:
    token = learning.opt_out_token(world.ada.id or 0, world.course_id)
    assert not learning.opt_out_status(session=world.db, token=token).opted_out
    for _ in range(2):  # a second click changes nothing more
        view = learning.set_opt_out(session=world.db, token=token, opted_out=True)
        world.db.commit()
    assert view.opted_out and view.course_title == "Rust Basics"
    assert learning.opt_out_status(session=world.db, token=token).opted_out
    assert world.db.exec(select(func.count()).select_from(AnnouncementOptOut)).one() == 1
    assert recipients(world.post(world.teacher).mails) == ["bob@example.org"]
    learning.set_opt_out(session=world.db, token=token, opted_out=False)
    world.db.commit()
    assert recipients(world.post(world.teacher).mails) == ["ada@example.org", "bob@example.org"]


def _tampered(token: str) -> list[str]:
    user, course, expires, sig = token.split(".")
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    return [
        f"{int(user) + 1}.{course}.{expires}.{sig}",  # another user's id
        f"{user}.{int(course) + 1}.{expires}.{sig}",  # another course
        f"{user}.{course}.{int(expires) + 999}.{sig}",  # a longer life
        f"{user}.{course}.{expires}.{flipped}",
        f"{user}.{course}.{expires}",
        "",
        "x" * 5000,
        f"{user}.{course}.{expires}.{sig}\x00",
    ]


def test_a_changed_or_expired_token_is_refused_and_changes_nothing(world: World) -> None:
    token = learning.opt_out_token(world.ada.id or 0, world.course_id)
    for bad in _tampered(token):
        assert learning.read_opt_out_token(bad) is None, bad
        with pytest.raises(InvalidInput, match="does not work"):
            learning.set_opt_out(session=world.db, token=bad, opted_out=True)
        with pytest.raises(InvalidInput):
            learning.opt_out_status(session=world.db, token=bad)
    year_later = time.time() + learning.TOKEN_LIFETIME_S + 1
    assert learning.read_opt_out_token(token, now=year_later) is None
    assert learning.read_opt_out_token(token) == (world.ada.id, world.course_id)
    assert world.db.exec(select(func.count()).select_from(AnnouncementOptOut)).one() == 0


def test_another_users_token_only_ever_opts_out_that_user(world: World) -> None:
    """Bob holding Ada's mail can opt Ada out (the mail is the proof), never himself or others;
    and a token made with another secret is worthless."""
    ada_token = learning.opt_out_token(world.ada.id or 0, world.course_id)
    learning.set_opt_out(session=world.db, token=ada_token, opted_out=True)
    world.db.commit()
    rows = world.db.exec(select(AnnouncementOptOut)).all()
    assert [(r.user_id, r.course_id) for r in rows] == [(world.ada.id, world.course_id)]


def test_a_token_signed_with_another_secret_is_refused(world: World, settings_env) -> None:
    token = learning.opt_out_token(world.ada.id or 0, world.course_id)
    settings_env(secret_key="another-secret-key-that-is-long-enough-987654321")
    assert learning.read_opt_out_token(token) is None


@pytest.mark.parametrize("who", ["anonymous", "student", "other_teacher", "demoted"])
def test_students_and_other_instructors_cannot_post_or_delete(world: World, who: str) -> None:
    posted = world.post(world.teacher)
    people = {"student": world.ada, "other_teacher": world.other_teacher, "demoted": world.teacher}
    if who == "demoted":
        world.teacher.role = Role.STUDENT
        world.db.add(world.teacher)
        world.db.commit()
    person = people.get(who)
    expected = {"anonymous": NotSignedIn, "other_teacher": NotFound}.get(who, PermissionDenied)
    with pytest.raises(expected):
        world.post(person, "Forged", "Forged body")
    with pytest.raises(expected):
        teaching.delete_announcement(
            session=world.db,
            actor=actor(person) if person else None,
            announcement_id=posted.item.id,
        )
    with pytest.raises(expected):
        teaching.announcements_page(
            session=world.db, actor=actor(person) if person else None, course_id=world.course_id
        )
    world.db.rollback()
    assert [a.title for a in world.db.exec(select(Announcement)).all()] == ["Welcome"]


def test_an_admin_may_post_and_delete(world: World) -> None:
    posted = world.post(world.admin, "From the school")
    assert len(posted.mails) == 2
    title = teaching.delete_announcement(
        session=world.db, actor=actor(world.admin), announcement_id=posted.item.id
    )
    world.db.commit()
    assert title == "From the school" and world.count() == 0


def test_the_instructor_deletes_their_own_and_unknown_ids_are_not_found(world: World) -> None:
    posted = world.post(world.teacher)
    for bad in (0, -1, "1", True, 10**12, posted.item.id + 1000):
        with pytest.raises(NotFound):
            teaching.delete_announcement(
                session=world.db, actor=actor(world.teacher), announcement_id=bad
            )
    teaching.delete_announcement(
        session=world.db, actor=actor(world.teacher), announcement_id=posted.item.id
    )
    world.db.commit()
    assert world.count() == 0


BAD_INPUT = [
    ("", "Body", "title"),
    ("   ", "Body", "title"),
    ("x" * 151, "Body", "title"),
    ("Bell\x07", "Body", "title"),
    ("Line\nbreak", "Body", "title"),
    ("Title", "", "body"),
    ("Title", "y" * 5001, "body"),
    ("Title", "nul \x00 here", "body"),
    (None, "Body", "title"),
    ("Title", ["list"], "body"),
]


@pytest.mark.parametrize(("title", "body", "field"), BAD_INPUT)
def test_bad_input_is_refused_next_to_its_field_and_stores_nothing(
    world: World, title: object, body: object, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        world.post(world.teacher, title, body)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert world.count() == 0


def test_posting_is_limited_per_course_and_hour_and_deleting_frees_nothing(
    world: World, clock: Clock
) -> None:
    first = world.post(world.teacher, "One")
    for title in ("Two", "Three"):
        world.post(world.teacher, title)
    teaching.delete_announcement(
        session=world.db, actor=actor(world.teacher), announcement_id=first.item.id
    )
    world.db.commit()
    clock.advance(minutes=20)
    with pytest.raises(Throttled, match=r"Try again in 40 minutes\.") as refused:
        world.post(world.teacher, "Four")
    assert refused.value.retry_after_s == 40 * 60
    assert world.count() == 2
    other = add_course(world.db, world.teacher, "go-basics")  # another course is not limited
    world.db.commit()
    teaching.post_announcement(
        session=world.db, actor=actor(world.teacher), course_id=other.id, title="Hi", body="Go"
    )
    clock.advance(minutes=41)
    assert world.post(world.teacher, "Four").item.title == "Four"


def test_enrolled_students_and_staff_read_them_newest_first_others_read_nothing(
    world: World, clock: Clock
) -> None:
    world.post(world.teacher, "Older", "<script>alert(1)</script> [x](javascript:alert(1))")
    clock.advance(minutes=1)
    world.post(world.teacher, "Newer", "Fine")
    shown = learning.course_announcements(
        session=world.db, actor=actor(world.ada), course_slug="rust-basics"
    )
    assert [a.title for a in shown.items] == ["Newer", "Older"]
    assert "<script" not in shown.items[1].body_html
    assert 'href="javascript' not in shown.items[1].body_html
    assert shown.items[0].posted_label and shown.mails is True
    staff = learning.course_announcements(
        session=world.db, actor=actor(world.teacher), course_slug="rust-basics"
    )
    assert len(staff.items) == 2 and staff.mails is None  # staff have no mail choice here
    for who in (world.outsider, world.other_teacher, None):
        seen = learning.course_announcements(
            session=world.db, actor=actor(who) if who else None, course_slug="rust-basics"
        )
        assert seen == learning.CourseNews([])
    for slug in ("no-such-course", "", None, 5, "x" * 300):
        seen = learning.course_announcements(
            session=world.db, actor=actor(world.ada), course_slug=slug
        )
        assert seen == learning.CourseNews([])


def test_an_enrolled_student_switches_the_mails_off_and_on_from_the_learning_page(
    world: World,
) -> None:
    world.post(world.teacher, "First")
    for _ in range(2):  # a second click (another tab) changes nothing more
        news = learning.set_announcement_mails(
            session=world.db, actor=actor(world.ada), course_slug="rust-basics", wanted=False
        )
        world.db.commit()
    assert news.mails is False and [a.title for a in news.items] == ["First"]
    assert world.db.exec(select(func.count()).select_from(AnnouncementOptOut)).one() == 1
    token = learning.opt_out_token(world.ada.id or 0, world.course_id)
    assert learning.opt_out_status(session=world.db, token=token).opted_out  # one choice
    assert recipients(world.post(world.teacher).mails) == ["bob@example.org"]
    learning.set_announcement_mails(
        session=world.db, actor=actor(world.ada), course_slug="rust-basics", wanted=True
    )
    world.db.commit()
    assert (
        learning.course_announcements(
            session=world.db, actor=actor(world.ada), course_slug="rust-basics"
        ).mails
        is True
    )
    assert recipients(world.post(world.teacher).mails) == ["ada@example.org", "bob@example.org"]


def test_only_an_enrolled_student_may_switch_the_mails_and_a_refusal_changes_nothing(
    world: World,
) -> None:
    refused: list[tuple[User | None, object, object, type[Exception]]] = [
        (None, "rust-basics", False, NotSignedIn),
        (world.outsider, "rust-basics", False, NotFound),
        (world.teacher, "rust-basics", False, NotFound),  # staff: nothing to opt out of
        (world.other_teacher, "rust-basics", False, NotFound),
        (world.ada, "no-such-course", False, NotFound),
        (world.ada, None, False, NotFound),
        (world.ada, "rust-basics", "off", InvalidInput),
        (world.ada, "rust-basics", 0, InvalidInput),
    ]
    for who, slug, wanted, error in refused:
        with pytest.raises(error):
            learning.set_announcement_mails(
                session=world.db,
                actor=actor(who) if who else None,
                course_slug=slug,
                wanted=wanted,
            )
        world.db.rollback()
    assert world.db.exec(select(func.count()).select_from(AnnouncementOptOut)).one() == 0


def test_the_mail_escapes_the_title_and_sanitises_the_body(world: World) -> None:
    posted = world.post(world.teacher, "<b>Bold</b> & co", "<img src=x onerror=alert(1)>")
    html = posted.mails[0].html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html  # shown as text


def test_deleting_a_course_takes_its_announcements_and_opt_outs(world: World) -> None:
    world.post(world.teacher)
    learning.set_opt_out(
        session=world.db,
        token=learning.opt_out_token(world.ada.id or 0, world.course_id),
        opted_out=True,
    )
    world.db.commit()
    course = world.db.get(Course, world.course_id)
    world.db.delete(course)
    world.db.commit()
    assert world.count() == 0
    assert world.db.exec(select(func.count()).select_from(AnnouncementOptOut)).one() == 0


class FlakyBackend:
    """Held until released, like a slow SMTP server; refuses one address."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.sent: list[str] = []

    def send(self, mail: Mail) -> None:
        self.release.wait(5)
        if mail.to == "bounce@example.org":
            raise OSError("mailbox full")
        self.sent.append(mail.to)


def test_the_batch_goes_out_after_the_reply_in_order_and_past_a_failure() -> None:
    backend = FlakyBackend()
    to = ["a@example.org", "bounce@example.org", "c@example.org"]
    mails = tuple(Mail(to=t, subject="s", text="t", html="h") for t in to)

    async def handler() -> list[str]:
        editor_state.send_batch_after_reply(mails)
        seen_at_reply = list(backend.sent)  # the handler answers now, mails still on their way
        backend.release.set()
        await editor_state.batches_sent()
        return seen_at_reply

    set_backend(backend)
    try:
        assert asyncio.run(handler()) == []
    finally:
        set_backend(None)
    assert backend.sent == ["a@example.org", "c@example.org"]


def test_the_data_export_lists_opt_outs_and_deleting_the_user_removes_them(world: World) -> None:
    token = learning.opt_out_token(world.ada.id or 0, world.course_id)
    learning.set_opt_out(session=world.db, token=token, opted_out=True)
    world.db.commit()
    data = own_account.export_my_data(session=world.db, actor_id=world.ada.id or 0)
    assert [o["course_slug"] for o in data["announcement_opt_outs"]] == ["rust-basics"]
    world.db.delete(world.ada)
    world.db.commit()
    assert world.db.exec(select(func.count()).select_from(AnnouncementOptOut)).one() == 0
    with pytest.raises(InvalidInput):  # the link of a deleted account does nothing
        learning.opt_out_status(session=world.db, token=token)
