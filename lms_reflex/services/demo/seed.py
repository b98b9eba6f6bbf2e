"""Idempotent demo data: categories, people, courses with real videos, enrollments, reviews.

Everything is keyed by slug or email, so a second run adds nothing and changes nothing.
Nobody gets a known password: each role shares one random password, made once per data
directory and kept in data/demo-passwords.txt (mode 0600). No admin is created; admins
come from `python -m lms_reflex create-user`.
"""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from lms_reflex.media import samples, storage
from lms_reflex.models import (
    Category,
    Course,
    CourseStatus,
    Enrollment,
    EnrollmentSource,
    Lesson,
    LessonProgress,
    Profile,
    Review,
    Role,
    Section,
    User,
    utcnow,
)
from lms_reflex.services.accounts.passwords import hash_password
from lms_reflex.services.accounts.users import create_user, find_user_by_email
from lms_reflex.services.demo.content import (
    CATEGORIES,
    COURSES,
    INSTRUCTORS,
    REVIEW_BODIES,
    STUDENT_NAMES,
    CourseSpec,
)
from lms_reflex.services.errors import DomainError
from lms_reflex.services.teaching import course_media
from lms_reflex.settings import get_settings

PASSWORD_FILE = "demo-passwords.txt"  # noqa: S105 - a file name, not a password
CACHE_DIR = "demo-cache"
STUDENT_COUNT = 30
SEED = 42

# (seconds, colour, label): four distinct clips, made once and copied per lesson.
_CLIPS = (
    (4, (37, 99, 235), "Demo lesson A"),
    (5, (22, 163, 74), "Demo lesson B"),
    (6, (234, 88, 12), "Demo lesson C"),
    (7, (147, 51, 234), "Demo lesson D"),
)

Log = Callable[[str], None]


class DemoRefused(DomainError):
    """Demo data was asked for where it must not go (a production install)."""


@dataclass(frozen=True)
class DemoSummary:
    """What a seeding run did and how to sign in as the demo people."""

    rows_added: int
    instructor_emails: tuple[str, ...]
    student_emails: tuple[str, ...]
    instructor_password: str
    student_password: str
    password_file: Path
    passwords_are_new: bool = False

    @property
    def created(self) -> bool:
        """Whether this run added anything (False when the demo data already existed)."""
        return self.rows_added > 0


@dataclass(frozen=True)
class _EnrollmentPlan:
    email: str
    slug: str
    days_ago: int
    completed: int
    partial_fraction: float | None
    review: tuple[int, str] | None


@dataclass
class _Run:
    """Mutable bookkeeping for one seeding run."""

    session: Session
    log: Log
    clips: list[tuple[bytes, int, bytes]] = field(default_factory=list)  # (mp4, s, poster)
    user_ids: dict[str, int] = field(default_factory=dict)
    course_ids: dict[str, int] = field(default_factory=dict)
    written_keys: list[str] = field(default_factory=list)
    added: int = 0


def seed_demo(*, session: Session, log: Log = print) -> DemoSummary:
    """Fill an empty (or partly seeded) database with realistic demo data.

    Media files are written before the rows that point at them; the caller commits last.

    Args:
        session: the open session; the caller commits.
        log: where progress lines go.

    Returns:
        A DemoSummary with the demo emails and passwords.

    Raises:
        DemoRefused: when LMS_ENV=prod.
    """
    settings = get_settings()
    if settings.is_prod:
        raise DemoRefused("Demo data is for development only; refusing because LMS_ENV=prod.")
    passwords, fresh = _load_or_create_passwords(settings.data_dir / PASSWORD_FILE)
    run = _Run(session=session, log=log)
    try:
        _seed_all(run, passwords, fresh, settings.data_dir / CACHE_DIR)
    except BaseException:
        for key in run.written_keys:  # the rows roll back; do not leave their files behind
            storage.delete_key(key)
        raise
    return DemoSummary(
        rows_added=run.added,
        instructor_emails=tuple(email for email, *_ in INSTRUCTORS),
        student_emails=tuple(_student_email(n) for n in range(1, STUDENT_COUNT + 1)),
        instructor_password=passwords[Role.INSTRUCTOR],
        student_password=passwords[Role.STUDENT],
        password_file=settings.data_dir / PASSWORD_FILE,
        passwords_are_new=fresh,
    )


