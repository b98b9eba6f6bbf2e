"""What a shared link to a course shows: title, summary, picture (Open Graph, Twitter).

Crawlers do not run the client-rendered pages, so `api/share_meta.py` writes these into
the HTML of /courses/<slug> on the server. Only published courses are described: a draft's
link previews like any unknown page, so a link cannot reveal what is being built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from lms_reflex import routes
from lms_reflex.models import Course, CourseStatus
from lms_reflex.services import formatting as fmt
from lms_reflex.settings import get_settings

SUMMARY_MAX = 200
_MARKUP = re.compile(r"[#*_`>\[\]()!|~-]+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ShareMeta:
    """One course's preview; `image_url` is absolute, or "" when there is no picture."""

    title: str
    summary: str
    url: str
    image_url: str
    site_name: str


def _summary(subtitle: str, description: str) -> str:
    """The subtitle, or the start of the description without markdown marks."""
    text = subtitle.strip() or _SPACE.sub(" ", _MARKUP.sub(" ", description)).strip()
    return text if len(text) <= SUMMARY_MAX else text[: SUMMARY_MAX - 1].rstrip() + "\u2026"


def course_share_meta(*, session: Session, slug: str) -> ShareMeta | None:
    """The preview of a published course; None for an unknown slug or an unpublished course."""
    course = session.exec(select(Course).where(Course.slug == slug)).first()
    if course is None or course.status != CourseStatus.PUBLISHED:
        return None
    settings = get_settings()
    image = fmt.media_url(course.thumbnail_key)
    return ShareMeta(
        title=course.title,
        summary=_summary(course.subtitle or "", course.description or ""),
        url=settings.base_url + routes.course_url(course.slug),
        image_url=settings.base_url + image if image else "",
        site_name=settings.site_name,
    )
