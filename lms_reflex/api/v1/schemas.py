"""Request and response bodies of the API, as they appear in the OpenAPI document.

Requests forbid unknown fields and take numbers and strings strictly (a "5" is not a 5),
so a typo in a field name is an error, not a silent default. Responses are built from the
services' frozen views with `from_attributes`, naming only what the API promises.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

Item = TypeVar("Item")


class Strict(BaseModel):
    """A request body: unknown fields refused, no coercion between types."""

    model_config = ConfigDict(extra="forbid", strict=True)


class View(BaseModel):
    """A response body read from a service's view."""

    model_config = ConfigDict(from_attributes=True)


class Page(View, Generic[Item]):
    """One page of a list; `total` counts every item, `pages` is at least 1."""

    items: list[Item]
    total: int
    page: int
    pages: int
    limit: int


def page_of(items: list[Any], *, page: int, limit: int) -> dict[str, Any]:
    """One page of a list a service returns whole (a user's own courses: a short list).

    The fields of `Page`, so the answer has the same shape as the lists paged in SQL.
    """
    start = (page - 1) * limit
    pages = max(1, math.ceil(len(items) / limit))
    return {
        "items": items[start : start + limit],
        "total": len(items),
        "page": page,
        "pages": pages,
        "limit": limit,
    }


# ------------------------------------------------------------------------------ auth


class TokenRequest(Strict):
    """Email and password; `device_name` is shown in the owner's "Apps and devices"."""

    email: Annotated[str, Field(max_length=254)]
    password: Annotated[str, Field(max_length=1024)]
    device_name: Annotated[str, Field(max_length=200)] = ""


class RefreshRequest(Strict):
    """The refresh token from the last sign-in or refresh (it works once)."""

    refresh_token: Annotated[str, Field(max_length=128)]


class TokenPairOut(View):
    """A 10-minute access token and the refresh token that replaces it."""

    access_token: str
    refresh_token: str
    token_type: str = "Bearer"  # noqa: S105 (the scheme's name, RFC 6750)
    expires_in: int


# ------------------------------------------------------------------------------ me


class MeOut(View):
    """The caller's account and profile (no email: as on the web profile form)."""

    id: int
    role: str
    first_name: str
    last_name: str
    bio: str
    gender: str
    date_of_birth: str
    contact_number: str
    avatar_url: str


class MePatch(Strict):
    """Profile fields only: role, email and the rest have no field here (security.md case 27)."""

    first_name: Annotated[str, Field(max_length=200)] | None = None
    last_name: Annotated[str, Field(max_length=200)] | None = None
    bio: Annotated[str, Field(max_length=5000)] | None = None
    gender: Annotated[str, Field(max_length=200)] | None = None
    date_of_birth: Annotated[str, Field(max_length=20)] | None = None
    contact_number: Annotated[str, Field(max_length=64)] | None = None


class DeviceOut(View):
    """A device signed in over the API."""

    id: int
    device_name: str
    created_at: datetime
    last_used_at: datetime


# ------------------------------------------------------------------------------ catalog


class CategoryOut(View):
    """A catalog category."""

    id: int
    name: str
    slug: str
    description: str


class CourseCardOut(View):
    """A course in a list."""

    id: int
    slug: str
    title: str
    subtitle: str
    instructor_name: str
    category_name: str
    level: str
    rating_avg: float
    rating_count: int
    price_label: str
    thumbnail_url: str
    student_count: int


class LessonOut(View):
    """A lesson line of the syllabus (no video address: lessons play on the web)."""

    id: int
    title: str
    duration_label: str
    is_preview: bool


class SectionOut(View):
    """A section of the syllabus with its lessons in order."""

    id: int
    title: str
    lesson_count: int
    duration_label: str
    lessons: list[LessonOut]


class CourseOut(View):
    """A course's page: details and syllabus."""

    id: int
    slug: str
    title: str
    subtitle: str
    description_html: str
    status: str
    instructor_name: str
    category_name: str
    category_slug: str
    level: str
    language: str
    price_label: str
    is_free: bool
    rating_avg: float
    rating_count: int
    rating_distribution: list[int]
    student_count: int
    thumbnail_url: str
    what_you_will_learn: list[str]
    requirements: list[str]
    sections: list[SectionOut]
    lesson_count: int
    total_duration_label: str


# ------------------------------------------------------------------------------ learning


class EnrollmentOut(View):
    """A course the caller is enrolled in, with their progress."""

    slug: str
    title: str
    instructor_name: str
    thumbnail_url: str
    completed_lessons: int
    total_lessons: int
    percent: int


class EnrolledOut(View):
    """The caller is enrolled in this course."""

    course_slug: str
    enrolled: bool


class CourseProgressOut(View):
    """The caller's completed lessons of a course."""

    completed: int
    total: int
    percent: int


class ProgressIn(Strict):
    """Where the player is and the seconds watched since the last report."""

    position_s: Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]
    watched_delta_s: Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)] = 0.0
    ended: bool = False


class ProgressOut(View):
    """A lesson's stored progress; the course percentage when it is complete."""

    position_s: float
    watched_s: float
    completed: bool
    course_percent: int | None
    course_completed: bool


# ------------------------------------------------------------------------------ reviews


class ReviewOut(View):
    """A published review (the author as a first name and initial)."""

    id: int
    author: str
    rating: int
    body: str
    date_label: str
    instructor_reply: str


class MyReviewOut(View):
    """The caller's own review."""

    id: int
    rating: int
    body: str
    date_label: str
    is_hidden: bool
    instructor_reply: str


class ReviewIn(Strict):
    """A rating of 1 to 5 stars and an optional text."""

    rating: Annotated[int, Field(ge=1, le=5)]
    body: Annotated[str, Field(max_length=5000)] = ""


# ------------------------------------------------------------------------------ teach, admin


class TeachingCourseOut(View):
    """A course the caller teaches, with its numbers."""

    id: int
    slug: str
    title: str
    status: str
    students: int
    rating_avg: float
    rating_count: int
    completion_rate: int


class DayCountOut(View):
    """A count for one UTC day."""

    day: date
    count: int


class FunnelOut(View):
    """Enrolled students, and how many started, got half-way and finished."""

    enrolled: int
    started: int
    halfway: int
    completed: int


class LessonStatOut(View):
    """One lesson: the share of starters who reached it, and their watch time."""

    title: str
    reached_percent: int
    avg_watch_seconds: int


class StudentProgressOut(View):
    """A student by name with their whole-percent progress."""

    name: str
    percent: int


class AnalyticsOut(View):
    """One course's analytics, as on its analytics page."""

    course_id: int
    title: str
    slug: str
    enrollments_per_day: list[DayCountOut]
    funnel: FunnelOut
    per_lesson: list[LessonStatOut]
    rating_distribution: list[int]
    students: list[StudentProgressOut]


class CourseCountOut(View):
    """A course and its number of enrollments."""

    course_id: int
    title: str
    enrollments: int


class CourseCompletionOut(View):
    """How many enrolled students finished a course."""

    course_id: int
    title: str
    students: int
    completed: int
    percent: int


class DayPointOut(View):
    """A count for one UTC day (ISO date)."""

    day: str
    count: int


class StatsOut(View):
    """Per-day series ("signups", "enrollments", "completions") and the overview's tables."""

    series: dict[str, list[DayPointOut]]
    active_7: int
    active_30: int
    top: list[CourseCountOut]
    rates: list[CourseCompletionOut]


class AdminUserOut(View):
    """A line of the admin user list."""

    id: int
    name: str
    email: str
    role: str
    verified: bool
    active: bool
    joined_label: str
    courses_count: int