def _seed_all(run: _Run, passwords: dict[str, str], fresh: bool, cache_dir: Path) -> None:
    category_ids = _seed_categories(run)
    _seed_people(run, passwords, reset_existing=fresh)
    for spec in COURSES:
        _seed_course(run, spec, category_ids[spec.category], cache_dir)
    run.session.flush()
    plans = _enrollment_plans()
    _seed_enrollments(run, plans)
    _seed_progress(run, plans)
    _seed_reviews(run, plans)
    _update_ratings(run)
    run.session.flush()


# --- passwords ---------------------------------------------------------------------------


def _load_or_create_passwords(path: Path) -> tuple[dict[str, str], bool]:
    """Read the per-data-dir demo passwords, or make them once (returns them, was_new)."""
    if path.exists():
        pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
        found = {key.strip(): value.strip() for key, value in pairs}
        if found.get(Role.INSTRUCTOR) and found.get(Role.STUDENT):
            return {
                Role.INSTRUCTOR: found[Role.INSTRUCTOR],
                Role.STUDENT: found[Role.STUDENT],
            }, False
    roles = (Role.INSTRUCTOR, Role.STUDENT)
    passwords: dict[str, str] = {role: secrets.token_urlsafe(12) for role in roles}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("# Demo sign-in passwords (development only). Delete to make new ones.\n")
        fh.writelines(f"{role}={value}\n" for role, value in passwords.items())
    return passwords, True


# --- categories and people -----------------------------------------------------------------


def _seed_categories(run: _Run) -> dict[str, int]:
    """Create missing categories; return slug -> id."""
    ids: dict[str, int] = {}
    for position, (slug, name, description) in enumerate(CATEGORIES):
        row = run.session.exec(select(Category).where(Category.slug == slug)).first()
        if row is None:
            row = Category(slug=slug, name=name, description=description, position=position)
            run.session.add(row)
            run.session.flush()
            run.added += 1
        assert row.id is not None
        ids[slug] = row.id
    return ids


def _student_email(number: int) -> str:
    return f"student{number:02d}@demo.lms"


def _people() -> Iterable[tuple[str, str, str, str, str]]:
    """(email, role, first, last, bio) for every demo person, instructors first."""
    for email, first, last, bio in INSTRUCTORS:
        yield email, Role.INSTRUCTOR, first, last, bio
    for number, (first, last) in enumerate(STUDENT_NAMES[:STUDENT_COUNT], start=1):
        yield _student_email(number), Role.STUDENT, first, last, ""


def _seed_people(run: _Run, passwords: dict[str, str], *, reset_existing: bool) -> None:
    """Create missing demo users with their profiles.

    When the password file was just made again (it was deleted) but the users exist, their
    hashes are reset so the passwords printed at the end really work.
    """
    added_before = run.added
    for email, role, first, last, bio in _people():
        user = find_user_by_email(session=run.session, email=email)
        if user is None:
            user_id = create_user(
                session=run.session, email=email, password=passwords[role], role=role,
                first_name=first, last_name=last, verified=True,
            )  # fmt: skip
            run.added += 2  # user + profile
            _set_bio(run.session, user_id, bio)
        else:
            assert user.id is not None
            user_id = user.id
            if reset_existing:
                _reset_password(run.session, user_id, passwords[role])
        run.user_ids[email] = user_id
    if run.added > added_before:
        run.log(f"Created {(run.added - added_before) // 2} demo instructors and students")


def _set_bio(session: Session, user_id: int, bio: str) -> None:
    if not bio:
        return
    profile = session.exec(select(Profile).where(Profile.user_id == user_id)).one()
    profile.bio = bio
    session.add(profile)


def _reset_password(session: Session, user_id: int, password: str) -> None:
    user = session.get(User, user_id)
    assert user is not None
    user.password_hash = hash_password(password)
    session.add(user)


# --- courses, sections, lessons, media ---------------------------------------------------


def _clips(run: _Run, cache_dir: Path) -> list[tuple[bytes, int, bytes]]:
    """The shared demo clips, generated once into the cache (and reused on later runs)."""
    if run.clips:
        return run.clips
    cache_dir.mkdir(parents=True, exist_ok=True)
    for index, (seconds, color, label) in enumerate(_CLIPS):
        path = cache_dir / f"clip-{index}-{seconds}s-v1.mp4"
        duration = _probe_or_none(path)
        if duration is None:
            tmp = path.with_name(f"{path.stem}.part.mp4")
            duration = samples.make_test_video(tmp, seconds=seconds, color=color, label=label)
            os.replace(tmp, path)
        poster = course_media.poster_from_video(path, duration)  # as an upload gets one
        run.clips.append((path.read_bytes(), round(duration), poster))
    return run.clips


