"""/api/media: lesson videos for the right people only, with Range (docs/security.md cases 33, 32).

Real files made with PyAV under LMS_MEDIA_DIR, served by the real Starlette routes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.db import dispose_engines, session_scope
from lms_reflex.media import storage
from lms_reflex.media.samples import make_test_video
from lms_reflex.media.signing import sign_media_url, verify_media_signature
from lms_reflex.models import Course, CourseStatus, Enrollment, Lesson, Role, Section, User
from lms_reflex.services.accounts import sessions
from lms_reflex.services.media_access import Grant, media_grant
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import add_course, add_user


@dataclass(frozen=True)
class Setup:
    """Ids and keys of the course under test (plain values, usable across sessions)."""

    course_id: int
    preview_lesson: int
    locked_lesson: int
    preview_key: str
    locked_key: str
    locked_size: int
    student: int
    stranger: int
    teacher: int
    other_teacher: int
    admin: int


@pytest.fixture(autouse=True)
def fresh_engines():
    dispose_engines()
    yield
    dispose_engines()


@pytest.fixture(scope="module")
def video_bytes(tmp_path_factory) -> bytes:
    """One small real H.264 file, made once and copied under each test's media dir."""
    path = tmp_path_factory.mktemp("video") / "lesson.mp4"
    make_test_video(path, seconds=1, width=64, height=64, fps=12)
    return path.read_bytes()


def store_video(data: bytes) -> str:
    key = storage.new_key("videos", ".mp4")
    storage.write_atomic(key, data)
    return key


@pytest.fixture
def setup(engine, video_bytes: bytes) -> Setup:
    with session_scope() as db:
        teacher = add_user(db, "teacher@example.org", Role.INSTRUCTOR)
        course = add_course(db, teacher, "video-course", lessons=2)
        preview, locked = db.exec(
            select(Lesson)
            .join(Section)
            .where(Section.course_id == course.id)
            .order_by(col(Lesson.position))
        ).all()
        keys = [store_video(video_bytes), store_video(video_bytes)]
        for lesson, key in zip((preview, locked), keys, strict=True):
            lesson.video_key = key
            db.add(lesson)
        student = add_user(db, "student@example.org")
        db.add(Enrollment(user_id=student.id, course_id=course.id))
        ids = {
            "stranger": add_user(db, "stranger@example.org").id,
            "other_teacher": add_user(db, "other@example.org", Role.INSTRUCTOR).id,
            "admin": add_user(db, "admin@example.org", Role.ADMIN).id,
        }
        return Setup(
            course_id=course.id,
            preview_lesson=preview.id,
            locked_lesson=locked.id,
            preview_key=keys[0],
            locked_key=keys[1],
            locked_size=len(video_bytes),
            student=student.id,
            teacher=teacher.id,
            **ids,
        )


def client_for(user_id: int | None) -> TestClient:
    """A browser, signed in as `user_id` through a real session cookie (or anonymous)."""
    client = TestClient(build_api())
    token = _token_of(user_id)
    if token is not None:
        client.cookies.set("lms_session", token)
    return client


def _token_of(user_id: int | None) -> str | None:
    """A real session token for `user_id` (None for an anonymous visitor)."""
    if user_id is None:
        return None
    with session_scope() as db:
        return sessions.create_session(session=db, user_id=user_id, ip="127.0.0.1", user_agent="t")


def url(key: str) -> str:
    return f"/api/media/{key}"


# ------------------------------------------------------------------------------ who gets in


def test_anonymous_visitors_get_401_for_a_lesson_video(setup: Setup) -> None:
    resp = client_for(None).get(url(setup.locked_key))
    assert resp.status_code == 401
    assert resp.content == b"You may not open this file."


@pytest.mark.parametrize("who", ["stranger", "other_teacher"])
def test_signed_in_users_who_are_not_enrolled_get_403(setup: Setup, who: str) -> None:
    assert client_for(getattr(setup, who)).get(url(setup.locked_key)).status_code == 403


