"""Lesson Q&A (issue 21): ask, answer, accept, vote, hide, throttles and the digest.

docs/security.md, "Lesson Q&A": only enrolled students and the course's staff read and
post; only the staff accept and hide; refused calls change nothing; the instructor gets
one digest per batch of questions, sent by exactly one caller.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func
from sqlmodel import Session, SQLModel, col, select

from lms_reflex.db import dispose_engines, make_engine
from lms_reflex.models import (
    AuditEvent,
    Course,
    Enrollment,
    Lesson,
    LessonAnswer,
    LessonQuestion,
    QuestionVote,
    Role,
    Section,
    User,
)
from lms_reflex.services.accounts import own_account
from lms_reflex.services.errors import (
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
    Throttled,
)
from lms_reflex.services.learning import question_digests, question_moderation, questions
from lms_reflex.services.learning.question_views import questions_panel
from tests.unit.catalog_fixtures import actor, add_course, add_user
from tests.unit.conftest import Clock


@dataclass
class World:
    session: Session
    teacher: User
    student: User
    other: User  # enrolled too
    stranger: User  # verified, not enrolled
    rival: User  # another instructor
    admin: User
    course: Course
    lesson_id: int


def _world(session: Session) -> World:
    teacher = add_user(session, "teacher@example.org", Role.INSTRUCTOR)
    student, other = add_user(session, "ada@example.org"), add_user(session, "bob@example.org")
    stranger = add_user(session, "eve@example.org")
    rival = add_user(session, "rival@example.org", Role.INSTRUCTOR)
    admin = add_user(session, "root@example.org", Role.ADMIN)
    course = add_course(session, teacher, "rust-basics", lessons=2)
    for user in (student, other):
        session.add(Enrollment(user_id=user.id, course_id=course.id))
    section = session.exec(select(Section).where(Section.course_id == course.id)).one()
    lesson = session.exec(select(Lesson).where(Lesson.section_id == section.id)).first()
    session.commit()
    assert lesson is not None and lesson.id is not None
    return World(session, teacher, student, other, stranger, rival, admin, course, lesson.id)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, clock: Clock) -> Iterator[World]:
    """The same people and course on a fresh SQLite file or PostgreSQL schema."""
    if request.param == "sqlite":
        yield _world(request.getfixturevalue("session"))
        return
    url = request.getfixturevalue("pg_url")
    request.getfixturevalue("settings_env")(database_url=url)
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as db:
        yield _world(db)
        db.rollback()
    engine.dispose()
    dispose_engines()


def ask(w: World, who: User, title: str = "Why borrow?", body: str = "Because **yes**?"):
    panel = questions.ask_question(
        session=w.session, actor=actor(who), lesson_id=w.lesson_id, title=title, body=body
    )
    w.session.commit()
    return panel


def answer(w: World, who: User, question_id: int, body: str = "See chapter 4."):
    posted = questions.answer_question(
        session=w.session, actor=actor(who), question_id=question_id, body=body
    )
    w.session.commit()
    return posted


def count(w: World, table: type[SQLModel]) -> int:
    return w.session.exec(select(func.count()).select_from(table)).one()


# ------------------------------------------------------------------ asking and reading


def test_a_student_asks_and_everyone_in_the_course_reads_it(world: World) -> None:
    panel = ask(world, world.student, body="Use `&` and <script>alert(1)</script>")
    assert panel.count == 1
    [question] = panel.questions
    assert question.title == "Why borrow?" and question.author == "Ada T."
    assert "<code>&amp;</code>" in question.body_html and "<script>" not in question.body_html
    for reader in (world.other, world.teacher, world.admin):
        seen = questions_panel(
            session=world.session, actor=actor(reader), lesson_id=world.lesson_id
        )
        assert [q.id for q in seen.questions] == [question.id]
        assert seen.can_moderate == (reader in (world.teacher, world.admin))


@pytest.mark.parametrize("who", ["stranger", "rival", "nobody"])
def test_outsiders_can_neither_read_nor_post(world: World, who: str) -> None:
    ask(world, world.student)
    question_id = world.session.exec(select(LessonQuestion.id)).one()
    outsider = None if who == "nobody" else actor(getattr(world, who))
    refused = (PermissionDenied, NotSignedIn)
    with pytest.raises(refused):
        questions_panel(session=world.session, actor=outsider, lesson_id=world.lesson_id)
    with pytest.raises(refused):
        questions.ask_question(session=world.session, actor=outsider,
                               lesson_id=world.lesson_id, title="Spam", body="")  # fmt: skip
    with pytest.raises(refused):
        questions.answer_question(session=world.session, actor=outsider,
                                  question_id=question_id, body="Spam")  # fmt: skip
    with pytest.raises(refused):
        question_moderation.toggle_vote(session=world.session, actor=outsider,
                                        question_id=question_id)  # fmt: skip
    world.session.rollback()
    assert (count(world, LessonQuestion), count(world, LessonAnswer)) == (1, 0)
    assert count(world, QuestionVote) == 0


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("   ", "", "title"),
        ("x" * 151, "", "title"),
        ("Tab\there", "", "title"),
        ("Fine", "bell\x07", "body"),
        ("Fine", "y" * 5001, "body"),
        ("Fine", 42, "body"),
    ],
)
def test_bad_text_is_refused_at_its_field_and_nothing_is_stored(
    world: World, title: object, body: object, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        questions.ask_question(session=world.session, actor=actor(world.student),
                               lesson_id=world.lesson_id, title=title, body=body)  # type: ignore[arg-type]  # fmt: skip
    world.session.rollback()
    assert refused.value.field == field
    assert count(world, LessonQuestion) == 0


def test_text_is_trimmed_and_newlines_kept(world: World) -> None:
    ask(world, world.student, title="  Padded  ", body="\r\n line one\r\nline two \n")
    stored = world.session.exec(select(LessonQuestion)).one()
    assert (stored.title, stored.body) == ("Padded", "line one\nline two")


def test_posting_too_often_says_when_to_try_again(world: World, clock: Clock) -> None:
    for n in range(questions.QUESTIONS_PER_WINDOW):
        ask(world, world.student, title=f"Question {n}")
    with pytest.raises(Throttled) as refused:
        ask(world, world.student, title="One more")
    world.session.rollback()
    assert "Try again in 10 minutes." in refused.value.message
    assert refused.value.retry_after_s == 600
    assert refused.value.field == "body"  # shown under what was typed, not in a toast
    assert count(world, LessonQuestion) == questions.QUESTIONS_PER_WINDOW
    clock.advance(minutes=10, seconds=1)
    ask(world, world.student, title="Later")


# ------------------------------------------------------------------ answers, accept, votes


def test_answers_mail_the_asker_unless_they_answer_themselves(world: World) -> None:
    [question] = ask(world, world.student).questions
    posted = answer(world, world.teacher, question.id)
    assert posted.mail is not None and posted.mail.to == "ada@example.org"
    assert "Why borrow?" in posted.mail.text and f"/{world.lesson_id}" in posted.mail.text
    [shown] = posted.panel.questions
    assert [a.by_instructor for a in shown.answers] == [True]
    assert answer(world, world.student, question.id, "Got it").mail is None
    assert answer(world, world.other, question.id, "Me too").mail is not None


def test_only_staff_accept_an_answer_and_can_take_it_back(world: World) -> None:
    [question] = ask(world, world.student).questions
    [reply] = answer(world, world.other, question.id).panel.questions[0].answers
    for who in (world.student, world.other, world.rival, world.stranger):
        with pytest.raises((PermissionDenied, NotFound)):
            question_moderation.toggle_accepted(session=world.session, actor=actor(who),
                                                answer_id=reply.id)  # fmt: skip
        world.session.rollback()
    assert world.session.get(LessonQuestion, question.id).accepted_answer_id is None  # type: ignore[union-attr]
    panel = question_moderation.toggle_accepted(session=world.session, actor=actor(world.teacher),
                                                answer_id=reply.id)  # fmt: skip
    assert panel.questions[0].answers[0].is_accepted and panel.questions[0].has_accepted
    panel = question_moderation.toggle_accepted(session=world.session, actor=actor(world.teacher),
                                                answer_id=reply.id)  # fmt: skip
    assert not panel.questions[0].has_accepted


def test_a_vote_counts_once_toggles_and_sorts_top(world: World, clock: Clock) -> None:
    first = ask(world, world.student, title="Old").questions[0]
    clock.advance(seconds=5)
    second = ask(world, world.student, title="New").questions[0]
    with pytest.raises(PermissionDenied, match="your own"):
        question_moderation.toggle_vote(session=world.session, actor=actor(world.student),
                                        question_id=first.id)  # fmt: skip
    world.session.rollback()
    vote = question_moderation.toggle_vote
    panel = vote(session=world.session, actor=actor(world.other), question_id=first.id)
    assert [q.title for q in panel.questions] == ["New", "Old"]  # "new" by default
    top = questions_panel(session=world.session, actor=actor(world.other),
                          lesson_id=world.lesson_id, sort="top")  # fmt: skip
    assert [(q.title, q.votes, q.voted) for q in top.questions] == [
        ("Old", 1, True), ("New", 0, False)
    ]  # fmt: skip
    panel = vote(session=world.session, actor=actor(world.other), question_id=first.id)
    assert [q.votes for q in panel.questions] == [0, 0]
    assert second.id != first.id


# ------------------------------------------------------------------ hiding


def test_staff_hide_and_show_posts_with_an_audit_line(world: World) -> None:
    [question] = ask(world, world.student).questions
    [reply] = answer(world, world.other, question.id).panel.questions[0].answers
    hide = question_moderation.set_answer_hidden
    hide(session=world.session, actor=actor(world.teacher), answer_id=reply.id, hidden=True)
    world.session.commit()
    seen = questions_panel(
        session=world.session, actor=actor(world.student), lesson_id=world.lesson_id
    )
    assert seen.questions[0].answers == []
    question_moderation.set_question_hidden(session=world.session, actor=actor(world.admin),
                                            question_id=question.id, hidden=True)  # fmt: skip
    world.session.commit()
    seen = questions_panel(
        session=world.session, actor=actor(world.student), lesson_id=world.lesson_id
    )
    assert seen.count == 0
    with pytest.raises(NotFound):
        answer(world, world.other, question.id)
    world.session.rollback()
    staff = questions_panel(
        session=world.session, actor=actor(world.teacher), lesson_id=world.lesson_id
    )
    assert staff.questions[0].is_hidden and staff.questions[0].answers[0].is_hidden
    trail = world.session.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    assert [(e.action, e.actor_id) for e in trail] == [
        ("answer_hidden", world.teacher.id), ("question_hidden", world.admin.id)
    ]  # fmt: skip
    assert trail[0].detail["answer_id"] == reply.id
    question_moderation.set_question_hidden(session=world.session, actor=actor(world.teacher),
                                            question_id=question.id, hidden=False)  # fmt: skip
    world.session.commit()
    assert questions_panel(session=world.session, actor=actor(world.student),
                           lesson_id=world.lesson_id).count == 1  # fmt: skip


@pytest.mark.parametrize("who", ["student", "other", "rival", "stranger"])
def test_nobody_but_staff_can_hide(world: World, who: str) -> None:
    [question] = ask(world, world.student).questions
    [reply] = answer(world, world.other, question.id).panel.questions[0].answers
    before = count(world, AuditEvent)
    someone = actor(getattr(world, who))
    with pytest.raises((PermissionDenied, NotFound)):
        question_moderation.set_question_hidden(session=world.session, actor=someone,
                                                question_id=question.id, hidden=True)  # fmt: skip
    world.session.rollback()
    with pytest.raises((PermissionDenied, NotFound)):
        question_moderation.set_answer_hidden(session=world.session, actor=someone,
                                              answer_id=reply.id, hidden=True)  # fmt: skip
    world.session.rollback()
    assert not world.session.get(LessonQuestion, question.id).is_hidden  # type: ignore[union-attr]
    assert not world.session.get(LessonAnswer, reply.id).is_hidden  # type: ignore[union-attr]
    assert count(world, AuditEvent) == before


def test_hiding_takes_a_real_boolean(world: World) -> None:
    [question] = ask(world, world.student).questions
    with pytest.raises(InvalidInput):
        question_moderation.set_question_hidden(session=world.session, actor=actor(world.teacher),
                                                question_id=question.id, hidden="yes")  # type: ignore[arg-type]  # fmt: skip


# ------------------------------------------------------------------ the digest


def _send(w: World) -> list:
    mails = question_digests.send_due_digests(session=w.session)
    w.session.commit()
    return mails


def test_three_questions_make_one_digest_sent_once(world: World, clock: Clock) -> None:
    for title in ("First", "Second", "Third"):
        ask(world, world.student if title != "Second" else world.other, title=title)
        clock.advance(seconds=30)
    assert _send(world) == []  # the default delay (5 minutes) has not passed
    clock.advance(minutes=5)
    [mail] = _send(world)
    assert mail.to == "teacher@example.org" and mail.subject.startswith("3 new questions")
    assert mail.text.index("First") < mail.text.index("Second") < mail.text.index("Third")
    assert _send(world) == []  # claimed: never twice
    ask(world, world.student, title="Fourth")
    clock.advance(minutes=6)
    [later] = _send(world)
    assert "Fourth" in later.text and "First" not in later.text


def test_the_instructors_own_question_mails_nobody(world: World, clock: Clock) -> None:
    ask(world, world.teacher, title="Pinned: read this first")
    clock.advance(minutes=10)
    assert _send(world) == []


@pytest.mark.postgres
def test_two_workers_claiming_at_once_send_one_digest(
    pg_url: str, settings_env, clock: Clock
) -> None:
    settings_env(database_url=pg_url)
    engine = make_engine(pg_url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as db:
        w = _world(db)
        for n in range(3):
            ask(w, w.student, title=f"Q{n}")
    clock.advance(minutes=6)
    results: list[int] = []
    start = threading.Barrier(2)

    def worker() -> None:
        with Session(engine, expire_on_commit=False) as db:
            start.wait()
            results.append(len(question_digests.send_due_digests(session=db)))
            db.commit()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    dispose_engines()
    assert sorted(results) == [0, 1]


# ------------------------------------------------------------------ the data export


def test_my_questions_and_answers_are_in_my_data_export_and_stay_without_me(
    world: World,
) -> None:
    w = world
    [question] = ask(w, w.student, title="Why borrow?").questions
    answer(w, w.other, question.id, body="Ownership.")
    answer(w, w.student, question.id, body="Thanks!")
    mine = own_account.export_my_data(session=w.session, actor_id=w.student.id or 0)
    posts = mine["lesson_questions_and_answers"]
    assert [q["title"] for q in posts["questions"]] == ["Why borrow?"]
    assert [a["text"] for a in posts["answers"]] == ["Thanks!"]
    theirs = own_account.export_my_data(session=w.session, actor_id=w.other.id or 0)
    assert theirs["lesson_questions_and_answers"]["questions"] == []
    own_account._erase_user(w.session, w.session.get(User, w.student.id))  # type: ignore[arg-type]
    w.session.commit()
    assert count(w, LessonQuestion) == 1 and count(w, LessonAnswer) == 2
