"""Sections and lessons: dense positions, all-or-nothing reorders, safe deletes."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from lms_reflex.media import storage
from lms_reflex.models import Lesson, LessonProgress, Section
from lms_reflex.services.errors import Conflict, InvalidInput
from lms_reflex.services.teaching import course_details, curriculum
from lms_reflex.services.teaching import course_list as teaching
from tests.unit.test_builder import People, make_course, make_people, snapshot


@pytest.fixture
def people(session: Session, make_user) -> People:
    return make_people(session, make_user)


def order(session: Session, course_id: int) -> list[list[int]]:
    session.expire_all()
    return curriculum.lesson_ids_in_order(session=session, course_id=course_id)


def section_ids(session: Session, course_id: int) -> list[int]:
    query = select(Section.id).where(Section.course_id == course_id).order_by(Section.position)
    return [i for i in session.exec(query) if i is not None]


def assert_dense(session: Session, course_id: int) -> None:
    session.expire_all()
    sections = session.exec(select(Section).where(Section.course_id == course_id)).all()
    assert sorted(s.position for s in sections) == list(range(len(sections)))
    for s in sections:
        lessons = session.exec(select(Lesson).where(Lesson.section_id == s.id)).all()
        assert sorted(le.position for le in lessons) == list(range(len(lessons)))


def test_lessons_move_between_sections(run, session, people) -> None:
    course_id = make_course(run, people.alice, sections=2, lessons=2)
    (a1, a2), (b1, b2) = order(session, course_id)
    s1, s2 = section_ids(session, course_id)
    run(
        curriculum.move_lessons,
        actor=people.alice,
        course_id=course_id,
        layout={s1: [b2], s2: [a2, b1, a1]},
    )
    assert order(session, course_id) == [[b2], [a2, b1, a1]]
    assert_dense(session, course_id)


def test_sections_reorder(run, session, people) -> None:
    course_id = make_course(run, people.alice, sections=3, lessons=0)
    s1, s2, s3 = section_ids(session, course_id)
    run(
        curriculum.reorder_sections,
        actor=people.alice,
        course_id=course_id,
        section_ids=[s3, s1, s2],
    )
    assert section_ids(session, course_id) == [s3, s1, s2]


@pytest.mark.parametrize(
    "make_ids",
    [
        lambda mine, other: mine[:-1],  # missing
        lambda mine, other: [*mine, mine[0]],  # duplicate
        lambda mine, other: [*mine[:-1], other[0]],  # another course's
        lambda mine, other: [*mine, 99_999],  # stale: deleted meanwhile
        lambda mine, other: [str(i) for i in mine],  # not ints
        lambda mine, other: [],
        lambda mine, other: None,
    ],
)
def test_reorder_sections_refusals_change_nothing(run, session, people, make_ids) -> None:
    course_id = make_course(run, people.alice, sections=3, lessons=1)
    other_id = make_course(run, people.alice, sections=1, lessons=1)
    mine, other = section_ids(session, course_id), section_ids(session, other_id)
    before = snapshot(session)
    with pytest.raises(InvalidInput):
        run(
            curriculum.reorder_sections,
            actor=people.alice,
            course_id=course_id,
            section_ids=make_ids(list(reversed(mine)), other),
        )
    assert snapshot(session) == before


@pytest.mark.parametrize(
    "make_layout",
    [
        lambda s, le, other: {s[0]: le[0], s[1]: le[1][:-1]},  # a lesson missing
        lambda s, le, other: {s[0]: le[0] + le[1], s[1]: le[1]},  # duplicates
        lambda s, le, other: {s[0]: le[0] + le[1]},  # a section missing
        lambda s, le, other: {s[0]: le[0], s[1]: le[1], other[0]: []},  # foreign section
        lambda s, le, other: {s[0]: le[0] + [other[1]], s[1]: le[1]},  # foreign lesson
        lambda s, le, other: {str(s[0]): le[0], s[1]: le[1]},  # not ints
        lambda s, le, other: {s[0]: "1,2", s[1]: le[1]},
        lambda s, le, other: [le[0], le[1]],
    ],
)
def test_move_lessons_refusals_change_nothing(run, session, people, make_layout) -> None:
    course_id = make_course(run, people.alice, sections=2, lessons=2)
    other_id = make_course(run, people.alice, sections=1, lessons=1)
    s, le = section_ids(session, course_id), order(session, course_id)
    other = [section_ids(session, other_id)[0], order(session, other_id)[0][0]]
    before = snapshot(session)
    with pytest.raises(InvalidInput):
        run(
            curriculum.move_lessons,
            actor=people.alice,
            course_id=course_id,
            layout=make_layout(s, le, other),
        )
    assert snapshot(session) == before


def test_renames_and_updates(run, session, people) -> None:
    course_id = make_course(run, people.alice, sections=1, lessons=1)
    (lesson_id,) = order(session, course_id)[0]
    (section_id,) = section_ids(session, course_id)
    run(curriculum.rename_section, actor=people.alice, section_id=section_id, title="Basics")
    run(
        curriculum.update_lesson,
        actor=people.alice,
        lesson_id=lesson_id,
        title="Hello",
        description="<b>x</b>",
        is_preview=True,
    )
    view = run(course_details.get_course_for_editing, actor=people.alice, course_id=course_id)
    assert view.sections[0].title == "Basics"
    lesson = view.sections[0].lessons[0]
    assert (lesson.title, lesson.description, lesson.is_preview) == ("Hello", "<b>x</b>", True)


def test_deleting_a_lesson_with_progress_needs_confirmation(
    run, session, people, make_user
) -> None:
    course_id = make_course(run, people.alice, sections=1, lessons=3)
    first, second, third = order(session, course_id)[0]
    for _ in range(2):
        session.add(LessonProgress(user_id=make_user().id, lesson_id=second, position_s=5))
    session.commit()
    before = snapshot(session)
    with pytest.raises(Conflict, match="2 students"):
        run(curriculum.delete_lesson, actor=people.alice, lesson_id=second)
    assert snapshot(session) == before
    run(curriculum.delete_lesson, actor=people.alice, lesson_id=second, confirm_progress_loss=True)
    assert order(session, course_id) == [[first, third]]
    assert session.exec(select(LessonProgress)).all() == []
    assert_dense(session, course_id)


def test_deleting_a_section_removes_its_lessons_and_files(run, session, people) -> None:
    course_id = make_course(run, people.alice, sections=3, lessons=2)
    s1, s2, s3 = section_ids(session, course_id)
    lesson = session.exec(select(Lesson).where(Lesson.section_id == s2)).first()
    keys = [storage.new_key("videos", ".mp4"), storage.new_key("posters", ".jpg")]
    for key in keys:
        storage.write_atomic(key, b"x")
    lesson.video_key, lesson.poster_key = keys
    session.add(lesson)
    session.commit()
    session.add(LessonProgress(user_id=people.student.id, lesson_id=lesson.id))
    session.commit()
    with pytest.raises(Conflict, match="1 student has"):
        run(curriculum.delete_section, actor=people.alice, section_id=s2)
    assert all(storage.path_for(k).exists() for k in keys)
    run(curriculum.delete_section, actor=people.alice, section_id=s2, confirm_progress_loss=True)
    assert section_ids(session, course_id) == [s1, s3]
    assert not any(storage.path_for(k).exists() for k in keys)
    assert session.exec(select(Lesson).where(Lesson.section_id == s2)).all() == []
    assert_dense(session, course_id)


# ------------------------------------------------------------------------------ property

Op = tuple[str, int, int]
ops = st.lists(
    st.tuples(
        st.sampled_from(
            ["add_section", "add_lesson", "del_lesson", "del_section", "move", "reorder"]
        ),
        st.integers(0, 1_000),
        st.integers(0, 1_000),
    ),
    max_size=25,
)


def _apply(run, actor, course_id: int, model: list[tuple[int, list[int]]], op: Op) -> None:
    """Do `op` through the services and the same change on the model list."""
    kind, a, b = op
    lessons = [(si, i) for si, (_, ids) in enumerate(model) for i in range(len(ids))]
    if kind == "add_section":
        model.append(
            (run(curriculum.add_section, actor=actor, course_id=course_id, title="Sec"), [])
        )
    elif kind == "add_lesson" and model:
        sid, ids = model[a % len(model)]
        ids.append(run(curriculum.add_lesson, actor=actor, section_id=sid, title="Les"))
    elif kind == "del_lesson" and lessons:
        si, li = lessons[a % len(lessons)]
        run(curriculum.delete_lesson, actor=actor, lesson_id=model[si][1].pop(li))
    elif kind == "del_section" and model:
        run(curriculum.delete_section, actor=actor, section_id=model.pop(a % len(model))[0])
    elif kind == "move" and lessons and model:
        si, li = lessons[a % len(lessons)]
        moved = model[si][1].pop(li)
        target = model[b % len(model)][1]
        target.insert(b % (len(target) + 1), moved)
        layout = {sid: list(ids) for sid, ids in model}
        run(curriculum.move_lessons, actor=actor, course_id=course_id, layout=layout)
    elif kind == "reorder" and model:
        model.insert(b % len(model), model.pop(a % len(model)))
        ids = [sid for sid, _ in model]
        run(curriculum.reorder_sections, actor=actor, course_id=course_id, section_ids=ids)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=ops)
def test_any_sequence_keeps_positions_dense_and_order_as_modelled(
    run, session, people, steps
) -> None:
    course_id = run(course_details.create_course, actor=people.alice, title="Property course")
    model: list[tuple[int, list[int]]] = []
    for op in steps:
        _apply(run, people.alice, course_id, model, op)
    assert order(session, course_id) == [ids for _, ids in model]
    assert section_ids(session, course_id) == [sid for sid, _ in model]
    assert_dense(session, course_id)
    view = run(course_details.get_course_for_editing, actor=people.alice, course_id=course_id)
    assert [[le.id for le in s.lessons] for s in view.sections] == [ids for _, ids in model]


@pytest.mark.postgres
def test_builder_round_trip_on_postgres(pg_url: str, settings_env) -> None:
    from sqlmodel import SQLModel

    from lms_reflex.db import make_engine
    from lms_reflex.models import Enrollment, Role
    from tests.unit.catalog_fixtures import actor, add_user

    engine = make_engine(pg_url)
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as db:
        teacher = actor(add_user(db, "pg-builder@example.org", Role.INSTRUCTOR))
        student = add_user(db, "pg-learner@example.org")
        course_id = course_details.create_course(session=db, actor=teacher, title="On Postgres")
        s1 = curriculum.add_section(session=db, actor=teacher, course_id=course_id, title="One")
        s2 = curriculum.add_section(session=db, actor=teacher, course_id=course_id, title="Two")
        lessons = [
            curriculum.add_lesson(session=db, actor=teacher, section_id=s1, title=f"Lesson {i}")
            for i in range(3)
        ]
        db.commit()
        layout = {s1: [lessons[2]], s2: [lessons[1], lessons[0]]}
        curriculum.move_lessons(session=db, actor=teacher, course_id=course_id, layout=layout)
        curriculum.reorder_sections(
            session=db, actor=teacher, course_id=course_id, section_ids=[s2, s1]
        )
        db.add(Enrollment(user_id=student.id, course_id=course_id))
        db.commit()
        curriculum.delete_lesson(session=db, actor=teacher, lesson_id=lessons[1])
        assert order(db, course_id) == [[lessons[0]], [lessons[2]]]
        (row,) = teaching.list_my_teaching(session=db, actor=teacher)
        assert (row.students, row.completion_rate) == (1, 0)
    engine.dispose()