@pytest.mark.parametrize("who", ["student", "teacher", "admin"])
def test_students_the_instructor_and_admins_get_the_video(setup: Setup, who: str) -> None:
    resp = client_for(getattr(setup, who)).get(url(setup.locked_key))
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "video/mp4"
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["cache-control"].startswith("private")
    assert resp.headers["accept-ranges"] == "bytes"
    assert len(resp.content) == setup.locked_size


def test_a_range_request_gets_206_with_content_range(setup: Setup) -> None:
    resp = client_for(setup.student).get(url(setup.locked_key), headers={"Range": "bytes=0-99"})
    assert resp.status_code == 206
    assert resp.headers["content-range"] == f"bytes 0-99/{setup.locked_size}"
    assert len(resp.content) == 100
    whole = client_for(setup.student).get(url(setup.locked_key)).content
    assert resp.content == whole[:100]


def test_an_open_ended_range_from_the_middle(setup: Setup) -> None:
    start = setup.locked_size // 2
    resp = client_for(setup.student).get(
        url(setup.locked_key), headers={"Range": f"bytes={start}-"}
    )
    assert resp.status_code == 206
    assert len(resp.content) == setup.locked_size - start


def test_head_answers_headers_without_a_body(setup: Setup) -> None:
    resp = client_for(setup.student).head(url(setup.locked_key))
    assert resp.status_code == 200
    assert resp.headers["content-length"] == str(setup.locked_size)
    assert resp.headers["content-type"] == "video/mp4"
    assert resp.content == b""
    assert client_for(None).head(url(setup.locked_key)).status_code == 401


def test_a_preview_lesson_is_open_to_everyone(setup: Setup) -> None:
    resp = client_for(None).get(url(setup.preview_key))
    assert resp.status_code == 200
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["cache-control"].startswith("public")


def test_students_keep_their_videos_after_the_course_is_unpublished(setup: Setup) -> None:
    with session_scope() as db:
        course = db.get(Course, setup.course_id)
        course.status = CourseStatus.DRAFT
        db.add(course)
    assert client_for(setup.student).get(url(setup.locked_key)).status_code == 200
    assert client_for(None).get(url(setup.preview_key)).status_code == 401  # no longer public


def test_a_deactivated_student_loses_access(setup: Setup) -> None:
    client = client_for(setup.student)
    with session_scope() as db:
        user = db.get(User, setup.student)
        user.is_active = False
        db.add(user)
    assert client.get(url(setup.locked_key)).status_code == 401


# ------------------------------------------------------------------------------ signed URLs
# A signed URL is bound to the session it was made in (docs/security.md, "Video URLs bound
# to the viewer's session"): copied into another browser it opens nothing.


def signed_for(user_id: int, key: str, lesson_id: int, **kwargs) -> tuple[TestClient, str]:
    """A signed-in browser and a URL signed for its own session."""
    client = client_for(user_id)
    token = client.cookies.get("lms_session")
    return client, sign_media_url(key, user_id, lesson_id, token, **kwargs)


def test_a_signed_url_works_in_the_browser_it_was_made_for(setup: Setup) -> None:
    client, signed = signed_for(setup.student, setup.locked_key, setup.locked_lesson)
    resp = client.get(signed, headers={"Range": "bytes=0-9"})
    assert resp.status_code == 206
    assert resp.headers["cache-control"] == "private, no-store"


def test_a_copied_signed_url_is_refused_without_the_cookie(setup: Setup) -> None:
    _client, signed = signed_for(setup.student, setup.locked_key, setup.locked_lesson)
    assert client_for(None).get(signed, headers={"Range": "bytes=0-9"}).status_code == 403


def test_a_copied_signed_url_is_refused_in_another_users_browser(setup: Setup) -> None:
    _client, signed = signed_for(setup.student, setup.locked_key, setup.locked_lesson)
    assert client_for(setup.stranger).get(signed).status_code == 403


