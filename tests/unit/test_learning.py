"""Watching lessons: who may open what, the player, progress that never goes backwards.

docs/security.md case 24 (own progress only), 33 (lesson access), 40 (two tabs at once).
"""

from __future__ import annotations

import inspect
import math
import threading
from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from lms_reflex.db import session_scope
from lms_reflex.models import (
    Course,
    CourseStatus,
    Enrollment,
    Lesson,
    LessonProgress,
    Role,
    Section,
    User,
)
from lms_reflex.services.errors import InvalidInput, NotFound, NotSignedIn, PermissionDenied
from lms_reflex.services.learning import heartbeat, progress, reviews
from lms_reflex.services.learning import lessons as learning
from lms_reflex.services.learning.progress import ProgressView
from tests.unit.catalog_fixtures import actor, add_course, add_user

DURATION = 65  # catalog_fixtures lessons are 65 s long


@pytest.fixture
def people(session: Session) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "stranger": add_user(session, "stranger@example.org"),
        "enrolled": add_user(session, "enrolled@example.org"),
        "owner": add_user(session, "owner@example.org", Role.INSTRUCTOR),
        "other_teacher": add_user(session, "other@example.org", Role.INSTRUCTOR),
        "admin": add_user(session, "admin@example.org", Role.ADMIN),
    }


def enroll(session: Session, user: User, course: Course) -> None:
    session.add(Enrollment(user_id=user.id, course_id=course.id))
    session.flush()


def lessons_of(session: Session, course: Course) -> list[Lesson]:
    return list(
        session.exec(
            select(Lesson)
            .join(Section)
            .where(Section.course_id == course.id)
            .order_by(Section.position, Lesson.position)
        ).all()
    )


@pytest.fixture
def course(session: Session, people) -> Course:
    """Published, three lessons: the first a free preview; `enrolled` is a student."""
    course = add_course(session, people["owner"], "python-basics", lessons=3)
    enroll(session, people["enrolled"], course)
    return course


@pytest.fixture
def lessons(session: Session, course: Course) -> list[Lesson]:
    return lessons_of(session, course)


@pytest.fixture
def student(people):
    return actor(people["enrolled"])


def who(people, name: str):
    user = people[name]
    return actor(user) if user is not None else None


def progress_row(session: Session, user: User, lesson: Lesson) -> LessonProgress | None:
    session.expire_all()
    return session.exec(
        select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id
        )
    ).first()


def record(session: Session, who_, lesson: Lesson, position=0.0, delta=0.0, ended=False):
    return heartbeat.record_progress(
        session=session,
        actor=who_,
        lesson_id=lesson.id,
        position_s=position,
        watched_delta_s=delta,
        ended=ended,
    )


# ------------------------------------------------------------------------------ access matrix

OK = "ok"
OPEN_ON_PUBLISHED = {
    "anonymous": NotSignedIn,
    "stranger": PermissionDenied,
    "enrolled": OK,
    "owner": OK,
    "other_teacher": PermissionDenied,
    "admin": OK,
}
OPEN_ON_DRAFT = {
    "anonymous": NotFound,
    "stranger": NotFound,
    "enrolled": OK,  # unpublishing does not take a course away from its students
    "owner": OK,
    "other_teacher": NotFound,
    "admin": OK,
}
MATRIX = [
    (name, status, preview, expected)
    for status, table in ((CourseStatus.PUBLISHED, OPEN_ON_PUBLISHED), ("draft", OPEN_ON_DRAFT))
    for preview in (True, False)
    for name, expected in table.items()
    if not (status == CourseStatus.PUBLISHED and preview)
] + [(name, CourseStatus.PUBLISHED, True, OK) for name in OPEN_ON_PUBLISHED]


