"""What every course-builder service shares: the ownership check and the text rules.

Every builder function checks the role (instructor or admin) AND ownership of the course
through `owned_course`, the course-staff rule of `actor.staff_course`: another
instructor's course answers NotFound, so drafts of others are never revealed
(docs/security.md case 23). Creating a course and its details live in `course_details`, the
publish checklist and status changes in `course_publishing`, the /teach list in
`teaching`, the curriculum in `curriculum`, files in `course_media`.
"""

from __future__ import annotations

from sqlmodel import Session

from lms_reflex.models import Course, utcnow
from lms_reflex.services.actor import Actor, staff_course
from lms_reflex.services.errors import InvalidInput
from lms_reflex.services.text import clean_text

TITLE_MIN, TITLE_MAX = 3, 120

# ------------------------------------------------------------------------------ access


def owned_course(
    session: Session, actor: Actor | None, course_id: object, *, lock: bool = False
) -> Course:
    """The course if the actor counts as its staff: `actor.staff_course`, under its old name.

    Raises:
        NotSignedIn: when nobody is signed in.
        PermissionDenied: when the actor is not a verified instructor or admin.
        NotFound: unknown id, or a course of another instructor.
    """
    return staff_course(session, actor, course_id, lock=lock)


def touch(session: Session, course: Course) -> None:
    """Mark the course changed now (every builder write calls this)."""
    course.updated_at = utcnow()
    session.add(course)


# ------------------------------------------------------------------------------ validation


def clean_title(value: object, label: str = "title") -> str:
    """A one-line title of 3..120 characters (its refusals are about the "title" input).

    Raises:
        InvalidInput: when it does not fit.
    """
    title = clean_text(value, label, max_len=TITLE_MAX, min_len=TITLE_MIN, field="title")
    if "\n" in title:
        raise InvalidInput(f"The {label} must be a single line.", field="title")
    return title