def test_a_signed_url_is_refused_with_another_session_of_the_same_user(setup: Setup) -> None:
    """Bound to the session, not only the user: a second sign-in's URL is not this one's."""
    signed_by_other_session = signed_for(setup.stranger, setup.locked_key, setup.locked_lesson)[1]
    assert client_for(setup.stranger).get(signed_by_other_session).status_code == 403
    _client, signed = signed_for(setup.student, setup.locked_key, setup.locked_lesson)
    params = dict(p.split("=", 1) for p in signed.split("?", 1)[1].split("&"))
    assert verify_media_signature(setup.locked_key, params, "another-token") is None


def test_signed_urls_are_short_lived(setup: Setup) -> None:
    _client, signed = signed_for(setup.student, setup.locked_key, setup.locked_lesson, now=0)
    params = dict(p.split("=", 1) for p in signed.split("?", 1)[1].split("&"))
    assert int(params["exp"]) <= 10 * 60
    with pytest.raises(ValueError):
        sign_media_url(setup.locked_key, setup.student, setup.locked_lesson, "t", 24 * 3600)


def test_after_expiry_the_cookie_still_plays_a_seek(setup: Setup) -> None:
    """The <video> keeps its src: a Range request past the expiry is judged by the cookie."""
    client, signed = signed_for(setup.student, setup.locked_key, setup.locked_lesson, now=1000)
    assert client.get(signed, headers={"Range": "bytes=10-19"}).status_code == 206
    assert client_for(None).get(signed, headers={"Range": "bytes=10-19"}).status_code == 403


def test_behind_nginx_a_copied_signed_url_is_refused_too(setup: Setup, settings_env) -> None:
    settings_env(media_accel_redirect="/_protected_media/")
    client, signed = signed_for(setup.student, setup.locked_key, setup.locked_lesson)
    refused = client_for(None).get(signed)
    assert refused.status_code == 403
    assert "x-accel-redirect" not in refused.headers
    allowed = client.get(signed)
    assert allowed.status_code == 200
    assert allowed.headers["x-accel-redirect"] == f"/_protected_media/{setup.locked_key}"
    assert allowed.headers["cache-control"] == "private, no-store"


def tamper(signed: str, name: str, value: str) -> str:
    path, query = signed.split("?", 1)
    pairs = [p.split("=", 1) for p in query.split("&")]
    return path + "?" + "&".join(f"{k}={value if k == name else v}" for k, v in pairs)


@pytest.mark.parametrize(
    ("name", "value"),
    [("sig", "A" * 43), ("u", "999"), ("l", "999"), ("exp", "99999999999"), ("sig", "")],
)
def test_a_tampered_signed_url_is_refused(setup: Setup, name: str, value: str) -> None:
    _client, signed = signed_for(setup.stranger, setup.locked_key, setup.locked_lesson)
    assert client_for(setup.stranger).get(tamper(signed, name, value)).status_code == 403


def test_a_signature_for_one_file_does_not_open_another(setup: Setup) -> None:
    client, signed = signed_for(setup.stranger, setup.preview_key, setup.locked_lesson)
    query = signed.split("?", 1)[1]
    assert client.get(f"{url(setup.locked_key)}?{query}").status_code == 403


def test_a_signed_url_made_for_a_stranger_is_refused(setup: Setup) -> None:
    client, signed = signed_for(setup.stranger, setup.locked_key, setup.locked_lesson)
    assert client.get(signed).status_code == 403


def test_signatures_verify_only_their_own_key_user_lesson_time_and_session(setup: Setup) -> None:
    key = "videos/" + "b" * 32 + ".mp4"
    signed = sign_media_url(key, 7, 9, "tok", expires_in_s=60, now=1000)
    params = dict(p.split("=", 1) for p in signed.split("?", 1)[1].split("&"))
    assert verify_media_signature(key, params, "tok", now=1059) == (7, 9)
    assert verify_media_signature(key, params, "tok", now=1060) is None
    assert verify_media_signature(key, params, None, now=1000) is None
    assert verify_media_signature(key, params, "tok2", now=1000) is None
    assert verify_media_signature("videos/" + "c" * 32 + ".mp4", params, "tok", now=1000) is None
    for bad in ({"u": "+7"}, {"u": "7 "}, {"u": "\u0667"}, {"exp": "-1"}, {"sig": "é"}):
        assert verify_media_signature(key, {**params, **bad}, "tok", now=1000) is None
    with pytest.raises(ValueError):
        sign_media_url(key, 7, 9, "tok", expires_in_s=0)
    with pytest.raises(ValueError):
        sign_media_url(key, 7, 9, "")