@pytest.mark.parametrize(
    ("name", "status", "preview", "expected"),
    MATRIX,
    ids=[f"{n}-{s}-{'preview' if p else 'locked'}" for n, s, p, _ in MATRIX],
)
def test_access_matrix(session, people, course, lessons, name, status, preview, expected) -> None:
    course.status = status
    session.add(course)
    session.flush()
    lesson = lessons[0] if preview else lessons[1]
    assert lesson.is_preview is preview
    caller = who(people, name)
    allowed = learning.can_open_lesson(session=session, actor=caller, lesson_id=lesson.id)
    assert allowed is (expected == OK)
    call = {"session": session, "actor": caller, "course_slug": course.slug}
    if expected == OK:
        view = learning.get_lesson_for_player(**call, lesson_id=lesson.id)
        assert view.lesson_id == lesson.id
        assert view.tracks_progress is (name == "enrolled")
    else:
        with pytest.raises(expected):
            learning.get_lesson_for_player(**call, lesson_id=lesson.id)


def test_archived_courses_stay_open_to_their_students_only(
    session, people, course, lessons
) -> None:
    course.status = CourseStatus.ARCHIVED
    session.add(course)
    session.flush()
    for name, allowed in (("enrolled", True), ("stranger", False), ("anonymous", False)):
        opened = learning.can_open_lesson(
            session=session, actor=who(people, name), lesson_id=lessons[0].id
        )
        assert opened is allowed, name


def test_a_demoted_instructor_loses_their_unpublished_lessons(session, people, course, lessons):
    course.status = CourseStatus.DRAFT
    people["owner"].role = Role.STUDENT
    session.add_all([course, people["owner"]])
    session.flush()
    demoted = actor(people["owner"])
    assert not learning.can_open_lesson(session=session, actor=demoted, lesson_id=lessons[1].id)


@pytest.mark.parametrize("forged", [None, "1", True, 1.0, [1], 10**9])
def test_unknown_or_forged_lesson_ids_are_not_found(session, student, course, forged) -> None:
    assert not learning.can_open_lesson(session=session, actor=student, lesson_id=forged)
    with pytest.raises(NotFound):
        learning.get_lesson_for_player(
            session=session, actor=student, course_slug=course.slug, lesson_id=forged
        )


def test_a_lesson_opened_through_another_course_is_not_found(
    session, people, course, lessons
) -> None:
    other = add_course(session, people["owner"], "other-course")
    enroll(session, people["enrolled"], other)
    with pytest.raises(NotFound):
        learning.get_lesson_for_player(
            session=session,
            actor=actor(people["enrolled"]),
            course_slug=other.slug,
            lesson_id=lessons[1].id,
        )


# ------------------------------------------------------------------------------ player view


def test_player_shows_video_syllabus_neighbours_and_own_progress(
    session, people, course, lessons, student
) -> None:
    lessons[1].video_key = "videos/" + "a" * 32 + ".mp4"
    session.add(lessons[1])
    session.flush()
    record(session, student, lessons[0], position=DURATION, delta=0, ended=True)
    record(session, student, lessons[1], position=12.5, delta=10)
    view = learning.get_lesson_for_player(
        session=session, actor=student, course_slug=course.slug, lesson_id=lessons[1].id
    )
    assert view.video_url == f"/api/media/videos/{'a' * 32}.mp4"
    assert (view.resume_position_s, view.completed, view.duration_s) == (12.5, False, DURATION)
    assert (view.prev_lesson_id, view.next_lesson_id) == (lessons[0].id, lessons[2].id)
    assert (view.completed_lessons, view.total_lessons, view.course_percent) == (1, 3, 33)
    [section] = view.syllabus
    assert (section.completed_count, section.lesson_count) == (1, 3)
    assert [les.completed for les in section.lessons] == [True, False, False]
    assert [les.is_current for les in section.lessons] == [False, True, False]
    assert [les.duration_label for les in section.lessons] == ["1:05"] * 3
    assert all(les.can_open for les in section.lessons)


def test_a_finished_lesson_plays_again_from_the_start(session, course, lessons, student) -> None:
    record(session, student, lessons[0], position=DURATION, ended=True)
    view = learning.get_lesson_for_player(
        session=session, actor=student, course_slug=course.slug, lesson_id=lessons[0].id
    )
    assert view.completed and view.resume_position_s == 0.0


