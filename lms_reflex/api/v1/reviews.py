"""Reviews: a course's visible reviews, and the caller's own review (write, edit, delete)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlmodel import Session

from lms_reflex.api.v1.deps import SIGNED_IN, Limit, PageNumber, Slug, as_user, as_visitor, counted
from lms_reflex.api.v1.schemas import MyReviewOut, Page, ReviewIn, ReviewOut
from lms_reflex.services.actor import Actor
from lms_reflex.services.catalog import listings
from lms_reflex.services.errors import NotFound
from lms_reflex.services.learning import reviews
from lms_reflex.services.learning.reviews import MyReview, ReviewPage

router = APIRouter(tags=["reviews"])
NO_REVIEW = "You have not reviewed this course."


def _page(*, session: Session, actor: Actor | None, slug: str, page: int, limit: int) -> ReviewPage:
    course_id = listings.course_id_for_slug(session=session, actor=actor, slug=slug)
    return reviews.list_reviews(
        session=session, actor=actor, course_id=course_id, page=page, page_size=limit
    )


@router.get("/courses/{slug}/reviews", response_model=Page[ReviewOut], responses={404: {}})
async def course_reviews(
    slug: Slug, request: Request, page: PageNumber = 1, limit: Limit = 10
) -> Page[ReviewOut]:
    """A course's visible reviews, newest first."""
    found = await as_visitor(request, _page, slug=slug, page=page, limit=limit)
    items = [ReviewOut.model_validate(r, from_attributes=True) for r in found.reviews]
    return Page[ReviewOut](
        items=items, total=found.total, page=found.page, pages=found.pages, limit=limit
    )


def _put(*, session: Session, actor: Actor | None, slug: str, rating: int, body: str) -> MyReview:
    """Write the caller's review, or edit it when there is one (PUT replaces)."""
    course_id = listings.course_id_for_slug(session=session, actor=actor, slug=slug)
    mine = reviews.find_my_review(session=session, actor=actor, course_id=course_id)
    if mine is None:
        return reviews.write_review(
            session=session, actor=actor, course_id=course_id, rating=rating, body=body
        )
    return reviews.edit_review(
        session=session, actor=actor, review_id=mine.id, rating=rating, body=body
    )


@router.put(
    "/courses/{slug}/reviews/me",
    response_model=MyReviewOut,
    responses={401: {}, 403: {}, 404: {}, 422: {}, 429: {}},
    dependencies=SIGNED_IN,
)
async def put_my_review(slug: Slug, body: ReviewIn, request: Request) -> MyReviewOut:
    """Write or replace the caller's review of a course they are enrolled in."""
    mine = await as_user(request, counted(_put), slug=slug, rating=body.rating, body=body.body)
    return MyReviewOut.model_validate(mine, from_attributes=True)


def _delete(*, session: Session, actor: Actor | None, slug: str) -> None:
    course_id = listings.course_id_for_slug(session=session, actor=actor, slug=slug)
    mine = reviews.find_my_review(session=session, actor=actor, course_id=course_id)
    if mine is None:
        raise NotFound(NO_REVIEW)
    reviews.delete_review(session=session, actor=actor, review_id=mine.id)


@router.delete(
    "/courses/{slug}/reviews/me",
    status_code=204,
    responses={401: {}, 403: {}, 404: {}, 429: {}},
    dependencies=SIGNED_IN,
)
async def delete_my_review(slug: Slug, request: Request) -> Response:
    """Delete the caller's review."""
    await as_user(request, counted(_delete), slug=slug)
    return Response(status_code=204)
