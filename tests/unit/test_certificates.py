"""Certificates of completion (issue 18): issued once at 100 %, reissued, revoked, verified.

docs/security.md cases 57 (exactly once), 58 (verify shows no private data, throttled) and
59 (account deletion leaves "revoked" only).
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlmodel import Session, col, func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from lms_reflex.api.share_meta import add_share_meta
from lms_reflex.db import session_scope
from lms_reflex.models import (
    AuditEvent,
    Certificate,
    Course,
    Enrollment,
    Lesson,
    Role,
    Section,
    User,
)
from lms_reflex.services.certificates import admin as cert_admin
from lms_reflex.services.certificates import codes, issuing, lookup, mine
from lms_reflex.services.certificates.account import export_certificates
from lms_reflex.services.certificates.share import certificate_share_meta
from lms_reflex.services.certificates.views import CertificateStatus
from lms_reflex.services.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    NotSignedIn,
    PermissionDenied,
    Throttled,
)
from lms_reflex.services.learning import heartbeat, progress
from tests.unit._helpers import count_selects
from tests.unit.catalog_fixtures import actor, add_course, add_user

IP = "203.0.113.9"


@pytest.fixture
def teacher(session: Session) -> User:
    return add_user(session, "teacher@example.org", Role.INSTRUCTOR)


@pytest.fixture
def student(session: Session) -> User:
    return add_user(session, "ada@example.org")


@pytest.fixture
def admin(session: Session) -> User:
    return add_user(session, "admin@example.org", Role.ADMIN)


@pytest.fixture
def course(session: Session, teacher: User, student: User) -> Course:
    course = add_course(session, teacher, "rust-basics", lessons=3)
    session.add(Enrollment(user_id=student.id, course_id=course.id))
    session.commit()
    return course


def lessons_of(session: Session, course: Course) -> list[Lesson]:
    return list(
        session.exec(
            select(Lesson)
            .join(Section)
            .where(Section.course_id == course.id)
            .order_by(col(Lesson.position))
        ).all()
    )


def complete(session: Session, who: User, lesson: Lesson) -> progress.ProgressView:
    view = progress.set_lesson_completed(
        session=session, actor=actor(who), lesson_id=lesson.id, completed=True
    )
    session.commit()
    return view


def finish(session: Session, who: User, course: Course) -> progress.ProgressView:
    views = [complete(session, who, lesson) for lesson in lessons_of(session, course)]
    return views[-1]


def certificates(session: Session) -> list[Certificate]:
    session.expire_all()
    return list(session.exec(select(Certificate).order_by(col(Certificate.id))).all())


# ------------------------------------------------------------------ issuing


def test_not_issued_below_100_percent(session: Session, student: User, course: Course) -> None:
    first, second, _third = lessons_of(session, course)
    assert complete(session, student, first).certificate is None
    assert complete(session, student, second).certificate is None
    assert certificates(session) == []


def test_issued_at_100_percent_with_the_printed_facts(
    session: Session, student: User, teacher: User, course: Course
) -> None:
    view = finish(session, student, course)
    assert view.course_completed and view.certificate is not None
    [row] = certificates(session)
    assert row.code == view.certificate.code and codes.canonical(row.code) == row.code
    assert row.printed_name == "Ada Tester"
    assert row.instructor_name == "Teacher Tester"
    assert row.course_title == course.title
    assert row.video_seconds == 3 * 65
    mail = view.certificate.mail
    assert mail is not None and mail.to == "ada@example.org"
    assert f"/certificates/{row.code}" in mail.text


def test_the_heartbeat_that_ends_the_last_lesson_issues_it(
    session: Session, student: User, course: Course
) -> None:
    *first, last = lessons_of(session, course)
    for lesson in first:
        complete(session, student, lesson)
    view = heartbeat.record_progress(
        session=session,
        actor=actor(student),
        lesson_id=last.id,
        position_s=65.0,
        watched_delta_s=0.0,
        ended=True,
    )
    assert view.certificate is not None


def test_a_repeated_event_does_not_issue_again(
    session: Session, student: User, course: Course
) -> None:
    finish(session, student, course)
    again = complete(session, student, lessons_of(session, course)[-1])
    assert again.course_completed and again.certificate is None
    assert len(certificates(session)) == 1


def test_not_issued_when_the_course_switch_is_off(
    session: Session, student: User, course: Course
) -> None:
    course.certificate_on_completion = False
    session.add(course)
    session.commit()
    assert finish(session, student, course).certificate is None
    assert certificates(session) == []


def test_not_issued_for_an_unenrolled_or_deactivated_user(
    session: Session, student: User, course: Course
) -> None:
    stranger = add_user(session, "stranger@example.org")
    session.commit()
    # Staff and strangers store no progress; the issuing rule refuses them on its own too.
    assert (
        issuing.issue_on_completion(session=session, user_id=stranger.id, course_id=course.id)
        is None
    )
    finish_rows = len(certificates(session))
    assert finish_rows == 0
    for lesson in lessons_of(session, course):
        complete(session, student, lesson) if lesson.position < 2 else None
    student.is_active = False
    session.add(student)
    session.commit()
    last = lessons_of(session, course)[-1]
    # The deactivated student's last lesson is completed behind the service's back.
    progress._mark_complete(session, student.id, last.id)
    assert (
        issuing.issue_on_completion(session=session, user_id=student.id, course_id=course.id)
        is None
    )
    assert certificates(session) == []


def race_completion(session: Session, student: User, course: Course, clicks: int = 8) -> None:
    """Complete the last lesson from `clicks` threads at once; exactly one issues."""
    *first, last = lessons_of(session, course)
    for lesson in first:
        complete(session, student, lesson)
    who, lesson_id = actor(student), last.id
    barrier = threading.Barrier(clicks)
    outcomes: list[object] = [None] * clicks

    def click(i: int) -> None:
        barrier.wait()
        try:
            with session_scope() as db:
                outcomes[i] = progress.set_lesson_completed(
                    session=db, actor=who, lesson_id=lesson_id, completed=True
                )
        except BaseException as exc:  # recorded, so the test names what went wrong
            outcomes[i] = exc

    threads = [threading.Thread(target=click, args=(i,)) for i in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    issued = [o for o in outcomes if isinstance(o, progress.ProgressView) and o.certificate]
    assert len(issued) == 1
    assert len(certificates(session)) == 1


def test_exactly_once_under_concurrent_completion(
    session: Session, student: User, course: Course, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every thread passes the "has one already?" check: the unique index alone decides.
    monkeypatch.setattr(issuing, "current_certificate", lambda *_args: None)
    race_completion(session, student, course)


@pytest.mark.postgres
def test_exactly_once_under_concurrent_completion_on_postgres(
    pg_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher = add_user(pg_session, "t@example.org", Role.INSTRUCTOR)
    student = add_user(pg_session, "s@example.org")
    course = add_course(pg_session, teacher, "pg-course", lessons=3)
    pg_session.add(Enrollment(user_id=student.id, course_id=course.id))
    pg_session.commit()
    monkeypatch.setattr(issuing, "current_certificate", lambda *_args: None)
    race_completion(pg_session, student, course)


# ------------------------------------------------------------------ codes


def test_codes_are_long_random_and_unique() -> None:
    made = {codes.new_code() for _ in range(5000)}
    assert len(made) == 5000
    assert all(len(code) == codes.LENGTH and codes.canonical(code) == code for code in made)
    assert codes.LENGTH * 5 >= 96  # bits: 32 symbols carry 5 bits each
    # Every symbol shows up in every position over many codes: no fixed or guessable part.
    for position in range(codes.LENGTH):
        assert {code[position] for code in made} == set(codes.ALPHABET)


def test_codes_read_back_from_what_people_type() -> None:
    code = "7KQ2M9XDABCDEFGH0123"
    assert codes.grouped(code) == "7KQ2-M9XD-ABCD-EFGH-0123"
    assert codes.canonical(" 7kq2 m9xd-abcd-efgh-Ol23 ") == code
    for junk in ["", "x" * 500, None, 5, ["7KQ2"], "7KQ2-M9XD", "U" * 20, "../../etc/passwd"]:
        assert codes.canonical(junk) is None


# ------------------------------------------------------------------ reissue


def rename(session: Session, user: User, first: str, last: str) -> None:
    user.first_name, user.last_name = first, last
    session.add(user)
    session.commit()


def test_reissue_after_a_name_change_keeps_the_old_code_verifiable(
    session: Session, student: User, course: Course
) -> None:
    old = finish(session, student, course).certificate
    assert old is not None
    with pytest.raises(Conflict):
        mine.reissue_certificate(session=session, actor=actor(student), course_id=course.id)
    rename(session, student, "Ada", "Lovelace")
    new_code = mine.reissue_certificate(session=session, actor=actor(student), course_id=course.id)
    session.commit()
    assert new_code != old.code
    old_page = lookup.verify_certificate(session=session, code=old.code, ip=IP)
    new_page = lookup.verify_certificate(session=session, code=new_code, ip=IP)
    assert old_page.status == CertificateStatus.REPLACED
    assert old_page.replaced_by_url == f"/certificates/{new_code}"
    assert old_page.holder_name == "Ada Tester"
    assert new_page.status == CertificateStatus.VALID and new_page.holder_name == "Ada Lovelace"
    assert new_page.issued_label == old_page.issued_label
    [listed] = mine.my_certificates(session=session, actor=actor(student))
    assert listed.number == new_code and not listed.name_outdated


def test_reissue_is_only_for_the_holder(
    session: Session, student: User, course: Course, admin: User
) -> None:
    finish(session, student, course)
    for who in (None, actor(admin)):
        with pytest.raises((NotSignedIn, NotFound)):
            mine.reissue_certificate(session=session, actor=who, course_id=course.id)
    for junk in ("1", None, -1, True, 10**12):
        with pytest.raises(NotFound):
            mine.reissue_certificate(session=session, actor=actor(student), course_id=junk)


# ------------------------------------------------------------------ verify


def test_verify_shows_the_certificate_and_never_an_email(
    session: Session, student: User, course: Course
) -> None:
    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    page = lookup.verify_certificate(session=session, code=codes.grouped(code).lower(), ip=IP)
    assert page.status == CertificateStatus.VALID
    assert page.course_url == "/courses/rust-basics"
    assert page.pdf_url == f"/api/media/certificates/{code}.pdf"
    assert "@" not in repr(page)


def test_unknown_and_malformed_codes_are_not_found(session: Session) -> None:
    for code in ("7KQ2-M9XD-ABCD-EFGH-0123", "nope", "", None, {"code": 1}):
        with pytest.raises(NotFound):
            lookup.verify_certificate(session=session, code=code, ip=IP)


def test_known_and_unknown_codes_cost_the_same_statements(
    session: Session, student: User, course: Course
) -> None:
    """The verify page must not time out which codes exist (docs/security.md case 58)."""
    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]

    def cost(looked_up: str) -> int:
        with count_selects(session) as seen, contextlib.suppress(NotFound):
            lookup.verify_certificate(session=session, code=looked_up, ip=IP)
        return seen["n"]

    assert cost(code) == cost("7KQ2-M9XD-ABCD-EFGH-0123") == cost("nope")


def test_lookups_are_throttled_per_address(run) -> None:
    """Through `run`, as the app calls it: an unknown code's rollback must not undo its count."""
    for _ in range(lookup.LOOKUPS_PER_ADDRESS):
        with pytest.raises(NotFound):
            run(lookup.verify_certificate, code="x", ip=IP)
    with pytest.raises(Throttled, match="Try again in"):
        run(lookup.verify_certificate, code="x", ip=IP)
    with pytest.raises(NotFound):  # another address is not affected
        run(lookup.verify_certificate, code="x", ip="198.51.100.1")


