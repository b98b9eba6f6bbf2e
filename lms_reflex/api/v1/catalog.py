"""Catalog: categories, the course list (the search page's filters) and a course's page.

Anyone may read these; with a token, a course's own instructor or an admin also sees its
draft, exactly as on the web (`listings.can_see_unpublished`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from sqlmodel import Session

from lms_reflex.api.v1.deps import Limit, PageNumber, Slug, as_visitor
from lms_reflex.api.v1.schemas import CategoryOut, CourseCardOut, CourseOut, Page
from lms_reflex.services.actor import Actor
from lms_reflex.services.catalog import listings, search
from lms_reflex.services.catalog.search import SearchPage

router = APIRouter(tags=["catalog"])

SortParam = Literal["relevance", "rating", "newest", "popular"]


def _categories(*, session: Session, actor: Actor | None) -> list[listings.CategoryView]:
    return listings.list_categories(session=session)


@router.get("/categories", response_model=list[CategoryOut])
async def categories(request: Request) -> list[CategoryOut]:
    """Every category, as the top bar lists them."""
    views = await as_visitor(request, _categories)
    return [CategoryOut.model_validate(v, from_attributes=True) for v in views]


@router.get("/courses", response_model=Page[CourseCardOut], responses={422: {}})
async def courses(
    request: Request,
    q: Annotated[str, Query(max_length=200)] = "",
    category: Annotated[str | None, Query(max_length=200)] = None,
    level: Literal["all", "beginner", "intermediate", "advanced"] | None = None,
    price: Literal["free", "paid"] | None = None,
    sort: SortParam = "relevance",
    page: PageNumber = 1,
    limit: Limit = 20,
) -> Page[CourseCardOut]:
    """Published courses: search words, category, level, price and sort, as on /search.

    Without words or filters this lists the whole catalog (most popular first by default).
    """
    found: SearchPage = await as_visitor(
        request,
        search.search_courses,
        query=q,
        category_slug=category,
        level=level,
        price=price,
        sort=sort,
        page=page,
        page_size=limit,
        browse_all=True,
    )
    cards = [CourseCardOut.model_validate(h.card, from_attributes=True) for h in found.results]
    return Page[CourseCardOut](
        items=cards, total=found.total, page=found.page, pages=found.pages, limit=limit
    )


@router.get("/courses/{slug}", response_model=CourseOut, responses={404: {}})
async def course(slug: Slug, request: Request) -> CourseOut:
    """A course's details and syllabus; a draft is not found unless it is the caller's."""
    detail = await as_visitor(request, listings.get_course_detail, slug=slug)
    return CourseOut.model_validate(detail, from_attributes=True)
