"""Private timestamped notes on video lessons (issue 21; docs/security.md case 76).

A note is taken by an enrolled student at a second of a video; it is theirs alone to read,
edit, delete, search and export; bad text is refused with a sentence and nothing stored;
writes are limited per minute; notes go with the account's data export and deletion.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, func, select

from lms_reflex.models import Course, Enrollment, Lesson, LessonKind, LessonNote, Role, User
from lms_reflex.services.accounts import own_account
from lms_reflex.services.errors import (
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
    Throttled,
)
from lms_reflex.services.learning import notes, notes_export
from lms_reflex.services.learning.notes import NoteView
from tests.unit.catalog_fixtures import actor, add_course, add_user
from tests.unit.conftest import Clock


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def student(session: Session) -> User:
    return add_user(session, "ada@example.org")


@pytest.fixture
def course(session: Session, teacher: User, student: User) -> Course:
    return enrolled_course(session, teacher, student, "rust-basics")


def enrolled_course(session: Session, teacher: User, student: User, slug: str) -> Course:
    course = add_course(session, teacher, slug, lessons=2)
    session.add(Enrollment(user_id=student.id, course_id=course.id))
    session.commit()
    return course


def lessons_of(session: Session, course: Course) -> list[Lesson]:
    from lms_reflex.models import Section

    return list(
        session.exec(
            select(Lesson)
            .join(Section, col(Section.id) == Lesson.section_id)
            .where(Section.course_id == course.id)
            .order_by(col(Lesson.position))
        ).all()
    )


def add(session: Session, who: User, lesson: Lesson, second: float, text: str) -> list[NoteView]:
    return notes.add_note(
        session=session, actor=actor(who), lesson_id=lesson.id or 0, position_s=second, text=text
    )


def note_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(LessonNote)).one()


def test_a_note_is_taken_at_the_whole_second_and_listed_in_video_order(
    session: Session, student: User, course: Course
) -> None:
    first, _ = lessons_of(session, course)
    add(session, student, first, 42.9, "  Ownership moves the value.  ")
    listed = add(session, student, first, 3.2, "Intro\nwith two lines")
    assert [(n.second, n.clock, n.text) for n in listed] == [
        (3, "0:03", "Intro\nwith two lines"),
        (42, "0:42", "Ownership moves the value."),
    ]
    shown = notes.lesson_notes(session=session, actor=actor(student), lesson_id=first.id or 0)
    assert shown.notes == listed and shown.course_id == course.id


def test_bad_text_is_refused_with_a_sentence_and_nothing_is_stored(
    session: Session, student: User, course: Course
) -> None:
    first, _ = lessons_of(session, course)
    cases = {
        "   ": "Please write the note.",
        "x" * (notes.TEXT_MAX + 1): "The note can be at most 5,000 characters.",
        "bell \x07": "The note contains characters we cannot store.",
        "carriage\rreturn": "The note contains characters we cannot store.",
    }
    for text, message in cases.items():
        with pytest.raises(InvalidInput) as refused:
            add(session, student, first, 1, text)
        assert refused.value.message == message and refused.value.field == "text"
    assert note_count(session) == 0
    assert add(session, student, first, 1, "x" * notes.TEXT_MAX)[0].text == "x" * notes.TEXT_MAX
    assert add(session, student, first, 2, "tab\there\r\nand CRLF")[1].text == "tab\there\nand CRLF"


@pytest.mark.parametrize("second", [-1, float("nan"), float("inf"), 67, "12", True, None])
def test_a_time_outside_the_video_is_refused(
    session: Session, student: User, course: Course, second: object
) -> None:
    first, _ = lessons_of(session, course)  # 65 s long: a second past the end is fine
    with pytest.raises(InvalidInput):
        add(session, student, first, second, "note")  # type: ignore[arg-type]
    assert note_count(session) == 0
    assert add(session, student, first, 66, "at the end")[0].second == 66


def test_only_an_enrolled_student_takes_notes_on_a_video_lesson(
    session: Session, teacher: User, student: User, course: Course
) -> None:
    first, second = lessons_of(session, course)
    stranger = add_user(session, "eve@example.org")
    with pytest.raises(PermissionDenied):  # a free preview, but not enrolled
        add(session, stranger, first, 1, "mine?")
    with pytest.raises(PermissionDenied):
        add(session, stranger, second, 1, "mine?")
    with pytest.raises(PermissionDenied):  # the instructor previews; notes are for students
        add(session, teacher, first, 1, "mine?")
    with pytest.raises(NotSignedIn):
        notes.add_note(session=session, actor=None, lesson_id=first.id or 0, position_s=1, text="x")
    with pytest.raises(NotFound):
        add(session, student, Lesson(id=999_999, section_id=0, title="gone"), 1, "x")
    second.kind = LessonKind.QUIZ
    session.add(second)
    session.flush()
    with pytest.raises(NotFound):
        add(session, student, second, 1, "a quiz has no video")
    assert note_count(session) == 0


def test_another_students_note_does_not_exist_for_me(
    session: Session, teacher: User, student: User, course: Course
) -> None:
    first, _ = lessons_of(session, course)
    [mine] = add(session, student, first, 5, "private thought")
    eve = add_user(session, "eve@example.org")
    session.add(Enrollment(user_id=eve.id, course_id=course.id))
    session.flush()
    for who in (eve, teacher):
        with pytest.raises(NotFound):
            notes.edit_note(session=session, actor=actor(who), note_id=mine.id, text="hacked")
        with pytest.raises(NotFound):
            notes.delete_note(session=session, actor=actor(who), note_id=mine.id)
        assert notes.search_notes(session=session, actor=actor(who), course_id=course.id or 0,
                                  query="") == []  # fmt: skip
        with pytest.raises(NotFound):
            notes_export.notes_markdown(session=session, actor=actor(who), course_id=course.id or 0)
        seen = notes.lesson_notes(session=session, actor=actor(eve), lesson_id=first.id or 0)
        assert seen.notes == []
    for forged in ("1", True, -1, 2**40, None):
        with pytest.raises(NotFound):
            notes.delete_note(session=session, actor=actor(student), note_id=forged)  # type: ignore[arg-type]
    stored = session.get(LessonNote, mine.id)
    assert stored is not None and stored.body == "private thought"


def test_the_owner_edits_and_deletes(session: Session, student: User, course: Course) -> None:
    first, _ = lessons_of(session, course)
    [note] = add(session, student, first, 7, "draft")
    me = actor(student)
    [edited] = notes.edit_note(session=session, actor=me, note_id=note.id, text=" final ")
    assert (edited.id, edited.second, edited.text) == (note.id, 7, "final")
    with pytest.raises(InvalidInput) as refused:
        notes.edit_note(session=session, actor=me, note_id=note.id, text="")
    assert refused.value.field == "text"
    assert notes.delete_note(session=session, actor=me, note_id=note.id) == []
    assert note_count(session) == 0
    with pytest.raises(NotFound):
        notes.delete_note(session=session, actor=me, note_id=note.id)


def test_search_finds_my_notes_across_the_course_with_links_to_the_second(
    session: Session, teacher: User, student: User, course: Course
) -> None:
    first, second = lessons_of(session, course)
    add(session, student, second, 12, "Borrowing rules")
    add(session, student, first, 61, "borrow checker intro")
    add(session, student, first, 2, "unrelated")
    other = enrolled_course(session, teacher, student, "go-basics")
    add(session, student, lessons_of(session, other)[0], 4, "borrow in another course")
    me = actor(student)
    hits = notes.search_notes(session=session, actor=me, course_id=course.id or 0, query="BORROW")
    assert [(h.lesson_title, h.clock, h.text) for h in hits] == [
        ("Lesson 1", "1:01", "borrow checker intro"),
        ("Lesson 2", "0:12", "Borrowing rules"),
    ]
    assert hits[0].href == f"/learn/rust-basics/{first.id}?t=61"
    assert len(notes.search_notes(session=session, actor=me, course_id=course.id or 0, query=" "))
    for wildcard in ("%", "_", "\\"):
        found = notes.search_notes(session=session, actor=me, course_id=course.id or 0,
                                   query=wildcard)  # fmt: skip
        assert found == []
    with pytest.raises(NotSignedIn):
        notes.search_notes(session=session, actor=None, course_id=course.id or 0, query="")


def test_markdown_export_groups_by_lesson_with_timestamps(
    session: Session, student: User, course: Course, settings_env
) -> None:
    settings_env(base_url="https://learn.example.org")
    first, second = lessons_of(session, course)
    add(session, student, second, 12, "Later lesson")
    add(session, student, first, 65, "End\nsecond line")
    add(session, student, first, 3, "Start")
    file = notes_export.notes_markdown(session=session, actor=actor(student), course_id=course.id)
    assert file.filename == "notes-rust-basics.md"
    url = "https://learn.example.org/learn/rust-basics"
    assert file.text == (
        "# My notes: Rust Basics\n\n## Lesson 1\n\n"
        f"- [0:03]({url}/{first.id}?t=3) Start\n"
        f"- [1:05]({url}/{first.id}?t=65) End\n  second line\n\n"
        f"## Lesson 2\n\n- [0:12]({url}/{second.id}?t=12) Later lesson\n"
    )


def test_writes_are_limited_per_minute_and_say_when_to_try_again(
    session: Session, student: User, course: Course, clock: Clock
) -> None:
    first, _ = lessons_of(session, course)
    for i in range(notes.WRITES_PER_MINUTE):
        add(session, student, first, i, f"note {i}")
        clock.advance(seconds=1)
    with pytest.raises(Throttled) as refused:
        add(session, student, first, 1, "one too many")
    assert refused.value.message.endswith("Try again in 40 seconds.")
    assert refused.value.retry_after_s == 40 and refused.value.field == "text"
    assert note_count(session) == notes.WRITES_PER_MINUTE
    eve = add_user(session, "eve@example.org")  # another student is not slowed
    session.add(Enrollment(user_id=eve.id, course_id=course.id))
    session.flush()
    add(session, eve, first, 1, "fine")
    clock.advance(seconds=41)
    add(session, student, first, 1, "fine again")


def test_notes_are_in_the_data_export_and_go_with_the_account(
    session: Session, student: User, course: Course
) -> None:
    first, _ = lessons_of(session, course)
    add(session, student, first, 9, "exported")
    data = own_account.export_my_data(session=session, actor_id=student.id or 0)
    [exported] = data["notes"]
    assert (exported["course"], exported["lesson"], exported["position_s"]) == (
        "Rust Basics",
        "Lesson 1",
        9,
    )
    assert exported["text"] == "exported" and exported["lesson_id"] == first.id
    own_account._erase_user(session, session.get(User, student.id))  # type: ignore[arg-type]
    session.commit()
    assert note_count(session) == 0


# ------------------------------------------------------------------ PostgreSQL


@pytest.mark.postgres
def test_take_edit_search_export_and_delete_on_postgres(pg_session: Session) -> None:
    """The row lock, the case-insensitive search and the rate count, on PostgreSQL."""
    db = pg_session
    teacher = add_user(db, "t@example.org", Role.INSTRUCTOR)
    student = add_user(db, "s@example.org")
    course = enrolled_course(db, teacher, student, "pg-notes")
    first, _ = lessons_of(db, course)
    [note] = add(db, student, first, 30.7, "Lifetimes 100%")
    me = actor(student)
    notes.edit_note(session=db, actor=me, note_id=note.id, text="Lifetimes 100% clear")
    [hit] = notes.search_notes(
        session=db, actor=me, course_id=course.id or 0, query="LIFETIMES 100%"
    )
    assert hit.clock == "0:30" and hit.href.endswith("?t=30")
    assert (
        "- [0:30](" in notes_export.notes_markdown(session=db, actor=me, course_id=course.id).text
    )
    db.commit()
    assert notes.delete_note(session=db, actor=me, note_id=note.id) == []
    db.commit()
    assert note_count(db) == 0
