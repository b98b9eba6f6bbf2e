"""The lesson player's first paint in one read: the lesson and the visitor's own review.

Called through `state.session.with_top_bar`, a named service rather than a closure in
state/ over a database session (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from lms_reflex.services.actor import Actor
from lms_reflex.services.certificates.mine import valid_certificates
from lms_reflex.services.certificates.status import page_url
from lms_reflex.services.learning import lessons, reviews
from lms_reflex.services.learning.lessons import PlayerView
from lms_reflex.services.learning.quiz_scores import with_quiz_labels
from lms_reflex.services.learning.reviews import MyReview


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
