"""Forged access over the API: the same refusals as the web handlers (security.md case 54)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from lms_reflex.models import Role
from tests.integration.api.conftest import API, Catalog, teacher_signed
from tests.unit.conftest import DEFAULT_PASSWORD

ADMIN_ONLY = [f"{API}/admin/stats", f"{API}/admin/users"]


@pytest.mark.parametrize("url", ADMIN_ONLY)
def test_students_and_instructors_cannot_use_admin_routes(
    client: TestClient, catalog: Catalog, sign_in, url: str
) -> None:
    student = sign_in()
    teacher = teacher_signed(client, "teacher.a@example.org", DEFAULT_PASSWORD)
    for who in (student, teacher):
        resp = client.get(url, headers=who.headers)
        assert resp.status_code == 403, resp.text
        assert resp.json()["type"] == "/api/v1/problems/forbidden"
    assert client.get(url).status_code == 401


def test_admin_routes_answer_an_admin(client: TestClient, catalog: Catalog, sign_in) -> None:
    admin = sign_in(role=Role.ADMIN)
    stats = client.get(f"{API}/admin/stats", headers=admin.headers)
    assert stats.status_code == 200 and set(stats.json()["series"]) >= {"signups"}
    users = client.get(f"{API}/admin/users", params={"q": "teacher"}, headers=admin.headers)
    assert users.json()["total"] == 2
    bad_range = client.get(
        f"{API}/admin/stats",
        params={"start": "2026-01-10", "end": "2026-01-01"},
        headers=admin.headers,
    )
    assert bad_range.status_code == 422


def test_a_student_cannot_use_instructor_routes(
    client: TestClient, catalog: Catalog, sign_in
) -> None:
    student = sign_in()
    assert client.get(f"{API}/teach/courses", headers=student.headers).status_code == 403
    url = f"{API}/teach/courses/{catalog.free.id}/analytics"
    assert client.get(url, headers=student.headers).status_code == 404


def test_instructor_a_cannot_read_bs_analytics(client: TestClient, catalog: Catalog) -> None:
    a = teacher_signed(client, "teacher.a@example.org", DEFAULT_PASSWORD)
    own = client.get(f"{API}/teach/courses/{catalog.free.id}/analytics", headers=a.headers)
    assert own.status_code == 200 and own.json()["slug"] == "python-basics"
    theirs = client.get(f"{API}/teach/courses/{catalog.other.id}/analytics", headers=a.headers)
    assert theirs.status_code == 404
    mine = client.get(f"{API}/teach/courses", headers=a.headers).json()
    assert {c["slug"] for c in mine["items"]} == {"python-basics", "secret-draft"}
    first = client.get(f"{API}/teach/courses", params={"limit": 1}, headers=a.headers).json()
    assert (len(first["items"]), first["total"], first["pages"]) == (1, 2, 2)


def test_a_student_reads_only_their_own_progress(
    client: TestClient, catalog: Catalog, sign_in
) -> None:
    alice, bob = sign_in(), sign_in()
    client.post(f"{API}/courses/python-basics/enrollment", headers=alice.headers)
    client.post(f"{API}/lessons/{catalog.lesson_ids[0]}/completion", headers=alice.headers)
    url = f"{API}/courses/python-basics/progress"
    assert client.get(url, headers=alice.headers).json()["completed"] == 1
    # No route takes a user id; one added to the query or as a header changes nothing.
    forged = client.get(url, params={"user_id": alice.user.id}, headers=bob.headers)
    assert forged.json()["completed"] == 0
    assert client.get(f"{API}/me/enrollments", headers=bob.headers).json()["items"] == []


def test_a_student_cannot_write_progress_in_a_course_they_did_not_join(
    client: TestClient, catalog: Catalog, sign_in
) -> None:
    mallory = sign_in()
    lesson = catalog.lesson_ids[2]  # not a preview
    resp = client.post(f"{API}/lessons/{lesson}/completion", headers=mallory.headers)
    assert resp.status_code == 403, resp.text
    progress = client.get(f"{API}/courses/python-basics/progress", headers=mallory.headers)
    assert progress.json()["completed"] == 0


def test_another_users_device_cannot_be_revoked(client: TestClient, sign_in) -> None:
    alice, bob = sign_in(), sign_in()
    bobs = client.get(f"{API}/me/devices", headers=bob.headers).json()[0]["id"]
    resp = client.delete(f"{API}/me/devices/{bobs}", headers=alice.headers)
    assert resp.status_code == 422
    assert client.get(f"{API}/me", headers=bob.headers).status_code == 200


def test_an_unverified_user_cannot_get_a_token(client: TestClient, make_user) -> None:
    user = make_user(verified=False)
    resp = client.post(f"{API}/auth/token", json={"email": user.email, "password": user.password})
    assert resp.status_code == 401


def test_a_draft_cannot_be_joined_or_reviewed_by_others(
    client: TestClient, catalog: Catalog, sign_in
) -> None:
    student = sign_in()
    url = f"{API}/courses/secret-draft"
    assert client.post(f"{url}/enrollment", headers=student.headers).status_code == 404
    review = client.put(f"{url}/reviews/me", headers=student.headers, json={"rating": 5})
    assert review.status_code == 404
    not_enrolled = client.put(
        f"{API}/courses/rust-basics/reviews/me", headers=student.headers, json={"rating": 1}
    )
    assert not_enrolled.status_code == 403
