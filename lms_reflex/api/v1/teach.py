"""Instructor routes: the caller's own courses and one course's analytics (staff only)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request

from lms_reflex.api.v1.deps import SIGNED_IN, Limit, PageNumber, RowId, as_user
from lms_reflex.api.v1.schemas import AnalyticsOut, Page, TeachingCourseOut, page_of
from lms_reflex.services.teaching import course_analytics, course_list

router = APIRouter(prefix="/teach", tags=["teach"], dependencies=SIGNED_IN)


@router.get("/courses", response_model=Page[TeachingCourseOut], responses={401: {}, 403: {}})
async def my_teaching(
    request: Request, page: PageNumber = 1, limit: Limit = 20
) -> Page[TeachingCourseOut]:
    """The courses the caller teaches (an admin's own too), as on /teach."""
    views = await as_user(request, course_list.list_my_teaching, readonly=True)
    items = [TeachingCourseOut.model_validate(v, from_attributes=True) for v in views]
    return Page[TeachingCourseOut](**page_of(items, page=page, limit=limit))


@router.get(
    "/courses/{course_id}/analytics",
    response_model=AnalyticsOut,
    responses={401: {}, 403: {}, 404: {}, 422: {}},
)
async def analytics(
    course_id: RowId, request: Request, start: date | None = None, end: date | None = None
) -> AnalyticsOut:
    """One course's numbers; another instructor's course is not found (as on the web)."""
    view = await as_user(
        request,
        course_analytics.course_analytics,
        readonly=True,
        course_id=course_id,
        start=start,
        end=end,
    )
    return AnalyticsOut.model_validate(view, from_attributes=True)
