"""Catalog, learning and review routes over HTTP, signed in as a student."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.integration.api.conftest import API, Catalog


def test_catalog_lists_searches_and_hides_drafts(client: TestClient, catalog: Catalog) -> None:
    everything = client.get(f"{API}/courses").json()
    assert everything["total"] == 2 and everything["limit"] == 20
    assert {c["slug"] for c in everything["items"]} == {"python-basics", "rust-basics"}
    found = client.get(f"{API}/courses", params={"q": "python"}).json()
    assert [c["slug"] for c in found["items"]] == ["python-basics"]
    paged = client.get(f"{API}/courses", params={"limit": 1, "page": 2, "sort": "newest"})
    assert paged.json()["pages"] == 2 and len(paged.json()["items"]) == 1
    cats = client.get(f"{API}/categories").json()
    assert [c["slug"] for c in cats] == ["programming"]
    assert client.get(f"{API}/courses", params={"category": "programming"}).json()["total"] == 2
    detail = client.get(f"{API}/courses/python-basics").json()
    assert detail["lesson_count"] == 3 and detail["sections"][0]["lessons"]
    hidden = client.get(f"{API}/courses/secret-draft")
    assert hidden.status_code == 404 and hidden.json()["type"].endswith("/not-found")


def test_the_draft_is_visible_to_its_instructor_only(
    client: TestClient, catalog: Catalog, sign_in
) -> None:
    from tests.integration.api.conftest import teacher_signed
    from tests.unit.conftest import DEFAULT_PASSWORD

    owner = teacher_signed(client, "teacher.a@example.org", DEFAULT_PASSWORD)
    other = teacher_signed(client, "teacher.b@example.org", DEFAULT_PASSWORD)
    assert client.get(f"{API}/courses/secret-draft", headers=owner.headers).status_code == 200
    assert client.get(f"{API}/courses/secret-draft", headers=other.headers).status_code == 404
    student = sign_in()
    assert client.get(f"{API}/courses/secret-draft", headers=student.headers).status_code == 404


def test_enroll_progress_complete_and_review(
    client: TestClient, catalog: Catalog, sign_in, mailbox
) -> None:
    me = sign_in()
    h = me.headers
    enrolled = client.post(f"{API}/courses/python-basics/enrollment", headers=h)
    assert enrolled.status_code == 200 and enrolled.json()["enrolled"] is True
    assert [m.to for m in mailbox.sent] == [me.user.email]  # sent after the reply
    lesson = catalog.lesson_ids[0]
    put = client.put(
        f"{API}/lessons/{lesson}/progress",
        headers=h,
        json={"position_s": 20.0, "watched_delta_s": 20.0},
    )
    assert put.status_code == 200 and put.json()["position_s"] == 20.0
    done = client.post(f"{API}/lessons/{lesson}/completion", headers=h).json()
    assert done["completed"] is True and done["course_percent"] == 33
    progress = client.get(f"{API}/courses/python-basics/progress", headers=h).json()
    assert progress == {"completed": 1, "total": 3, "percent": 33}
    mine = client.get(f"{API}/me/enrollments", headers=h).json()
    assert [(c["slug"], c["percent"]) for c in mine["items"]] == [("python-basics", 33)]
    assert mine["total"] == 1
    undone = client.delete(f"{API}/lessons/{lesson}/completion", headers=h).json()
    assert undone["completed"] is False
    review = client.put(
        f"{API}/courses/python-basics/reviews/me", headers=h, json={"rating": 4, "body": "Good"}
    )
    assert review.status_code == 200 and review.json()["rating"] == 4
    edited = client.put(f"{API}/courses/python-basics/reviews/me", headers=h, json={"rating": 5})
    assert edited.json()["id"] == review.json()["id"] and edited.json()["rating"] == 5
    listed = client.get(f"{API}/courses/python-basics/reviews").json()
    assert listed["total"] == 1 and listed["items"][0]["rating"] == 5
    assert client.delete(f"{API}/courses/python-basics/reviews/me", headers=h).status_code == 204
    gone = client.delete(f"{API}/courses/python-basics/reviews/me", headers=h)
    assert gone.status_code == 404


def test_watched_time_follows_the_players_rules(
    client: TestClient, catalog: Catalog, sign_in
) -> None:
    me = sign_in()
    client.post(f"{API}/courses/python-basics/enrollment", headers=me.headers)
    lesson = catalog.lesson_ids[1]
    resp = client.put(
        f"{API}/lessons/{lesson}/progress",
        headers=me.headers,
        json={"position_s": 60.0, "watched_delta_s": 3600.0},
    )
    assert resp.status_code == 200 and resp.json()["watched_s"] <= 30.0  # capped per report
    past_end = client.put(
        f"{API}/lessons/{lesson}/progress", headers=me.headers, json={"position_s": 99999.0}
    )
    assert past_end.status_code == 422


def test_me_patch_changes_profile_fields_only(client: TestClient, sign_in) -> None:
    me = sign_in()
    resp = client.patch(f"{API}/me", headers=me.headers, json={"first_name": "Ada"})
    assert resp.status_code == 200 and resp.json()["first_name"] == "Ada"
    assert resp.json()["last_name"] == "User" and resp.json()["role"] == "student"
    sneaky = client.patch(f"{API}/me", headers=me.headers, json={"role": "admin"})
    assert sneaky.status_code == 422
    assert client.get(f"{API}/me", headers=me.headers).json()["role"] == "student"
    blank = client.patch(f"{API}/me", headers=me.headers, json={"first_name": "  "})
    assert blank.status_code == 422 and "first name" in blank.json()["detail"]


def test_writes_are_rate_limited_per_user(
    client: TestClient, catalog: Catalog, sign_in, monkeypatch
) -> None:
    from lms_reflex.api.v1 import deps

    monkeypatch.setattr(deps, "WRITES_PER_MINUTE", 3)
    me, other = sign_in(), sign_in()
    url = f"{API}/courses/python-basics/enrollment"
    assert [client.post(url, headers=me.headers).status_code for _ in range(3)] == [200] * 3
    refused = client.post(url, headers=me.headers)
    assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 61
    assert client.post(url, headers=other.headers).status_code == 200  # per user