def test_preview_visitors_see_locks_and_no_progress(session, people, course, lessons) -> None:
    view = learning.get_lesson_for_player(
        session=session, actor=None, course_slug=course.slug, lesson_id=lessons[0].id
    )
    assert not view.tracks_progress and view.course_percent == 0
    assert [les.can_open for les in view.syllabus[0].lessons] == [True, False, False]
    assert view.next_lesson_id is None  # the next lesson is locked


def test_lesson_description_is_rendered_safely(session, course, lessons, student) -> None:
    lessons[1].description = "**Bold** <script>alert(1)</script>"
    session.add(lessons[1])
    session.flush()
    view = learning.get_lesson_for_player(
        session=session, actor=student, course_slug=course.slug, lesson_id=lessons[1].id
    )
    assert "<strong>Bold</strong>" in view.lesson_description_html
    assert "<script>" not in view.lesson_description_html


# ------------------------------------------------------------------------------ progress


def test_watching_ninety_percent_completes_a_lesson(session, people, lessons, student) -> None:
    first = record(session, student, lessons[1], position=30, delta=30)
    assert (first.watched_s, first.completed, first.course_percent) == (30.0, False, None)
    second = record(session, student, lessons[1], position=60, delta=30)
    assert second.watched_s == 60.0 and second.completed  # 60 >= 0.9 * 65
    assert second.course_percent == 33 and not second.course_completed


def test_just_under_ninety_percent_is_not_complete(session, lessons, student) -> None:
    record(session, student, lessons[1], position=30, delta=30)
    view = record(session, student, lessons[1], position=58, delta=28)
    assert view.watched_s == 58.0 and not view.completed


def test_reaching_the_end_completes_a_lesson(session, lessons, student) -> None:
    view = record(session, student, lessons[1], position=DURATION, delta=1, ended=True)
    assert view.completed and view.watched_s == 1.0


def test_finishing_every_lesson_completes_the_course(session, lessons, student) -> None:
    views = [record(session, student, les, position=DURATION, ended=True) for les in lessons]
    assert [v.course_percent for v in views] == [33, 66, 100]
    assert views[-1].course_completed


def test_completion_never_reverts_from_a_stale_event(session, people, lessons, student) -> None:
    record(session, student, lessons[1], position=DURATION, delta=30, ended=True)
    stale = record(session, student, lessons[1], position=3, delta=0, ended=False)
    assert stale.completed and stale.watched_s == 30.0
    row = progress_row(session, people["enrolled"], lessons[1])
    assert row is not None and row.completed_at is not None


def test_the_furthest_position_is_kept_when_a_tab_reports_an_earlier_one(
    session, lessons, student
) -> None:
    """docs/security.md case 40: two tabs at once never move the student back."""
    record(session, student, lessons[1], position=50, delta=5)
    view = record(session, student, lessons[1], position=10, delta=5)  # the other tab
    assert view.position_s == 50.0 and view.watched_s == 10.0


def test_an_event_older_than_the_row_does_not_move_the_position(
    session, lessons, student, clock
) -> None:
    record(session, student, lessons[1], position=40, delta=5)
    clock.advance(seconds=-5)  # another worker's event, stamped before the stored one
    view = record(session, student, lessons[1], position=5, delta=5)
    assert view.position_s == 40.0 and view.watched_s == 10.0


def test_a_forged_huge_watched_delta_counts_as_thirty_seconds(session, lessons, student) -> None:
    view = record(session, student, lessons[1], position=1, delta=3600)
    assert view.watched_s == heartbeat.MAX_WATCHED_DELTA_S and not view.completed


def test_watched_time_is_capped_at_the_duration(session, lessons, student) -> None:
    for _ in range(5):
        view = record(session, student, lessons[1], position=DURATION, delta=30)
    assert view.watched_s == float(DURATION)


@pytest.mark.parametrize(
    ("position", "delta"),
    [
        (-1, 0),
        (0, -1),
        (math.nan, 0),
        (0, math.nan),
        (math.inf, 0),
        (0, math.inf),
        (0, -math.inf),
        ("10", 0),
        (0, "5"),
        (None, 0),
        (True, 0),
        (0, 10**400),
        (DURATION + 2.5, 0),  # past the end
    ],
)
def test_bad_numbers_are_refused_and_nothing_is_stored(
    session, people, lessons, student, position, delta
) -> None:
    with pytest.raises(InvalidInput):
        record(session, student, lessons[1], position=position, delta=delta)
    assert progress_row(session, people["enrolled"], lessons[1]) is None


