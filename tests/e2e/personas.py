"""The four attackers of the forged-event tests, made in the e2e app's database.

- an anonymous visitor (no cookie);
- an unrelated student (verified, enrolled in nothing);
- another instructor (teaches nothing of the target course);
- a demoted instructor: signs in while an instructor and owns a published demo course, then
  an admin makes them a student through the admin service while their tab stays open.

Accounts are made the way an operator would (`python -m lms_reflex create-user`); course
ownership and the demotion go through the app's own services in a short script run with the
app's settings, so the rows are exactly what the running app would write.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, replace

from tests.e2e.accounts import PASSWORD, new_email
from tests.e2e.conftest import ROOT, db_rows

VICTIM_SLUG = "sql-for-data-analysts"  # Marco's free course; other journeys leave it alone
OWN_SLUG = "music-theory-for-guitarists"  # handed to the instructor who is then demoted


@dataclass(frozen=True)
class Target:
    """A published course and real row ids inside it, for forged arguments to name."""

    course_id: int
    slug: str
    instructor_id: int
    category_id: int
    section_ids: list[int]
    lessons: dict[int, list[int]]  # section id -> lesson ids in order
    preview_lesson: int
    review_id: int
    # A quiz lesson with one single-choice question, and another student's open attempt
    # (add_quiz); 0 until it is added.
    quiz_lesson: int = 0
    quiz_question: int = 0
    quiz_option: int = 0

    @property
    def lesson_id(self) -> int:
        return next(lesson for ids in self.lessons.values() for lesson in ids)


def run_python(app_env: dict[str, str], code: str) -> str:
    """Run `code` with the app's settings (its database, data dir); return its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=app_env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def create_user(app_env: dict[str, str], role: str, prefix: str) -> tuple[str, int]:
    """A verified account with the shared test password: (email, id)."""
    email = new_email(prefix)
    subprocess.run(
        [sys.executable, "-m", "lms_reflex", "create-user", "--email", email, "--role", role,
         "--first-name", prefix.title(), "--last-name", "Persona"],
        input=PASSWORD + "\n", text=True, cwd=ROOT, env=app_env, check=True,
        capture_output=True,
    )  # fmt: skip
    [(user_id,)] = db_rows(app_env, 'SELECT id FROM "user" WHERE email = :e', e=email)
    return email, user_id


def hand_course_to(app_env: dict[str, str], slug: str, user_id: int) -> None:
    """Make `user_id` the instructor of a demo course (as if they had built it)."""
    run_python(
        app_env,
        "from sqlmodel import select\n"
        "from lms_reflex.db import session_scope\n"
        "from lms_reflex.models import Course\n"
        "with session_scope() as s:\n"
        f"    c = s.exec(select(Course).where(Course.slug == {slug!r})).one()\n"
        f"    c.instructor_id = {user_id}\n"
        "    s.add(c)\n",
    )


def add_review(app_env: dict[str, str], slug: str, user_id: int) -> None:
    """An enrolled student's review, still unanswered, for forged replies to name."""
    run_python(
        app_env,
        "from sqlmodel import select\n"
        "from lms_reflex.db import session_scope\n"
        "from lms_reflex.models import Course, Enrollment, Review\n"
        "with session_scope() as s:\n"
        f"    c = s.exec(select(Course).where(Course.slug == {slug!r})).one()\n"
        f"    s.add(Enrollment(user_id={user_id}, course_id=c.id))\n"
        f"    s.add(Review(user_id={user_id}, course_id=c.id, rating=4, body='Fine.'))\n",
    )


QUIZ_SCRIPT = """
import json
from sqlmodel import select
from lms_reflex.db import run_service, session_scope
from lms_reflex.models import Course, Section, User
from lms_reflex.services.actor import Actor
from lms_reflex.services.learning import quizzes
from lms_reflex.services.teaching import quiz_builder, quiz_options
with session_scope(readonly=True) as s:
    c = s.exec(select(Course).where(Course.slug == SLUG)).one()
    section = s.exec(select(Section.id).where(Section.course_id == c.id)
                     .order_by(Section.position)).first()
    teacher = Actor.of(s.get(User, c.instructor_id))
    student = Actor.of(s.get(User, STUDENT))
lesson = run_service(quiz_builder.add_quiz_lesson, actor=teacher, section_id=section,
                     title="Forgery check")
question = run_service(quiz_builder.add_question, actor=teacher, lesson_id=lesson,
                       type="single", prompt="2 + 2?")
right = run_service(quiz_options.add_option, actor=teacher, question_id=question, text="4",
                    is_correct=True)
run_service(quiz_options.add_option, actor=teacher, question_id=question, text="5")
started = run_service(quizzes.start_attempt, actor=student, lesson_id=lesson)
run_service(quizzes.save_answer, actor=student, attempt_id=started.view.attempt_id,
            question_id=question, value=right)
print(json.dumps([lesson, question, right]))
"""


def add_quiz(app_env: dict[str, str], t: Target, student_id: int) -> Target:
    """A quiz lesson in the course, built by its instructor, and an enrolled student's open
    attempt with one saved answer: what forged quiz events would try to reach or change."""
    code = f"SLUG = {t.slug!r}\nSTUDENT = {int(student_id)}\n" + QUIZ_SCRIPT
    lesson, question, option = json.loads(run_python(app_env, code))
    return replace(t, quiz_lesson=lesson, quiz_question=question, quiz_option=option)


def demote(app_env: dict[str, str], admin_id: int, user_id: int) -> None:
    """An admin makes the instructor a student, through the admin service."""
    run_python(
        app_env,
        "from lms_reflex.db import run_service\n"
        "from lms_reflex.models import User\n"
        "from lms_reflex.services.actor import Actor\n"
        "from lms_reflex.services.admin.users import change_role\n"
        "from lms_reflex.db import session_scope\n"
        "with session_scope(readonly=True) as s:\n"
        f"    admin = Actor.of(s.get(User, {admin_id}))\n"
        f"run_service(change_role, actor=admin, user_id={user_id}, role='student')\n",
    )
    [(role,)] = db_rows(app_env, 'SELECT role FROM "user" WHERE id = :i', i=user_id)
    assert role == "student"


def target(app_env: dict[str, str], slug: str) -> Target:
    """The course `slug` with its sections, lessons, a preview lesson and a review."""
    [(course_id, instructor_id, category_id)] = db_rows(
        app_env, "SELECT id, instructor_id, category_id FROM course WHERE slug = :s", s=slug
    )
    rows = db_rows(
        app_env,
        "SELECT s.id, l.id, l.is_preview FROM section s JOIN lesson l ON l.section_id = s.id "
        "WHERE s.course_id = :c ORDER BY s.position, l.position",
        c=course_id,
    )
    lessons: dict[int, list[int]] = {}
    for section_id, lesson_id, _ in rows:
        lessons.setdefault(section_id, []).append(lesson_id)
    previews = [lesson_id for _, lesson_id, preview in rows if preview]
    reviews = db_rows(
        app_env,
        "SELECT id FROM review WHERE course_id = :c AND instructor_reply = '' "
        "AND NOT is_hidden ORDER BY id DESC",
        c=course_id,
    )
    return Target(
        course_id=course_id,
        slug=slug,
        instructor_id=instructor_id,
        category_id=category_id or 0,
        section_ids=list(lessons),
        lessons=lessons,
        preview_lesson=previews[0] if previews else rows[0][1],
        review_id=reviews[0][0] if reviews else 0,
    )


def summary(value: object) -> str:
    return json.dumps(value, default=str)