def _probe_or_none(path: Path) -> float | None:
    try:
        return samples.probe_video(path)
    except (ValueError, OSError):
        return None


def _store_thumbnail(run: _Run, spec: CourseSpec) -> str:
    key = storage.new_key("thumbnails", ".jpg")
    tmp = storage.new_temp_path()
    try:
        samples.make_thumbnail(tmp, title=spec.title, color=spec.color)
        storage.move_into_place(tmp, key)
    finally:
        tmp.unlink(missing_ok=True)
    run.written_keys.append(key)
    return key


def _seed_course(run: _Run, spec: CourseSpec, category_id: int, cache_dir: Path) -> None:
    """Create a course with its sections, lessons, videos and thumbnail unless it exists."""
    existing = run.session.exec(select(Course).where(Course.slug == spec.slug)).first()
    if existing is not None:
        assert existing.id is not None
        run.course_ids[spec.slug] = existing.id
        return
    run.log(f"Creating course: {spec.title}")
    course = _course_row(spec, run.user_ids[spec.instructor], category_id)
    course.thumbnail_key = _store_thumbnail(run, spec)
    run.session.add(course)
    run.session.flush()
    assert course.id is not None
    run.course_ids[spec.slug] = course.id
    run.added += 1
    clips = _clips(run, cache_dir)
    lesson_number = COURSES.index(spec)  # each course starts on a different clip
    for position, (section_title, lesson_titles) in enumerate(spec.sections):
        section = Section(course_id=course.id, title=section_title, position=position)
        run.session.add(section)
        run.session.flush()
        assert section.id is not None
        run.added += 1
        for lesson_position, title in enumerate(lesson_titles):
            clip = clips[lesson_number % len(clips)]
            first = position == 0 and lesson_position == 0
            _add_lesson(run, section.id, lesson_position, title, clip, preview=first)
            lesson_number += 1


def _course_row(spec: CourseSpec, instructor_id: int, category_id: int) -> Course:
    created = utcnow() - timedelta(days=spec.age_days)
    published = spec.status in (CourseStatus.PUBLISHED, CourseStatus.ARCHIVED)
    return Course(
        slug=spec.slug,
        title=spec.title,
        subtitle=spec.subtitle,
        description=spec.description,
        instructor_id=instructor_id,
        category_id=category_id,
        price_cents=spec.price_cents,
        currency="USD",
        status=spec.status,
        what_you_will_learn=list(spec.learn),
        requirements=list(spec.requirements),
        tags=list(spec.tags),
        level=spec.level,
        language=spec.language,
        created_at=created,
        updated_at=created,
        published_at=created + timedelta(days=2) if published else None,
    )


def _add_lesson(
    run: _Run,
    section_id: int,
    position: int,
    title: str,
    clip: tuple[bytes, int, bytes],
    *,
    preview: bool,
) -> None:
    """Copy a clip and its poster under new keys, so every lesson owns its own files."""
    data, seconds, poster = clip
    key = storage.new_key("videos", ".mp4")
    storage.write_atomic(key, data)
    poster_key = storage.new_key("posters", ".jpg")
    storage.write_atomic(poster_key, poster)
    run.written_keys.extend((key, poster_key))
    lesson = Lesson(
        section_id=section_id, title=title, video_key=key, poster_key=poster_key,
        description=f"{title}. Watch the video, then try it yourself before moving on.",
        duration_s=seconds, position=position, is_preview=preview,
    )  # fmt: skip
    run.session.add(lesson)
    run.added += 1


# --- enrollments, progress, reviews ------------------------------------------------------


def _enrollment_plans() -> list[_EnrollmentPlan]:
    """Who takes which course and how far they got: the same every run (seeded RNG).

    The plan depends only on constants, never on database state, so a second run
    computes exactly the same rows and finds they all exist.
    """
    rng = random.Random(SEED)  # noqa: S311 - demo data, not security
    published = [c for c in COURSES if c.status == CourseStatus.PUBLISHED]
    plans = []
    for number in range(1, STUDENT_COUNT + 1):
        for spec in rng.sample(published, rng.randint(2, 5)):
            lessons = spec.lesson_count
            completed = rng.randint(0, lessons)
            partial = rng.uniform(0.2, 0.8) if completed < lessons and rng.random() < 0.6 else None
            review = None
            if completed > 0 and rng.random() < 0.6:
                rating = rng.choice((3, 4, 4, 5, 5, 5))
                review = (rating, rng.choice(REVIEW_BODIES[rating]))
            plans.append(
                _EnrollmentPlan(
                    email=_student_email(number), slug=spec.slug, days_ago=rng.randint(1, 60),
                    completed=completed, partial_fraction=partial, review=review,
                )
            )  # fmt: skip
    return plans


