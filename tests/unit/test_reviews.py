"""Reviews: who may write one, what a rating is, and course numbers that never drift.

docs/security.md case 6 (unverified), 24 (own drafts only) and 28 (bad ratings, second review,
100 kB body, UNIQUE and CHECK in the database).
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from lms_reflex.db import dispose_engines, make_engine, session_scope
from lms_reflex.models import AuditEvent, Course, CourseStatus, Enrollment, Review, Role, User
from lms_reflex.services.actor import Actor
from lms_reflex.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
)
from lms_reflex.services.learning import reviews
from tests.unit.catalog_fixtures import actor, add_course, add_user


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def course(session: Session, teacher: User) -> Course:
    return add_course(session, teacher, "reviewed-course")


def enroll(session: Session, user: User, course: Course) -> None:
    session.add(Enrollment(user_id=user.id, course_id=course.id))
    session.flush()


def student(session: Session, course: Course, email: str) -> Actor:
    user = add_user(session, email)
    enroll(session, user, course)
    return actor(user)


@pytest.fixture
def alice(session: Session, course: Course) -> Actor:
    return student(session, course, "alice@example.org")


@pytest.fixture
def bob(session: Session, course: Course) -> Actor:
    return student(session, course, "bob@example.org")


def write(session: Session, who: Actor | None, course: Course, rating=5, body="Great"):
    return reviews.write_review(
        session=session, actor=who, course_id=course.id, rating=rating, body=body
    )


def numbers(session: Session, course: Course) -> tuple[float, int]:
    session.expire_all()
    fresh = session.get(Course, course.id)
    assert fresh is not None
    return fresh.rating_avg, fresh.rating_count


def review_rows(session: Session) -> list[Review]:
    return list(session.exec(select(Review)).all())


# ------------------------------------------------------------------------------ writing


def test_an_enrolled_student_reviews_and_the_course_numbers_follow(
    session, course, alice, bob
) -> None:
    mine = write(session, alice, course, rating=5, body="  Clear and kind.  ")
    assert (mine.rating, mine.body, mine.course_id, mine.is_hidden) == (
        5,
        "Clear and kind.",
        course.id,
        False,
    )
    assert course.rating_count == 1  # the caller's loaded course is refreshed too
    write(session, bob, course, rating=2)
    assert numbers(session, course) == (3.5, 2)


@pytest.mark.parametrize(
    "rating",
    [0, 6, -1, 5.5, 5.0, "5", None, True, False, [5], {"stars": 5}],
    ids=repr,
)
def test_every_bad_rating_is_refused_with_a_plain_message(session, course, alice, rating) -> None:
    with pytest.raises(InvalidInput) as refused:
        write(session, alice, course, rating=rating)
    assert refused.value.message == "Please choose a rating from 1 to 5 stars."
    assert review_rows(session) == []
    assert numbers(session, course) == (0.0, 0)


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_whole_stars_one_to_five_are_accepted(session, course, alice, rating) -> None:
    assert write(session, alice, course, rating=rating).rating == rating


def test_a_100_kb_body_is_refused_and_2000_characters_are_fine(session, course, alice) -> None:
    with pytest.raises(InvalidInput, match="under 2,000 characters"):
        write(session, alice, course, body="x" * 100_000)
    with pytest.raises(InvalidInput):
        write(session, alice, course, body="x" * 2001)
    assert review_rows(session) == []
    assert len(write(session, alice, course, body="x" * 2000).body) == 2000


@pytest.mark.parametrize("body", [["text"], 5, b"bytes", "nul\x00byte"], ids=repr)
def test_bodies_that_are_not_plain_text_are_refused(session, course, alice, body) -> None:
    with pytest.raises(InvalidInput):
        write(session, alice, course, body=body)


def test_an_empty_body_is_a_rating_only_review(session, course, alice) -> None:
    assert write(session, alice, course, body=None).body == ""


def test_a_second_review_is_a_conflict_with_a_clear_message(session, course, alice) -> None:
    write(session, alice, course)
    with pytest.raises(Conflict) as second:
        write(session, alice, course, rating=1)
    assert second.value.message == (
        "You have already reviewed this course; edit your review instead."
    )
    assert numbers(session, course) == (5.0, 1)


def test_only_enrolled_verified_students_may_review(session, course, teacher) -> None:
    stranger = actor(add_user(session, "stranger@example.org"))
    with pytest.raises(PermissionDenied, match="enrolled"):
        write(session, stranger, course)
    with pytest.raises(NotSignedIn):
        write(session, None, course)
    unverified = add_user(session, "new@example.org")
    unverified.email_verified_at = None
    enroll(session, unverified, course)
    with pytest.raises(PermissionDenied, match="verify"):
        write(session, actor(unverified), course)
    assert review_rows(session) == []


def test_drafts_and_unknown_courses_are_not_found(session, teacher) -> None:
    draft = add_course(session, teacher, "draft-course", status=CourseStatus.DRAFT)
    stranger = actor(add_user(session, "stranger@example.org"))
    for course_id in (draft.id, 10**9, "1", None):
        with pytest.raises(NotFound):
            reviews.write_review(
                session=session, actor=stranger, course_id=course_id, rating=4, body=""
            )


def test_a_student_of_an_unpublished_course_may_still_review(session, course, alice) -> None:
    course.status = CourseStatus.DRAFT
    session.add(course)
    session.flush()
    assert write(session, alice, course, rating=4).rating == 4


# ------------------------------------------------------------------------------ the database


def test_the_database_refuses_a_rating_outside_one_to_five(session, course, alice) -> None:
    for stars in (0, 6):
        # the service is bypassed: only the CHECK constraint is left to refuse it
        refused = pytest.raises(IntegrityError, match=r"ck_review_rating|CHECK")
        with refused, session.begin_nested():
            session.add(Review(user_id=alice.id, course_id=course.id, rating=stars))
            session.flush()
    assert review_rows(session) == []


def test_the_database_refuses_a_second_review_by_the_same_student(session, course, alice) -> None:
    session.add(Review(user_id=alice.id, course_id=course.id, rating=4))
    session.flush()
    refused = pytest.raises(IntegrityError, match=r"UNIQUE|uq_review_user_course")
    with refused, session.begin_nested():
        session.add(Review(user_id=alice.id, course_id=course.id, rating=5))
        session.flush()
    assert [r.rating for r in review_rows(session)] == [4]


def test_review_and_numbers_roll_back_together(session, course, alice) -> None:
    session.commit()
    write(session, alice, course, rating=1)
    session.rollback()  # the caller failed after the service returned
    assert review_rows(session) == []
    assert numbers(session, course) == (0.0, 0)


# ------------------------------------------------------------------------------ own review


def test_editing_and_deleting_recount_the_course(session, course, alice, bob) -> None:
    mine = write(session, alice, course, rating=5)
    write(session, bob, course, rating=3)
    edited = reviews.edit_review(
        session=session, actor=alice, review_id=mine.id, rating=1, body="Changed my mind"
    )
    assert (edited.rating, edited.body) == (1, "Changed my mind")
    assert numbers(session, course) == (2.0, 2)
    reviews.delete_review(session=session, actor=alice, review_id=mine.id)
    assert numbers(session, course) == (3.0, 1)
    assert reviews.find_my_review(session=session, actor=alice, course_id=course.id) is None


def test_editing_validates_like_writing(session, course, alice) -> None:
    mine = write(session, alice, course, rating=5)
    for rating in (0, 5.5, "4"):
        with pytest.raises(InvalidInput):
            reviews.edit_review(
                session=session, actor=alice, review_id=mine.id, rating=rating, body=""
            )
    assert numbers(session, course) == (5.0, 1)


def test_nobody_edits_or_deletes_someone_elses_review(session, course, alice, bob) -> None:
    theirs = write(session, alice, course, rating=5)
    admin = actor(add_user(session, "admin@example.org", Role.ADMIN))
    for who in (bob, admin):
        with pytest.raises(PermissionDenied):
            reviews.edit_review(
                session=session, actor=who, review_id=theirs.id, rating=1, body="hijacked"
            )
        with pytest.raises(PermissionDenied):
            reviews.delete_review(session=session, actor=who, review_id=theirs.id)
    with pytest.raises(NotFound):
        reviews.delete_review(session=session, actor=alice, review_id=10**9)
    assert [r.body for r in review_rows(session)] == ["Great"]


def test_find_my_review_reads_only_the_actors_own(session, course, alice, bob) -> None:
    write(session, alice, course, rating=4, body="Mine")
    found = reviews.find_my_review(session=session, actor=alice, course_id=course.id)
    assert found is not None and found.body == "Mine"
    assert reviews.find_my_review(session=session, actor=bob, course_id=course.id) is None
    with pytest.raises(NotSignedIn):
        reviews.find_my_review(session=session, actor=None, course_id=course.id)


# ------------------------------------------------------------------------------ staff


def test_the_instructor_replies_once(session, course, alice, teacher) -> None:
    mine = write(session, alice, course)
    view = reviews.reply_to_review(
        session=session, actor=actor(teacher), review_id=mine.id, body="Thank you!"
    )
    assert (view.instructor_reply, view.author) == ("Thank you!", "Alice T.")
    with pytest.raises(Conflict):
        reviews.reply_to_review(
            session=session, actor=actor(teacher), review_id=mine.id, body="Again"
        )
    found = reviews.find_my_review(session=session, actor=alice, course_id=course.id)
    assert found is not None and found.instructor_reply == "Thank you!"


def test_only_the_courses_instructor_may_reply(session, course, alice, bob) -> None:
    mine = write(session, alice, course)
    other = actor(add_user(session, "other@example.org", Role.INSTRUCTOR))
    admin = actor(add_user(session, "admin@example.org", Role.ADMIN))
    for who in (other, admin, bob, alice):
        with pytest.raises(PermissionDenied):
            reviews.reply_to_review(session=session, actor=who, review_id=mine.id, body="Hi")
    with pytest.raises(NotSignedIn):
        reviews.reply_to_review(session=session, actor=None, review_id=mine.id, body="Hi")


def test_an_empty_reply_is_refused(session, course, alice, teacher) -> None:
    mine = write(session, alice, course)
    with pytest.raises(InvalidInput):
        reviews.reply_to_review(session=session, actor=actor(teacher), review_id=mine.id, body=" ")


def test_hiding_is_for_admins_and_takes_the_review_out_of_the_numbers(
    session, course, alice, bob, teacher
) -> None:
    rude = write(session, alice, course, rating=1, body="rude words")
    write(session, bob, course, rating=5)
    for who in (bob, actor(teacher), None):
        with pytest.raises(PermissionDenied):
            reviews.hide_review(session=session, actor=who, review_id=rude.id)
    admin = add_user(session, "admin@example.org", Role.ADMIN)
    reviews.hide_review(session=session, actor=actor(admin), review_id=rude.id)
    assert numbers(session, course) == (5.0, 1)
    page = reviews.list_reviews(session=session, course_id=course.id)
    assert [r.rating for r in page.reviews] == [5] and page.total == 1
    hidden = reviews.find_my_review(session=session, actor=alice, course_id=course.id)
    assert hidden is not None and hidden.is_hidden
    reviews.hide_review(session=session, actor=actor(admin), review_id=rude.id, hidden=False)
    assert numbers(session, course) == (3.0, 2)
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.actor_id == admin.id))
    assert list(actions.all()) == ["review_hidden", "review_shown"]


# ------------------------------------------------------------------------------ reading


def test_reviews_are_listed_newest_first_in_pages(session, course, clock) -> None:
    for i in range(12):
        write(session, student(session, course, f"s{i}@example.org"), course, body=f"#{i}")
        clock.advance(minutes=1)
    first = reviews.list_reviews(session=session, course_id=course.id, page=1)
    second = reviews.list_reviews(session=session, course_id=course.id, page=2)
    assert [r.body for r in first.reviews] == [f"#{i}" for i in range(11, 1, -1)]
    assert [r.body for r in second.reviews] == ["#1", "#0"]
    assert (first.total, first.pages, second.page) == (12, 2, 2)


def test_rating_distribution_counts_visible_reviews(session, course, alice, bob) -> None:
    write(session, alice, course, rating=5)
    write(session, bob, course, rating=2)
    dist = reviews.rating_distribution(session=session, course_id=course.id)
    assert dist == [0, 1, 0, 0, 1]


def test_reviews_of_a_draft_are_for_its_staff_only(session, course, alice, teacher) -> None:
    write(session, alice, course)
    course.status = CourseStatus.DRAFT
    session.add(course)
    session.flush()
    with pytest.raises(NotFound):
        reviews.list_reviews(session=session, course_id=course.id)
    with pytest.raises(NotFound):
        reviews.rating_distribution(session=session, actor=alice, course_id=course.id)
    page = reviews.list_reviews(session=session, actor=actor(teacher), course_id=course.id)
    assert page.total == 1


def test_a_deleted_account_shows_as_a_former_student(session, course, alice) -> None:
    write(session, alice, course)
    review = review_rows(session)[0]
    review.user_id = None
    session.add(review)
    session.flush()
    page = reviews.list_reviews(session=session, course_id=course.id)
    assert page.reviews[0].author == "Former student"


# ------------------------------------------------------------------------------ concurrency


def race_reviews(course_id: int, people: list[tuple[Actor, int]]) -> list[BaseException]:
    """Every student reviews at the same moment, each in their own session."""
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def send(who: Actor, stars: int) -> None:
        barrier.wait()
        try:
            with session_scope() as db:
                reviews.write_review(
                    session=db, actor=who, course_id=course_id, rating=stars, body=""
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=pair) for pair in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def check_concurrent_reviews(session: Session, teacher: User) -> None:
    course = add_course(session, teacher, "busy-course")
    people = [(student(session, course, f"r{i}@example.org"), 1 + i % 5) for i in range(10)]
    session.commit()
    assert race_reviews(course.id, people) == []
    stars = [s for _, s in people]
    assert numbers(session, course) == (sum(stars) / len(stars), len(stars))


def test_ten_students_reviewing_at_once_keep_the_numbers_right(session, teacher) -> None:
    check_concurrent_reviews(session, teacher)


@pytest.mark.postgres
def test_ten_students_reviewing_at_once_on_postgres(pg_url: str, settings_env) -> None:
    settings_env(database_url=pg_url)
    engine: Engine = make_engine(pg_url)
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine, expire_on_commit=False) as db:
            check_concurrent_reviews(db, add_user(db, "pg-teacher@example.org", Role.INSTRUCTOR))
    finally:
        engine.dispose()
        dispose_engines()