def test_a_position_two_seconds_past_the_end_is_accepted(session, lessons, student) -> None:
    assert record(session, student, lessons[1], position=DURATION + 2).position_s == DURATION + 2


def test_a_forged_ended_flag_is_refused(session, lessons, student) -> None:
    with pytest.raises(InvalidInput):
        record(session, student, lessons[1], ended="yes")


@pytest.mark.parametrize("name", ["owner", "admin"])
def test_staff_previews_store_nothing(session, people, lessons, name) -> None:
    view = record(session, who(people, name), lessons[1], position=20, delta=30, ended=True)
    assert view == ProgressView(20.0, 0.0, False, None, False)
    assert session.exec(select(LessonProgress)).all() == []


def test_preview_visitors_store_nothing_and_locked_lessons_refuse(session, people, lessons) -> None:
    stranger = who(people, "stranger")
    assert not record(session, stranger, lessons[0], position=5, delta=5).completed
    with pytest.raises(PermissionDenied):
        record(session, stranger, lessons[1], position=5, delta=5)
    with pytest.raises(NotSignedIn):
        record(session, None, lessons[0], position=5, delta=5)
    assert session.exec(select(LessonProgress)).all() == []


def test_students_keep_saving_progress_after_the_course_is_unpublished(
    session, course, lessons, student
) -> None:
    course.status = CourseStatus.DRAFT
    session.add(course)
    session.flush()
    assert record(session, student, lessons[1], position=DURATION, ended=True).completed


def test_mark_complete_and_not_complete_is_the_students_choice(
    session, people, lessons, student
) -> None:
    call = {"session": session, "actor": student, "lesson_id": lessons[2].id}
    assert progress.set_lesson_completed(**call, completed=True).completed
    assert progress.set_lesson_completed(**call, completed=True).course_percent == 33
    record(session, student, lessons[2], position=30, delta=30)
    undone = progress.set_lesson_completed(**call, completed=False)
    assert not undone.completed and undone.watched_s == 0.0 and undone.position_s == 30.0
    assert not record(session, student, lessons[2], position=31, delta=1).completed
    with pytest.raises(InvalidInput):
        progress.set_lesson_completed(**call, completed="true")


def test_marking_is_a_no_op_for_staff(session, people, lessons) -> None:
    owner = who(people, "owner")
    view = progress.set_lesson_completed(
        session=session, actor=owner, lesson_id=lessons[1].id, completed=True
    )
    assert not view.completed and session.exec(select(LessonProgress)).all() == []


# ------------------------------------------------------------------------------ concurrency


def race_progress(events: list[dict], lesson_id: int, user: User) -> list[ProgressView]:
    """Send progress events from one thread each, released together, own session each."""
    barrier = threading.Barrier(len(events))
    results: list[ProgressView] = []
    errors: list[BaseException] = []
    me = actor(user)

    def send(event: dict) -> None:
        barrier.wait()
        try:
            with session_scope() as db:
                results.append(
                    heartbeat.record_progress(session=db, actor=me, lesson_id=lesson_id, **event)
                )
        except BaseException as exc:  # surfaced below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def tab_events() -> list[dict]:
    """Two tabs: one far along and finishing, the other behind; all deltas must land."""
    far = [{"position_s": 60.0, "watched_delta_s": 5.0, "ended": True}]
    behind = [{"position_s": float(i), "watched_delta_s": 5.0, "ended": False} for i in range(7)]
    return far + behind


def check_race(session: Session, user: User, lesson: Lesson) -> None:
    events = tab_events()
    results = race_progress(events, lesson.id, user)
    assert len(results) == len(events)
    row = progress_row(session, user, lesson)
    assert row is not None
    assert row.watched_s == 5.0 * len(events)  # every tab's delta landed
    assert row.completed_at is not None  # the finishing tab's completion was kept
    assert row.position_s in {e["position_s"] for e in events}