def _seed_enrollments(run: _Run, plans: list[_EnrollmentPlan]) -> None:
    added_before = run.added
    rows = run.session.exec(select(Enrollment.user_id, Enrollment.course_id)).all()
    existing = {(user_id, course_id) for user_id, course_id in rows}
    for plan in plans:
        user_id, course_id = run.user_ids[plan.email], run.course_ids[plan.slug]
        if (user_id, course_id) in existing:
            continue
        spec = next(c for c in COURSES if c.slug == plan.slug)
        source = EnrollmentSource.ADMIN if spec.price_cents else EnrollmentSource.SELF
        run.session.add(
            Enrollment(
                user_id=user_id, course_id=course_id, source=source,
                created_at=utcnow() - timedelta(days=plan.days_ago),
            )
        )  # fmt: skip
        run.added += 1
    run.session.flush()
    if run.added > added_before:
        run.log(f"Enrolled demo students ({run.added - added_before} enrollments)")


def _ordered_lessons(session: Session, course_id: int) -> list[Lesson]:
    query = (
        select(Lesson)
        .join(Section, col(Lesson.section_id) == col(Section.id))
        .where(Section.course_id == course_id)
        .order_by(col(Section.position), col(Lesson.position))
    )
    return list(session.exec(query).all())


def _seed_progress(run: _Run, plans: list[_EnrollmentPlan]) -> None:
    """Completed lessons in course order, then one half-watched lesson to resume."""
    run.session.flush()
    rows = run.session.exec(select(LessonProgress.user_id, LessonProgress.lesson_id)).all()
    existing = {(user_id, lesson_id) for user_id, lesson_id in rows}
    lessons = {slug: _ordered_lessons(run.session, cid) for slug, cid in run.course_ids.items()}
    for plan in plans:
        user_id = run.user_ids[plan.email]
        when = utcnow() - timedelta(days=max(plan.days_ago - 1, 0))
        course_lessons = lessons[plan.slug]
        for index, lesson in enumerate(course_lessons[: plan.completed + 1]):
            assert lesson.id is not None
            done = index < plan.completed
            if (user_id, lesson.id) in existing or not (done or plan.partial_fraction):
                continue
            position = (
                lesson.duration_s
                if done
                else round(lesson.duration_s * (plan.partial_fraction or 0), 1)
            )
            run.session.add(
                LessonProgress(
                    user_id=user_id, lesson_id=lesson.id, position_s=position,
                    watched_s=position, completed_at=when if done else None, updated_at=when,
                )
            )  # fmt: skip
            run.added += 1


def _seed_reviews(run: _Run, plans: list[_EnrollmentPlan]) -> None:
    rows = run.session.exec(select(Review.user_id, Review.course_id)).all()
    existing = {(user_id, course_id) for user_id, course_id in rows}
    for plan in plans:
        if plan.review is None:
            continue
        user_id, course_id = run.user_ids[plan.email], run.course_ids[plan.slug]
        if (user_id, course_id) in existing:
            continue
        rating, body = plan.review
        when = utcnow() - timedelta(days=max(plan.days_ago - 2, 0))
        run.session.add(
            Review(
                user_id=user_id, course_id=course_id, rating=rating, body=body,
                created_at=when, updated_at=when,
            )
        )  # fmt: skip
        run.added += 1
    run.session.flush()


def _update_ratings(run: _Run) -> None:
    """Recompute each demo course's rating from its visible reviews (only if it differs)."""
    for course_id in run.course_ids.values():
        ratings = run.session.exec(
            select(Review.rating).where(
                Review.course_id == course_id, col(Review.is_hidden).is_(False)
            )
        ).all()
        count = len(ratings)
        avg = round(sum(ratings) / count, 2) if count else 0.0
        course = run.session.get(Course, course_id)
        assert course is not None
        if (course.rating_count, course.rating_avg) != (count, avg):
            course.rating_count, course.rating_avg = count, avg
            run.session.add(course)