# ------------------------------------------------------------------ admin


def test_only_an_admin_lists_and_revokes(
    session: Session, student: User, teacher: User, course: Course, admin: User
) -> None:
    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    for who in (None, actor(student), actor(teacher)):
        with pytest.raises((NotSignedIn, PermissionDenied)):
            cert_admin.list_certificates(session=session, actor=who)
        with pytest.raises((NotSignedIn, PermissionDenied)):
            cert_admin.revoke_certificate(session=session, actor=who, code=code, reason="x")
    assert lookup.verify_certificate(session=session, code=code, ip=IP).status == "valid"


def test_admin_search_by_code_name_or_course(
    session: Session, student: User, course: Course, admin: User
) -> None:
    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    for query in (codes.grouped(code), "ada", "RUST", ""):
        found = cert_admin.list_certificates(session=session, actor=actor(admin), query=query)
        assert [row.number for row in found.rows] == [code], query
    assert cert_admin.list_certificates(session=session, actor=actor(admin), query="zzz").rows == []


def test_revoking_needs_a_reason_is_audited_and_mailed(
    session: Session, student: User, course: Course, admin: User
) -> None:
    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        cert_admin.revoke_certificate(session=session, actor=actor(admin), code=code, reason=" ")
    mail = cert_admin.revoke_certificate(
        session=session, actor=actor(admin), code=code, reason="Plagiarised work", ip=IP
    )
    session.commit()
    assert mail is not None and mail.to == "ada@example.org" and "Plagiarised" in mail.text
    page = lookup.verify_certificate(session=session, code=code, ip=IP)
    assert page.status == CertificateStatus.REVOKED and page.revoked_label and not page.pdf_url
    trail = session.exec(select(AuditEvent).where(AuditEvent.action == "certificate_revoked")).one()
    assert trail.actor_id == admin.id and trail.detail["certificate"] == code
    with pytest.raises(Conflict):
        cert_admin.revoke_certificate(session=session, actor=actor(admin), code=code, reason="x")
    with pytest.raises(NotFound):  # a revoked certificate is not reissued
        rename(session, student, "Ada", "Lovelace")
        mine.reissue_certificate(session=session, actor=actor(student), course_id=course.id)


