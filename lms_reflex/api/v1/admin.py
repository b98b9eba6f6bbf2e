"""Admin routes: the platform's numbers and the user search (admins only, checked by services)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from lms_reflex.api.v1.deps import SIGNED_IN, Limit, PageNumber, as_user
from lms_reflex.api.v1.schemas import AdminUserOut, Page, StatsOut
from lms_reflex.models import utcnow
from lms_reflex.services.admin import overview, users

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=SIGNED_IN)
DEFAULT_DAYS = 30


@router.get("/stats", response_model=StatsOut, responses={401: {}, 403: {}, 422: {}})
async def stats(request: Request, start: date | None = None, end: date | None = None) -> StatsOut:
    """Sign-ups, enrollments and completions per day (the last 30 days by default)."""
    end = end or utcnow().date()
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    view = await as_user(request, overview.overview, readonly=True, start=start, end=end)
    return StatsOut.model_validate(view, from_attributes=True)


@router.get("/users", response_model=Page[AdminUserOut], responses={401: {}, 403: {}})
async def user_search(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    role: Literal["student", "instructor", "admin"] | None = None,
    page: PageNumber = 1,
    limit: Limit = 25,
) -> Page[AdminUserOut]:
    """Users whose email or name contains `q`, newest first."""
    found = await as_user(
        request, users.list_users, readonly=True, query=q, role=role, page=page, page_size=limit
    )
    rows = [AdminUserOut.model_validate(r, from_attributes=True) for r in found.rows]
    return Page[AdminUserOut](
        items=rows, total=found.total, page=found.page, pages=found.pages, limit=limit
    )
