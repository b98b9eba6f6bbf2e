"""The course builder: details, ownership (docs/security.md case 23), publishing and /teach."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from lms_reflex.models import (
    Category,
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    Role,
    Section,
    utcnow,
)
from lms_reflex.services.actor import Actor, load_actor
from lms_reflex.services.errors import InvalidInput, NotFound, PermissionDenied
from lms_reflex.services.teaching import course_details, course_media, course_publishing, curriculum
from lms_reflex.services.teaching import course_list as teaching


@dataclass(frozen=True)
class People:
    """The cast: two instructors, an admin, a student, an unverified instructor."""

    alice: Actor
    bob: Actor
    admin: Actor
    student: Actor
    unverified: Actor


@pytest.fixture
def people(session: Session, make_user) -> People:
    return make_people(session, make_user)


def make_people(session: Session, make_user) -> People:
    """Make the cast (other test modules' `people` fixtures call this)."""

    def actor(**kw: Any) -> Actor:
        found = load_actor(session, make_user(**kw).id)
        assert found is not None
        return found

    return People(
        alice=actor(role=Role.INSTRUCTOR, first_name="Alice"),
        bob=actor(role=Role.INSTRUCTOR, first_name="Bob"),
        admin=actor(role=Role.ADMIN),
        student=actor(),
        unverified=actor(role=Role.INSTRUCTOR, verified=False),
    )


@pytest.fixture
def category(session: Session) -> int:
    cat = Category(name="Programming", slug="programming")
    session.add(cat)
    session.commit()
    assert cat.id is not None
    return cat.id


def details(**overrides: Any) -> dict[str, Any]:
    """A valid details form."""
    form: dict[str, Any] = {
        "title": "Python from scratch",
        "subtitle": "Learn by building",
        "description": "# Hello\n\nA course.",
        "category_id": None,
        "level": "beginner",
        "language": "English",
        "price_cents": 1999,
        "what_you_will_learn": ["Variables", "  ", "Loops"],
        "requirements": ["A computer"],
        "tags": ["python"],
    }
    return form | overrides


def snapshot(session: Session) -> list[dict[str, Any]]:
    """Every builder-owned row, to prove a refused call changed nothing."""
    session.expire_all()
    rows: list[dict[str, Any]] = []
    for model in (Course, Section, Lesson, LessonProgress, Enrollment):
        rows += [r.model_dump() for r in session.exec(select(model).order_by(model.id))]
    return rows


def make_course(run, owner: Actor, *, sections: int = 1, lessons: int = 2) -> int:
    """A draft course with `sections` sections of `lessons` lessons, through the services."""
    course_id = run(course_details.create_course, actor=owner, title="A course")
    for s in range(sections):
        section_id = run(
            curriculum.add_section, actor=owner, course_id=course_id, title=f"Part {s + 1}"
        )
        for i in range(lessons):
            run(curriculum.add_lesson, actor=owner, section_id=section_id, title=f"Lesson {i}")
    return course_id


# ------------------------------------------------------------------------------ details


def test_create_course_makes_a_draft_with_a_unique_slug(run, session, people) -> None:
    first = run(course_details.create_course, actor=people.alice, title="Élan & Python!")
    second = run(course_details.create_course, actor=people.bob, title="Elan  python")
    a, b = session.get(Course, first), session.get(Course, second)
    assert a is not None and b is not None
    assert (a.slug, b.slug) == ("elan-python", "elan-python-2")
    assert a.status == CourseStatus.DRAFT and a.instructor_id == people.alice.id


def test_a_title_with_no_letters_still_gets_a_slug(run, session, people) -> None:
    course = session.get(Course, run(course_details.create_course, actor=people.alice, title="!!!"))
    assert course is not None and course.slug == "course"


@pytest.mark.parametrize("title", ["", "ab", "x" * 121, "two\nlines", "nul\x00"])
def test_create_course_refuses_bad_titles(run, people, title) -> None:
    with pytest.raises(InvalidInput):
        run(course_details.create_course, actor=people.alice, title=title)


@pytest.mark.parametrize("who", ["student", "unverified"])
def test_only_verified_instructors_create_courses(run, session, people, who) -> None:
    with pytest.raises(PermissionDenied):
        run(course_details.create_course, actor=getattr(people, who), title="Sneaky course")
    assert session.exec(select(Course)).all() == []


def test_update_details_saves_every_field(run, people, category) -> None:
    course_id = run(course_details.create_course, actor=people.alice, title="Old title")
    run(
        course_details.update_course_details,
        actor=people.alice,
        course_id=course_id,
        **details(category_id=category),
    )
    view = run(course_details.get_course_for_editing, actor=people.alice, course_id=course_id)
    assert view.title == "Python from scratch" and view.slug == "old-title"
    assert view.category_id == category and view.price_cents == 1999
    assert view.what_you_will_learn == ["Variables", "Loops"]
    assert (view.level, view.language, view.tags) == ("beginner", "English", ["python"])


@pytest.mark.parametrize(
    "bad",
    [
        {"title": "ab"},
        {"subtitle": "s" * 201},
        {"description": "d" * 20_001},
        {"price_cents": -1},
        {"price_cents": 1_000_001},
        {"price_cents": True},
        {"price_cents": "100"},
        {"level": "expert"},
        {"category_id": 999},
        {"language": ""},
        {"tags": ["t"] * 21},
        {"requirements": ["r" * 161]},
        {"what_you_will_learn": "not a list"},
        {"tags": [1]},
    ],
)
def test_update_details_refuses_bad_values_and_changes_nothing(run, session, people, bad) -> None:
    course_id = run(course_details.create_course, actor=people.alice, title="Old title")
    before = snapshot(session)
    with pytest.raises(InvalidInput):
        run(
            course_details.update_course_details,
            actor=people.alice,
            course_id=course_id,
            **details(**bad),
        )
    assert snapshot(session) == before


def test_description_preview_renders_markdown_without_script() -> None:
    html = course_details.description_preview(
        "**bold** <script>alert(1)</script> [x](javascript:alert(1))"
    )
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "href" not in html


def test_admin_may_edit_any_course(run, people) -> None:
    course_id = run(course_details.create_course, actor=people.alice, title="Alice course")
    run(course_details.update_course_details, actor=people.admin, course_id=course_id, **details())
    view = run(course_details.get_course_for_editing, actor=people.admin, course_id=course_id)
    assert view.title == "Python from scratch"


# ------------------------------------------------------------------------------ ownership


def _calls(ids: dict[str, int]) -> dict[str, Callable[..., Any]]:
    """Every builder service aimed at Alice's course; each takes the actor."""
    c, s, le = ids["course"], ids["section"], ids["lesson"]
    return {
        "get": lambda a: course_details.get_course_for_editing(
            session=ids["db"], actor=a, course_id=c
        ),
        "update": lambda a: course_details.update_course_details(
            session=ids["db"], actor=a, course_id=c, **details()
        ),
        "checklist": lambda a: course_publishing.publish_checklist(
            session=ids["db"], actor=a, course_id=c
        ),
        "publish": lambda a: course_publishing.publish_course(
            session=ids["db"], actor=a, course_id=c
        ),
        "unpublish": lambda a: course_publishing.unpublish_course(
            session=ids["db"], actor=a, course_id=c
        ),
        "archive": lambda a: course_publishing.archive_course(
            session=ids["db"], actor=a, course_id=c
        ),
        "add_section": lambda a: curriculum.add_section(
            session=ids["db"], actor=a, course_id=c, title="Intruder"
        ),
        "rename_section": lambda a: curriculum.rename_section(
            session=ids["db"], actor=a, section_id=s, title="Intruder"
        ),
        "delete_section": lambda a: curriculum.delete_section(
            session=ids["db"], actor=a, section_id=s, confirm_progress_loss=True
        ),
        "add_lesson": lambda a: curriculum.add_lesson(
            session=ids["db"], actor=a, section_id=s, title="Intruder"
        ),
        "update_lesson": lambda a: curriculum.update_lesson(
            session=ids["db"], actor=a, lesson_id=le, title="Intruder", description="", is_preview=1
        ),
        "delete_lesson": lambda a: curriculum.delete_lesson(
            session=ids["db"], actor=a, lesson_id=le, confirm_progress_loss=True
        ),
        "reorder_sections": lambda a: curriculum.reorder_sections(
            session=ids["db"], actor=a, course_id=c, section_ids=[s]
        ),
        "move_lessons": lambda a: curriculum.move_lessons(
            session=ids["db"], actor=a, course_id=c, layout={s: [le]}
        ),
        "thumbnail": lambda a: course_media.set_course_thumbnail(
            session=ids["db"], actor=a, course_id=c, data=b"\xff\xd8\xff" + b"0" * 10
        ),
        "video": lambda a: course_media.attach_lesson_video(
            session=ids["db"], actor=a, lesson_id=le, temp_path=ids["tmp"], original_name="x.mp4"
        ),
        "delete_course": lambda a: course_media.delete_course(
            session=ids["db"], actor=a, course_id=c
        ),
    }


CALL_NAMES = list(_calls({"course": 0, "section": 0, "lesson": 0, "db": 0, "tmp": 0}))


@pytest.fixture
def alices_course(run, session, people) -> dict[str, Any]:
    from lms_reflex.media import storage

    course_id = make_course(run, people.alice, lessons=1)
    section = session.exec(select(Section).where(Section.course_id == course_id)).one()
    lesson = session.exec(select(Lesson).where(Lesson.section_id == section.id)).one()
    tmp = storage.new_temp_path()
    tmp.write_bytes(b"not a video")
    return {"course": course_id, "section": section.id, "lesson": lesson.id, "db": session,
            "tmp": tmp}  # fmt: skip


@pytest.mark.parametrize("name", CALL_NAMES)
@pytest.mark.parametrize(
    ("who", "error"),
    [("bob", NotFound), ("student", PermissionDenied), ("unverified", PermissionDenied)],
)
def test_others_cannot_touch_alices_course(
    session, people, alices_course, name, who, error
) -> None:
    before = snapshot(session)
    with pytest.raises(error):
        _calls(alices_course)[name](getattr(people, who))
    session.rollback()
    assert snapshot(session) == before


@pytest.mark.parametrize("name", ["get", "checklist", "add_section", "delete_course"])
def test_unknown_or_forged_ids_are_not_found(session, people, name) -> None:
    for bad in (10_000, "1", None, True, 1.0):
        ids = {"course": bad, "section": bad, "lesson": bad, "db": session, "tmp": None}
        with pytest.raises(NotFound):
            _calls(ids)[name](people.alice)


# ------------------------------------------------------------------------------ publishing


def _fill_for_publishing(session: Session, course_id: int, category: int) -> None:
    course = session.get(Course, course_id)
    assert course is not None
    course.description, course.category_id = "All about it", category
    course.thumbnail_key = "thumbnails/" + "a" * 32 + ".jpg"
    lesson = session.exec(
        select(Lesson).join(Section).where(Section.course_id == course_id)
    ).first()
    assert lesson is not None
    lesson.video_key, lesson.duration_s = "videos/" + "b" * 32 + ".mp4", 60
    session.add_all([course, lesson])
    session.commit()


def test_publish_is_refused_until_the_checklist_is_done(run, session, people, category) -> None:
    course_id = make_course(run, people.alice)
    items = run(course_publishing.publish_checklist, actor=people.alice, course_id=course_id)
    assert [i.done for i in items] == [True, False, False, False, False]
    with pytest.raises(InvalidInput, match="description"):
        run(course_publishing.publish_course, actor=people.alice, course_id=course_id)
    assert session.get(Course, course_id).status == CourseStatus.DRAFT
    _fill_for_publishing(session, course_id, category)
    items = run(course_publishing.publish_checklist, actor=people.alice, course_id=course_id)
    assert all(i.done for i in items if not i.warning)  # no captions: a warning only
    run(course_publishing.publish_course, actor=people.alice, course_id=course_id)
    assert session.get(Course, course_id).status == CourseStatus.PUBLISHED


def test_a_lesson_without_video_does_not_count(run, session, people, category) -> None:
    course_id = make_course(run, people.alice, sections=2, lessons=0)
    _ = category
    items = run(course_publishing.publish_checklist, actor=people.alice, course_id=course_id)
    assert items[-1].done is False


def test_published_at_is_set_once_and_updated_at_always(
    run, session, people, category, clock
) -> None:
    course_id = make_course(run, people.alice)
    _fill_for_publishing(session, course_id, category)
    run(course_publishing.publish_course, actor=people.alice, course_id=course_id)
    first = session.get(Course, course_id).published_at
    assert first == clock.now
    clock.advance(days=1)
    run(course_publishing.unpublish_course, actor=people.alice, course_id=course_id)
    course = session.get(Course, course_id)
    assert course.status == CourseStatus.DRAFT and course.updated_at == clock.now
    clock.advance(days=1)
    run(course_publishing.publish_course, actor=people.alice, course_id=course_id)
    course = session.get(Course, course_id)
    assert course.published_at == first and course.updated_at == clock.now
    run(course_publishing.archive_course, actor=people.alice, course_id=course_id)
    assert session.get(Course, course_id).status == CourseStatus.ARCHIVED


# ------------------------------------------------------------------------------ /teach


def _enroll(session: Session, user_id: int, course_id: int, completed_lessons: list[int]) -> None:
    session.add(Enrollment(user_id=user_id, course_id=course_id))
    for lesson_id in completed_lessons:
        session.add(LessonProgress(user_id=user_id, lesson_id=lesson_id, completed_at=utcnow()))
    session.commit()


def _lesson_ids(session: Session, course_id: int) -> list[int]:
    ids = session.exec(select(Lesson.id).join(Section).where(Section.course_id == course_id))
    return [i for i in ids if i is not None]


def test_list_my_teaching_counts_students_and_completion(run, session, people, make_user) -> None:
    full = make_course(run, people.alice, lessons=2)
    empty = make_course(run, people.alice, lessons=0)
    make_course(run, people.bob)
    lessons = _lesson_ids(session, full)
    students = [make_user().id for _ in range(4)]
    _enroll(session, students[0], full, lessons)
    _enroll(session, students[1], full, lessons[:1])
    _enroll(session, students[2], full, [])
    _enroll(session, students[3], empty, [])
    # Progress without an enrollment (a student who left) does not count.
    session.add_all([LessonProgress(user_id=people.student.id, lesson_id=i, completed_at=utcnow())
                     for i in lessons])  # fmt: skip
    session.commit()
    rows = {r.id: r for r in run(teaching.list_my_teaching, actor=people.alice)}
    assert set(rows) == {full, empty}
    assert (rows[full].students, rows[full].completion_rate) == (3, 33)
    assert (rows[empty].students, rows[empty].completion_rate) == (1, 0)


def test_list_my_teaching_uses_a_constant_number_of_queries(run, session, people) -> None:
    def count_queries() -> int:
        seen: list[str] = []
        engine = session.get_bind()
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            run(teaching.list_my_teaching, actor=people.alice)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    make_course(run, people.alice)
    one = count_queries()
    for _ in range(4):
        make_course(run, people.alice)
    assert count_queries() == one


def test_students_cannot_list_teaching(run, people) -> None:
    with pytest.raises(PermissionDenied):
        run(teaching.list_my_teaching, actor=people.student)
