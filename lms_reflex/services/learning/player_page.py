"""The lesson player's first paint in one read: the lesson, the review, the side panels.

Called through `state.session.with_top_bar`, a named service rather than a closure in
state/ over a database session (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlmodel import Session

from lms_reflex.services.actor import Actor
from lms_reflex.services.certificates.mine import valid_certificates
from lms_reflex.services.certificates.status import page_url
from lms_reflex.services.errors import DomainError
from lms_reflex.services.learning import lessons, reviews
from lms_reflex.services.learning.announcements import CourseNews, course_announcements
from lms_reflex.services.learning.captions import CaptionTrack, player_captions
from lms_reflex.services.learning.lessons import PlayerView
from lms_reflex.services.learning.notes import LessonNotes, lesson_notes
from lms_reflex.services.learning.question_views import QuestionsPanel, questions_panel
from lms_reflex.services.learning.quiz_scores import with_quiz_labels
from lms_reflex.services.learning.reviews import MyReview

T = TypeVar("T")


@dataclass(frozen=True)
class PlayerPage:
    """The lesson on screen and, for a student who tracks progress, their review."""

    view: PlayerView
    my_review: MyReview | None
    certificate_url: str = ""  # the verify page, once the course is complete and issued


def player_view(
    *, session: Session, actor: Actor | None, course_slug: str, lesson_id: int
) -> PlayerPage:
    """The lesson player page; previews (no progress kept) have no review form.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: as `lessons.get_lesson_for_player`.
    """
    view = lessons.get_lesson_for_player(
        session=session, actor=actor, course_slug=course_slug, lesson_id=lesson_id
    )
    student_id = actor.id if actor is not None and view.tracks_progress else None
    view = with_quiz_labels(session, view, student_id)  # attempts and best score of each quiz
    if not view.tracks_progress:
        return PlayerPage(view, None)
    mine = reviews.find_my_review(session=session, actor=actor, course_id=view.course_id)
    url = ""
    if actor is not None and view.course_percent >= 100:
        issued = valid_certificates(session, actor.id, [view.course_id])
        url = page_url(issued[view.course_id][0]) if view.course_id in issued else ""
    return PlayerPage(view, mine, url)


@dataclass(frozen=True)
class PlayerPanels:
    """The panels beside the lesson, read in the page's own transaction.

    Each used to be its own event chained after the player's load: five more round trips
    through Reflex's event path and eight more transactions per lesson opened
    (benchmarks/README.md). A panel the visitor may not see is None, as its own load
    would have left it. The quiz is not here: opening a quiz may grade an attempt whose
    time ran out and issue a certificate, which its own load does in a write
    (state/learning/quiz.py).
    """

    quiz: bool  # the lesson is a quiz, whose panel loads itself
    notes: LessonNotes | None  # None: signed out, a preview, a quiz, not enrolled
    captions: list[CaptionTrack]
    questions: QuestionsPanel | None  # None: signed out or not enrolled
    news: CourseNews


def _or_none(service: Callable[..., T], **args: object) -> T | None:
    try:
        return service(**args)
    except DomainError:
        return None


def player_panels(
    *, session: Session, actor: Actor | None, view: PlayerView, sort: str
) -> PlayerPanels:
    """What the panels show, each checked by its own service as when it loads alone."""
    lesson = {"session": session, "actor": actor, "lesson_id": view.lesson_id}
    current = (les for section in view.syllabus for les in section.lessons)
    return PlayerPanels(
        quiz=any(les.is_quiz for les in current if les.id == view.lesson_id),
        notes=_or_none(lesson_notes, **lesson) if actor is not None else None,
        captions=_or_none(player_captions, **lesson) or [],
        questions=_or_none(questions_panel, **lesson, sort=sort),
        news=course_announcements(session=session, actor=actor, course_slug=view.course_slug),
    )


def player_view_with_panels(
    *, session: Session, actor: Actor | None, course_slug: str, lesson_id: int, sort: str
) -> tuple[PlayerPage, PlayerPanels]:
    """`player_view`, then the panels, in one transaction.

    Raises:
        NotSignedIn, PermissionDenied, NotFound: as `player_view`; no panel is read then.
    """
    page = player_view(session=session, actor=actor, course_slug=course_slug, lesson_id=lesson_id)
    return page, player_panels(session=session, actor=actor, view=page.view, sort=sort)