# ------------------------------------------------------------------ the account


def test_export_lists_the_certificates(session: Session, student: User, course: Course) -> None:
    from lms_reflex.services.accounts import own_account

    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    [exported] = export_certificates(session, student.id)
    assert exported["code"] == codes.grouped(code) and exported["status"] == "valid"
    data = own_account.export_my_data(session=session, actor_id=student.id)
    assert data["certificates"] == [exported]


def test_the_own_list_is_for_a_signed_in_holder_only(
    session: Session, student: User, course: Course
) -> None:
    finish(session, student, course)
    with pytest.raises(NotSignedIn):
        mine.my_certificates(session=session, actor=None)
    other = add_user(session, "other@example.org")
    assert mine.my_certificates(session=session, actor=actor(other)) == []
    [listed] = mine.my_certificates(session=session, actor=actor(student))
    assert listed.status == CertificateStatus.VALID and listed.course_id == course.id


def test_deleting_the_account_leaves_only_revoked(
    session: Session, student: User, course: Course
) -> None:
    from lms_reflex.services.accounts import own_account

    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    own_account._erase_user(session, session.get(User, student.id))  # type: ignore[arg-type]
    session.commit()
    page = lookup.verify_certificate(session=session, code=code, ip=IP)
    assert page.status == CertificateStatus.REVOKED
    assert (page.holder_name, page.course_title, page.instructor_name, page.pdf_url) == (
        "",
        "",
        "",
        "",
    )
    count = session.exec(select(func.count()).select_from(Certificate)).one()
    assert count == 1


