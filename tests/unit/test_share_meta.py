"""Course links preview with their title, summary and picture (issue 17): the server writes
Open Graph and Twitter tags into the course page's HTML, for published courses only."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from lms_reflex.api.share_meta import add_share_meta, with_share_meta
from lms_reflex.db import dispose_engines
from lms_reflex.models import CourseStatus, Role, User
from lms_reflex.services.catalog.share_meta import ShareMeta, course_share_meta
from tests.unit.catalog_fixtures import add_course

SHELL = (
    '<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>'
    '<title>Course · lms_reflex</title><meta content="favicon.ico" property="og:image"/>'
    '</head><body><div id="root"></div></body></html>'
)
META = ShareMeta(
    title='Rock & "Roll" <Basics>',
    summary="Chords, rhythm & riffs",
    url="https://lms.example.org/courses/rock",
    image_url="https://lms.example.org/api/media/thumbnails/rock.webp",
    site_name="Guitar School",
)


@pytest.fixture(autouse=True)
def fresh_engines():
    dispose_engines()
    yield
    dispose_engines()


def test_the_head_gets_the_course_title_and_share_tags_escaped() -> None:
    page = with_share_meta(SHELL, META)
    title = "Rock &amp; &quot;Roll&quot; &lt;Basics&gt; \u00b7 Guitar School"
    assert f"<title>{title}</title>" in page
    assert page.count("<title>") == 1
    assert '<meta property="og:title" content="Rock &amp; &quot;Roll&quot;' in page
    assert f'<meta property="og:image" content="{META.image_url}"/>' in page
    assert '<meta name="twitter:card" content="summary_large_image"/>' in page
    assert f'<meta name="twitter:image" content="{META.image_url}"/>' in page
    assert '<link rel="canonical" href="https://lms.example.org/courses/rock"/>' in page
    assert "favicon.ico" not in page  # Reflex's default og:image is replaced
    assert "<Basics>" not in page
    assert page.endswith('</head><body><div id="root"></div></body></html>')


def test_a_course_without_a_picture_gets_a_small_card_and_no_image() -> None:
    page = with_share_meta(SHELL, ShareMeta("T", "S", "https://x/courses/t", "", "Site"))
    assert '<meta name="twitter:card" content="summary"/>' in page
    assert "og:image" not in page


def test_only_published_courses_are_described(session: Session, make_user, settings_env) -> None:
    settings_env(base_url="https://lms.example.org", site_name="Guitar School")
    teacher = session.get_one(User, make_user(role=Role.INSTRUCTOR).id)
    course = add_course(session, teacher, "rock", description="## Learn *chords* fast")
    course.thumbnail_key = "thumbnails/rock.webp"
    add_course(session, teacher, "draft", status=CourseStatus.DRAFT)
    session.commit()
    meta = course_share_meta(session=session, slug="rock")
    assert meta is not None
    assert meta.url == "https://lms.example.org/courses/rock"
    assert meta.image_url == "https://lms.example.org/api/media/thumbnails/rock.webp"
    assert meta.summary == "Learn chords fast"
    assert meta.site_name == "Guitar School"
    assert course_share_meta(session=session, slug="draft") is None
    assert course_share_meta(session=session, slug="nope") is None


def _shell(_request: Request) -> Response:
    return HTMLResponse(SHELL)


def test_the_middleware_edits_course_pages_only(session: Session, make_user) -> None:
    teacher = session.get_one(User, make_user(role=Role.INSTRUCTOR).id)
    add_course(session, teacher, "rock", title="Rock Basics")
    add_course(session, teacher, "draft", status=CourseStatus.DRAFT)
    session.commit()
    inner = Starlette(routes=[Route("/courses/{slug}", _shell), Route("/", _shell)])
    client = TestClient(add_share_meta(inner))
    answer = client.get("/courses/rock", headers={"accept-encoding": "gzip"})
    assert answer.status_code == 200
    assert "<title>Rock Basics \u00b7 " in answer.text
    assert '<meta property="og:title" content="Rock Basics"/>' in answer.text
    assert int(answer.headers["content-length"]) == len(answer.content)
    for path in ("/courses/draft", "/courses/nope", "/"):
        assert client.get(path).text == SHELL, path
