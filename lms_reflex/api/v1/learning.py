"""Learning: my enrollments, enrolling, course progress and a lesson's progress and completion.

The numbers are always the caller's own: no route takes a user id. Progress writes go
through the player's service, with its watched-time rules (30 s per report at most).
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, BackgroundTasks, Request
from sqlmodel import Session

from lms_reflex.api.v1.deps import (
    SIGNED_IN,
    Limit,
    PageNumber,
    RowId,
    Slug,
    as_user,
    counted,
)
from lms_reflex.api.v1.schemas import (
    CourseProgressOut,
    EnrolledOut,
    EnrollmentOut,
    Page,
    ProgressIn,
    ProgressOut,
    page_of,
)
from lms_reflex.mail import Mail, send_mail
from lms_reflex.services.actor import Actor
from lms_reflex.services.catalog import listings
from lms_reflex.services.learning import dashboard, enrollment, heartbeat, progress
from lms_reflex.services.learning.enrollment import EnrollmentResult
from lms_reflex.services.learning.progress import CourseProgress

router = APIRouter(tags=["learning"], dependencies=SIGNED_IN)
_WRITE_ERRORS: dict[int | str, dict] = {401: {}, 403: {}, 404: {}, 422: {}, 429: {}}


@router.get("/me/enrollments", response_model=Page[EnrollmentOut], responses={401: {}})
async def my_enrollments(
    request: Request, page: PageNumber = 1, limit: Limit = 20
) -> Page[EnrollmentOut]:
    """The caller's courses with their progress, as on the dashboard (latest joined first)."""
    views = await as_user(request, dashboard.list_my_courses, readonly=True)
    items = [EnrollmentOut.model_validate(v, from_attributes=True) for v in views]
    return Page[EnrollmentOut](**page_of(items, page=page, limit=limit))


def _enroll(*, session: Session, actor: Actor | None, slug: str) -> EnrollmentResult:
    course_id = listings.course_id_for_slug(session=session, actor=actor, slug=slug)
    return enrollment.enroll_student(session=session, actor=actor, course_id=course_id)


async def _send(mail: Mail) -> None:
    await asyncio.to_thread(send_mail, mail)


@router.post("/courses/{slug}/enrollment", response_model=EnrolledOut, responses=_WRITE_ERRORS)
async def enroll(slug: Slug, request: Request, background: BackgroundTasks) -> EnrolledOut:
    """Enroll in a free course (again: harmless). The confirmation mail goes after the reply."""
    result = await as_user(request, counted(_enroll), slug=slug)
    if result.mail is not None:
        background.add_task(_send, result.mail)
    return EnrolledOut(course_slug=result.course_slug, enrolled=True)


def _course_progress(*, session: Session, actor: Actor | None, slug: str) -> CourseProgress:
    course_id = listings.course_id_for_slug(session=session, actor=actor, slug=slug)
    return progress.course_progress(session=session, actor=actor, course_id=course_id)


@router.get(
    "/courses/{slug}/progress", response_model=CourseProgressOut, responses={401: {}, 404: {}}
)
async def course_progress(slug: Slug, request: Request) -> CourseProgressOut:
    """The caller's own completed lessons of a course."""
    view = await as_user(request, _course_progress, readonly=True, slug=slug)
    return CourseProgressOut.model_validate(view, from_attributes=True)


def _answer(view: progress.ProgressView, background: BackgroundTasks) -> ProgressOut:
    """The progress; the certificate mail goes after the reply if this write ended the course."""
    if view.certificate is not None and view.certificate.mail is not None:
        background.add_task(_send, view.certificate.mail)
    return ProgressOut.model_validate(view, from_attributes=True)


@router.put("/lessons/{lesson_id}/progress", response_model=ProgressOut, responses=_WRITE_ERRORS)
async def report_progress(
    lesson_id: RowId, body: ProgressIn, request: Request, background: BackgroundTasks
) -> ProgressOut:
    """Where the player is, and the seconds watched since the last report."""
    view = await as_user(
        request,
        counted(heartbeat.record_progress),
        lesson_id=lesson_id,
        position_s=body.position_s,
        watched_delta_s=body.watched_delta_s,
        ended=body.ended,
    )
    return _answer(view, background)


@router.post("/lessons/{lesson_id}/completion", response_model=ProgressOut, responses=_WRITE_ERRORS)
async def complete_lesson(
    lesson_id: RowId, request: Request, background: BackgroundTasks
) -> ProgressOut:
    """Mark a lesson complete, as the player's button does (the last one issues a certificate)."""
    view = await as_user(
        request, counted(progress.set_lesson_completed), lesson_id=lesson_id, completed=True
    )
    return _answer(view, background)


@router.delete(
    "/lessons/{lesson_id}/completion", response_model=ProgressOut, responses=_WRITE_ERRORS
)
async def uncomplete_lesson(lesson_id: RowId, request: Request) -> ProgressOut:
    """Mark a lesson not complete (its watched time starts over)."""
    view = await as_user(
        request, counted(progress.set_lesson_completed), lesson_id=lesson_id, completed=False
    )
    return ProgressOut.model_validate(view, from_attributes=True)