# ------------------------------------------------------------------------------ small ranges


def test_a_small_range_is_read_with_the_access_check_in_one_thread_hop(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A playing video asks a range every few hundred KiB: one hop, no FileResponse."""
    from lms_reflex.api import media

    hops: list[str] = []
    real_submit = media._MEDIA_THREADS.submit

    def submit(fn, /, *args, **kwargs):
        hops.append(fn.args[0].__name__)  # partial(context.run, the work)
        return real_submit(fn, *args, **kwargs)

    monkeypatch.setattr(media._MEDIA_THREADS, "submit", submit)
    monkeypatch.setattr(media, "_MediaFile", None)  # any use would fail
    client = client_for(setup.student)
    whole = storage.path_for(setup.locked_key).read_bytes()
    resp = client.get(url(setup.locked_key), headers={"Range": "bytes=100-1099"})
    assert resp.status_code == 206 and hops == ["_check_and_read"]
    assert resp.content == whole[100:1100]
    assert resp.headers["content-range"] == f"bytes 100-1099/{setup.locked_size}"
    assert resp.headers["content-length"] == "1000"
    assert resp.headers["cache-control"] == "private, no-store"
    tail = client.get(url(setup.locked_key), headers={"Range": "bytes=1000-"})
    assert tail.status_code == 206 and tail.content == whole[1000:]
    assert tail.headers["content-range"] == f"bytes 1000-{len(whole) - 1}/{len(whole)}"


def test_a_small_range_carries_the_same_validators_as_the_whole_file(setup: Setup) -> None:
    """A player's If-Range names the ETag or date it got: both answers must agree on them."""
    client = client_for(setup.student)
    whole = client.get(url(setup.locked_key))
    part = client.get(url(setup.locked_key), headers={"Range": "bytes=0-9"})
    for name in ("etag", "last-modified", "accept-ranges", "content-type"):
        assert part.headers[name] == whole.headers[name], name
    same = client.get(
        url(setup.locked_key), headers={"Range": "bytes=0-9", "If-Range": whole.headers["etag"]}
    )
    assert (same.status_code, same.content) == (206, whole.content[:10])
    stale = client.get(url(setup.locked_key), headers={"Range": "bytes=0-9", "If-Range": '"x"'})
    assert (stale.status_code, stale.content) == (200, whole.content)


@pytest.mark.parametrize(
    ("header", "status"),
    [
        ("bytes=-10", 206),  # the last 10 bytes
        ("bytes=0-1,5-9", 206),  # two ranges: multipart
        ("bytes=999999999-", 416),
        ("bytes=oops", 400),
        ("bytes=" + "9" * 5000 + "-", 400),  # past what int() may parse
    ],
)
def test_other_range_forms_are_answered_as_before(setup: Setup, header: str, status: int) -> None:
    resp = client_for(setup.student).get(url(setup.locked_key), headers={"Range": header})
    assert resp.status_code == status


def test_a_refused_small_range_reads_nothing(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> None:
    from lms_reflex.api import media

    def no_read(*_args: object) -> bytes:
        raise AssertionError("read for a refused caller")

    monkeypatch.setattr(media, "_read_range", no_read)
    for who in (None, setup.stranger):
        resp = client_for(who).get(url(setup.locked_key), headers={"Range": "bytes=0-99"})
        assert resp.status_code in (401, 403) and resp.content == b"You may not open this file."


def test_a_symlink_planted_in_the_media_dir_is_not_served(setup: Setup, tmp_path: Path) -> None:
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(b"not for you")
    path = storage.path_for(setup.locked_key)
    path.unlink()
    path.symlink_to(secret)
    for headers in ({}, {"Range": "bytes=0-5"}):
        resp = client_for(setup.admin).get(url(setup.locked_key), headers=headers)
        assert resp.status_code == 404 and b"not for you" not in resp.content


# ------------------------------------------------------------------------------ path tricks


@pytest.mark.parametrize(
    "path",
    [
        "/api/media/%2E%2E/%2E%2E/etc/passwd",
        "/api/media/videos/..%2F..%2Fsecret.mp4",
        "/api/media//etc/passwd",
        "/api/media/%2Fetc%2Fpasswd",
        "/api/media/videos/" + "a" * 32 + ".mp4%00.html",
        "/api/media/videos/" + "A" * 32 + ".mp4",
        "/api/media/videos/x.mp4",
    ],
)
def test_path_tricks_are_not_found(setup: Setup, path: str) -> None:
    outside = Path(storage.media_root()).parent / "secret.mp4"
    outside.write_bytes(b"not for you")
    resp = client_for(setup.admin).get(path)
    assert resp.status_code == 404
    assert b"not for you" not in resp.content


def test_a_known_key_without_a_file_is_not_found(setup: Setup) -> None:
    missing = storage.new_key("videos", ".mp4")
    assert client_for(setup.admin).get(url(missing)).status_code == 404


# ------------------------------------------------------------------------------ behind nginx


def test_behind_nginx_the_route_checks_access_and_lets_nginx_send_the_file(
    setup: Setup, settings_env
) -> None:
    settings_env(media_accel_redirect="/_protected_media/")
    resp = client_for(setup.student).get(url(setup.locked_key))
    assert resp.status_code == 200
    assert resp.headers["x-accel-redirect"] == f"/_protected_media/{setup.locked_key}"
    assert resp.headers["content-type"] == "video/mp4"
    assert resp.headers["cache-control"].startswith("private")
    assert resp.content == b""


def test_behind_nginx_a_refused_request_names_no_file(setup: Setup, settings_env) -> None:
    settings_env(media_accel_redirect="/_protected_media/")
    for who in (None, setup.stranger):
        resp = client_for(who).get(url(setup.locked_key))
        assert resp.status_code in (401, 403)
        assert "x-accel-redirect" not in resp.headers


# ------------------------------------------------------------------------------ cost


def test_a_range_request_for_a_lesson_video_costs_two_selects(setup: Setup) -> None:
    """A playing video asks once per Range request: session, then lesson facts."""
    with session_scope() as db:
        token = sessions.create_session(
            session=db, user_id=setup.student, ip="127.0.0.1", user_agent="pytest"
        )
    with session_scope(readonly=True) as db, count_selects(db) as selects:
        grant = media_grant(session=db, key=setup.locked_key, token=token, signed=None, sig=False)
    assert (grant, selects["n"]) == (Grant.PRIVATE, 2)


def test_a_signed_range_request_costs_no_more_than_an_unsigned_one(setup: Setup) -> None:
    """Binding the URL to the session reads nothing new: the cookie is hashed, not looked up."""
    client, signed = signed_for(setup.student, setup.locked_key, setup.locked_lesson)
    token = client.cookies.get("lms_session")
    query = dict(p.split("=", 1) for p in signed.split("?", 1)[1].split("&"))
    verified = verify_media_signature(setup.locked_key, query, token)
    assert verified == (setup.student, setup.locked_lesson)
    with session_scope(readonly=True) as db, count_selects(db) as selects:
        grant = media_grant(
            session=db, key=setup.locked_key, token=token, signed=verified, sig=True
        )
    assert (grant, selects["n"]) == (Grant.PRIVATE, 2)


# ------------------------------------------------------------------------------ plain connection


@pytest.mark.parametrize(
    "who", [None, "student", "teacher", "admin", "stranger", "other_teacher", "gone"]
)
@pytest.mark.parametrize("which", ["locked", "preview"])
def test_the_lesson_rule_on_a_plain_connection_agrees_with_the_whole_check(
    setup: Setup, who: str | None, which: str
) -> None:
    """It gives media_grant's own answer, or leaves the request to media_grant (refusals)."""
    from lms_reflex.db import run_reads
    from lms_reflex.services.media_access import lesson_media_grant

    key = getattr(setup, f"{which}_key")
    token = "not-a-session" if who == "gone" else _token_of(who and getattr(setup, who))
    quick = run_reads(lesson_media_grant, key=key, token=token)
    with session_scope(readonly=True) as db:
        whole = media_grant(session=db, key=key, token=token, signed=None, sig=False)
    expected = {
        (None, "locked"): None,
        ("gone", "locked"): None,
        ("stranger", "locked"): None,
        ("other_teacher", "locked"): None,
        ("admin", "locked"): Grant.PRIVATE,  # course staff, like the instructor
        ("student", "locked"): Grant.PRIVATE,
        ("teacher", "locked"): Grant.PRIVATE,
    }.get((who, which), Grant.PUBLIC)
    assert quick == expected
    assert quick is None or quick == whole


def test_a_students_range_request_opens_no_orm_session(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session and lesson reads run on a plain connection: a Session's own lifecycle
    cost more than the two statements (benchmarks/README.md, "Seventh session")."""
    from lms_reflex.api import media

    client = client_for(setup.student)
    stranger = client_for(setup.stranger)

    def no_session(*_args, **_kwargs):
        raise AssertionError("an ORM session was opened")

    monkeypatch.setattr(media, "run_service", no_session)
    resp = client.get(url(setup.locked_key), headers={"Range": "bytes=0-99"})
    assert resp.status_code == 206 and len(resp.content) == 100
    with pytest.raises(AssertionError, match="ORM session"):  # refusals: media_grant decides
        stranger.get(url(setup.locked_key), headers={"Range": "bytes=0-99"})


def test_a_plain_connection_check_costs_the_same_two_selects(setup: Setup) -> None:
    from sqlalchemy import event

    from lms_reflex.db import get_engine, run_reads
    from lms_reflex.services.media_access import lesson_media_grant

    token = _token_of(setup.student)
    seen: list[str] = []

    def on_execute(_conn, _cursor, statement: str, *_args) -> None:
        seen.append(statement.lstrip().split()[0].upper())

    engine = get_engine(readonly=True)
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        grant = run_reads(lesson_media_grant, key=setup.locked_key, token=token)
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    assert (grant, seen) == (Grant.PRIVATE, ["SELECT", "SELECT"])


# ------------------------------------------------------------------------------ ahead of the stack


def _stack_beneath() -> tuple[list[str], object]:
    """An app standing for everything under the media lane; it records what reached it."""
    from starlette.responses import PlainTextResponse

    reached: list[str] = []

    async def beneath(scope, receive, send) -> None:
        reached.append(f"{scope['method']} {scope['path']}")
        await PlainTextResponse("beneath", status_code=418)(scope, receive, send)

    return reached, beneath


def test_media_requests_skip_the_stack_and_keep_the_headers(setup: Setup, settings_env) -> None:
    from lms_reflex.api.media_first import serve_media_first
    from lms_reflex.api.worker_header import worker_token

    reached, beneath = _stack_beneath()
    client = TestClient(serve_media_first(beneath))  # type: ignore[arg-type]
    client.cookies.set("lms_session", _token_of(setup.student) or "")
    whole = storage.path_for(setup.locked_key).read_bytes()
    resp = client.get(url(setup.locked_key), headers={"Range": "bytes=10-19"})
    assert (resp.status_code, resp.content) == (206, whole[10:20])
    refused = TestClient(serve_media_first(beneath)).get(url(setup.locked_key))  # type: ignore[arg-type]
    assert refused.status_code == 401
    for answer in (resp, refused):
        assert answer.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-lms-worker"] == worker_token()
    assert client.head(url(setup.locked_key)).status_code == 200
    assert client.get("/api/media/videos/%2e%2e%2flms.db").status_code == 404
    assert reached == []


def test_everything_else_goes_down_the_stack(setup: Setup) -> None:
    from lms_reflex.api.media_first import serve_media_first

    reached, beneath = _stack_beneath()
    client = TestClient(serve_media_first(beneath))  # type: ignore[arg-type]
    assert client.post(url(setup.locked_key)).status_code == 418
    assert client.get("/api/mediafile").status_code == 418
    assert client.get("/api/health").status_code == 418
    assert reached == [f"POST {url(setup.locked_key)}", "GET /api/mediafile", "GET /api/health"]


def test_the_app_puts_the_media_lane_outermost() -> None:
    from lms_reflex.api.media_first import serve_media_first
    from lms_reflex.lms_reflex import app

    assert isinstance(app.api_transformer, list)
    assert app.api_transformer[-1] is serve_media_first


def test_the_plain_connection_check_on_postgres(pg_session) -> None:
    """The same statements outside an ORM session on PostgreSQL, whose driver opens its own
    transaction for them; the pool rolls it back when the connection goes back."""
    from lms_reflex.db import run_reads
    from lms_reflex.services.media_access import lesson_media_grant

    teacher = add_user(pg_session, "teacher@example.org", Role.INSTRUCTOR)
    course = add_course(pg_session, teacher, "pg-video-course", lessons=1)
    lesson = pg_session.exec(
        select(Lesson).join(Section).where(Section.course_id == course.id)
    ).one()
    lesson.video_key, lesson.is_preview = "videos/" + "a" * 32 + ".mp4", False
    student = add_user(pg_session, "student@example.org")
    pg_session.add(Enrollment(user_id=student.id, course_id=course.id))
    pg_session.add(lesson)
    pg_session.commit()
    token = sessions.create_session(session=pg_session, user_id=student.id, ip="1", user_agent="t")
    pg_session.commit()
    for _ in range(3):  # the same pooled connection, again and again
        assert run_reads(lesson_media_grant, key=lesson.video_key, token=token) == Grant.PRIVATE
    assert run_reads(lesson_media_grant, key=lesson.video_key, token=None) is None


def test_the_lane_answers_every_forged_request_as_the_route_does(setup: Setup) -> None:
    """The same requests through the media lane and through the stack's route: anonymous,
    strangers, another instructor, copied and tampered signatures, path tricks, HEAD."""
    from lms_reflex.api.media_first import serve_media_first

    _reached, beneath = _stack_beneath()
    lane, route = serve_media_first(beneath), build_api()  # type: ignore[arg-type]
    owner_token = _token_of(setup.student)
    signed = sign_media_url(setup.locked_key, setup.student, setup.locked_lesson, owner_token)
    tampered = signed.replace("sig=", "sig=0")
    cases = [
        (None, "GET", url(setup.locked_key)),
        (setup.stranger, "GET", url(setup.locked_key)),
        (setup.other_teacher, "GET", url(setup.locked_key)),
        (setup.student, "GET", url(setup.locked_key)),
        (setup.admin, "HEAD", url(setup.locked_key)),
        (None, "GET", url(setup.preview_key)),
        (None, "GET", signed),
        (setup.stranger, "GET", signed),
        ("owner", "GET", signed),
        ("owner", "GET", tampered),  # the owner's cookie alone admits
        (None, "GET", tampered),
        (setup.student, "GET", "/api/media/videos/%2e%2e%2flms.db"),
        (setup.student, "GET", "/api/media/videos/" + "0" * 32 + ".mp4"),  # no such lesson
        (setup.admin, "GET", "/api/media/videos/" + "0" * 32 + ".mp4"),  # admins: no file
    ]
    statuses = []
    for who, method, path in cases:
        token = owner_token if who == "owner" else _token_of(who)  # type: ignore[arg-type]
        answers = []
        for app in (lane, route):
            client = TestClient(app)  # type: ignore[arg-type]
            if token:
                client.cookies.set("lms_session", token)
            resp = client.request(method, path, headers={"Range": "bytes=0-99"})
            kept = ("content-range", "cache-control", "content-type", "content-length")
            answers.append((resp.status_code, resp.content, [resp.headers.get(h) for h in kept]))
        assert answers[0] == answers[1], (who, method, path)
        statuses.append(answers[0][0])
    assert statuses == [401, 403, 403, 206, 206, 206, 403, 403, 206, 206, 403, 404, 403, 404]