def test_two_tabs_writing_at_once_on_sqlite_both_land(session, people, lessons) -> None:
    session.commit()
    check_race(session, people["enrolled"], lessons[1])


@pytest.mark.postgres
def test_two_tabs_writing_at_once_on_postgres_both_land(pg_session: Session) -> None:
    teacher = add_user(pg_session, "t@example.org", Role.INSTRUCTOR)
    student = add_user(pg_session, "s@example.org")
    course = add_course(pg_session, teacher, "pg-course")
    enroll(pg_session, student, course)
    lesson = lessons_of(pg_session, course)[1]
    pg_session.commit()
    check_race(pg_session, student, lesson)


# ------------------------------------------------------------------------------ course numbers


def test_a_course_without_lessons_is_zero_percent(session, people) -> None:
    empty = add_course(session, people["owner"], "empty", lessons=0)
    enroll(session, people["enrolled"], empty)
    got = progress.course_progress(
        session=session, actor=actor(people["enrolled"]), course_id=empty.id
    )
    assert (got.completed, got.total, got.percent) == (0, 0, 0)
    me = actor(people["enrolled"])
    assert learning.resume_target(session=session, actor=me, course_id=empty.id) is None


def test_course_progress_counts_only_the_actors_completions(
    session, people, course, lessons, student
) -> None:
    enroll(session, people["stranger"], course)
    for les in lessons:
        record(session, actor(people["stranger"]), les, position=DURATION, ended=True)
    record(session, student, lessons[0], position=DURATION, ended=True)
    got = progress.course_progress(session=session, actor=student, course_id=course.id)
    assert (got.completed, got.total, got.percent) == (1, 3, 33)


def test_course_progress_needs_a_visible_course(session, people, course) -> None:
    with pytest.raises(NotSignedIn):
        progress.course_progress(session=session, actor=None, course_id=course.id)
    draft = add_course(session, people["owner"], "secret", status=CourseStatus.DRAFT)
    for forged in (draft.id, 10**9, "1"):
        with pytest.raises(NotFound):
            progress.course_progress(
                session=session, actor=who(people, "stranger"), course_id=forged
            )


def test_resume_starts_at_the_first_lesson(session, course, lessons, student) -> None:
    got = learning.resume_target(session=session, actor=student, course_id=course.id)
    assert got == (lessons[0].id, 0.0)


def test_resume_goes_to_the_most_recently_watched_unfinished_lesson(
    session, course, lessons, student, clock
) -> None:
    record(session, student, lessons[2], position=20, delta=5)
    clock.advance(seconds=30)
    record(session, student, lessons[1], position=12, delta=5)
    clock.advance(seconds=30)
    record(session, student, lessons[0], position=DURATION, ended=True)  # finished: skipped
    got = learning.resume_target(session=session, actor=student, course_id=course.id)
    assert got == (lessons[1].id, 12.0)


def test_resume_falls_back_to_the_first_unfinished_then_the_first_lesson(
    session, course, lessons, student
) -> None:
    record(session, student, lessons[0], position=DURATION, ended=True)
    got = learning.resume_target(session=session, actor=student, course_id=course.id)
    assert got == (lessons[1].id, 0.0)
    for les in lessons[1:]:
        record(session, student, les, position=DURATION, ended=True)
    got = learning.resume_target(session=session, actor=student, course_id=course.id)
    assert got == (lessons[0].id, 0.0)


# ------------------------------------------------------------------------------ case 24


@pytest.mark.parametrize("module", [learning, reviews], ids=lambda m: m.__name__)
def test_no_read_of_progress_or_reviews_takes_another_users_id(module) -> None:
    """docs/security.md case 24: the actor is the only "who"; another user cannot even be named."""
    functions: list[Callable] = [
        fn
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and fn.__module__ == module.__name__
    ]
    assert functions
    for fn in functions:
        params = set(inspect.signature(fn).parameters)
        assert not params & {"user_id", "student_id", "author_id", "owner_id"}, fn.__name__