# ------------------------------------------------------------------ where students see it


def test_the_dashboard_and_the_player_offer_the_certificate(
    session: Session, student: User, course: Course
) -> None:
    from lms_reflex.services.learning import dashboard, player_page

    [card] = dashboard.list_my_courses(session=session, actor=actor(student))
    assert card.certificate_url == ""
    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    [card] = dashboard.list_my_courses(session=session, actor=actor(student))
    assert card.certificate_url == f"/certificates/{code}" and not card.certificate_outdated
    page = player_page.player_view(
        session=session,
        actor=actor(student),
        course_slug=course.slug,
        lesson_id=lessons_of(session, course)[0].id,
    )
    assert page.certificate_url == f"/certificates/{code}"
    rename(session, student, "Ada", "Lovelace")
    [card] = dashboard.list_my_courses(session=session, actor=actor(student))
    assert card.certificate_outdated


def test_only_the_course_staff_switch_certificates_off(
    session: Session, student: User, teacher: User, course: Course, admin: User
) -> None:
    from lms_reflex.services.teaching import course_details

    other = add_user(session, "other@example.org", Role.INSTRUCTOR)
    for who in (None, actor(student), actor(other)):
        with pytest.raises((NotSignedIn, PermissionDenied, NotFound)):
            course_details.set_certificate_on_completion(
                session=session, actor=who, course_id=course.id, enabled=False
            )
    with pytest.raises(InvalidInput):
        course_details.set_certificate_on_completion(
            session=session, actor=actor(teacher), course_id=course.id, enabled="off"
        )
    for who in (teacher, admin):
        assert (
            course_details.set_certificate_on_completion(
                session=session, actor=actor(who), course_id=course.id, enabled=False
            )
            is False
        )
    session.commit()
    assert finish(session, student, course).certificate is None


def test_platform_numbers_and_course_analytics_count_certificates(
    session: Session, student: User, teacher: User, course: Course, admin: User
) -> None:
    from lms_reflex.models import utcnow
    from lms_reflex.services.admin import platform_stats
    from lms_reflex.services.teaching.course_analytics import course_analytics

    finish(session, student, course)
    rename(session, student, "Ada", "Lovelace")
    mine.reissue_certificate(session=session, actor=actor(student), course_id=course.id)
    session.commit()
    today = utcnow().date()
    days = platform_stats.certificates_per_day(
        session=session, actor=actor(admin), start=today, end=today
    )
    assert [d.count for d in days] == [1]  # the reissue replaces, it does not add
    with pytest.raises(PermissionDenied):
        platform_stats.certificates_per_day(
            session=session, actor=actor(teacher), start=today, end=today
        )
    found = course_analytics(session=session, actor=actor(teacher), course_id=course.id)
    assert found.certificates_issued == 1


# ------------------------------------------------------------------ shared links
# A shared certificate link previews with its holder and course (Open Graph tags), through
# the verify page's own throttled look-up.

SHARE_SHELL = (
    '<!DOCTYPE html><html lang="en"><head><title>Certificate · lms_reflex</title>'
    '<meta property="og:title" content="Certificate of completion"/></head><body></body></html>'
)


def _shell(_request: Request) -> Response:
    return HTMLResponse(SHARE_SHELL)


def test_a_valid_certificate_previews_with_holder_and_course(
    session: Session, student: User, course: Course, settings_env
) -> None:
    settings_env(base_url="https://lms.example.org", site_name="Guitar School")
    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    meta = certificate_share_meta(session=session, code=code.lower(), ip=IP)
    assert meta is not None
    assert meta.title == f"Certificate: {course.title}"
    assert meta.summary.startswith(f"Ada Tester completed {course.title}, taught by ")
    assert meta.url == f"https://lms.example.org/certificates/{code}"
    assert meta.site_name == "Guitar School"
    assert "@" not in repr(meta)


def test_unknown_throttled_and_revoked_codes_tell_no_more_than_the_page(
    session: Session, student: User, course: Course, admin: User
) -> None:
    assert certificate_share_meta(session=session, code="7KQ2-M9XD-ABCD-EFGH-0123", ip=IP) is None
    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    cert_admin.revoke_certificate(session=session, actor=actor(admin), code=code, reason="fraud")
    revoked = certificate_share_meta(session=session, code=code, ip=IP)
    assert revoked is not None
    assert revoked.title == "Revoked certificate"
    assert "Ada" not in revoked.summary
    for _ in range(lookup.LOOKUPS_PER_ADDRESS):
        certificate_share_meta(session=session, code="nope", ip="198.51.100.7")
    assert certificate_share_meta(session=session, code=code, ip="198.51.100.7") is None


def test_the_middleware_writes_a_certificates_tags_into_its_page(
    session: Session, student: User, course: Course
) -> None:
    code = finish(session, student, course).certificate.code  # type: ignore[union-attr]
    session.commit()
    inner = Starlette(routes=[Route("/certificates/{code}", _shell)])
    client = TestClient(add_share_meta(inner))
    page = client.get(f"/certificates/{code}").text
    assert f"<title>Certificate: {course.title} \u00b7 " in page
    assert '<meta property="og:description" content="Ada Tester completed' in page
    assert "Certificate of completion" not in page  # the static tag is replaced
    assert client.get("/certificates/7KQ2-M9XD-ABCD-EFGH-0123").text == SHARE_SHELL
