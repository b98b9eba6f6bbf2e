"""Bad input over the API: always a 4xx problem document, never a 500 or a traceback."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from lms_reflex.api.v1.body_limit import MAX_BODY_BYTES
from tests.integration.api.conftest import API, Catalog

PROBLEM = "application/problem+json"


def _is_problem(resp, status: int) -> None:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == PROBLEM
    body = resp.json()
    assert body["status"] == status and body["type"].startswith("/api/v1/problems/")
    assert "Traceback" not in resp.text


@pytest.mark.parametrize(
    "raw",
    [b"{", b"not json", b"[]", b"null", b'{"email": 1, "password": []}', b"\xff\xfe"],
)
def test_malformed_or_mistyped_json_is_422(client: TestClient, raw: bytes) -> None:
    resp = client.post(
        f"{API}/auth/token", content=raw, headers={"content-type": "application/json"}
    )
    _is_problem(resp, 422)


def test_unknown_fields_are_refused(client: TestClient) -> None:
    resp = client.post(
        f"{API}/auth/token", json={"email": "a@example.org", "password": "x", "admin": True}
    )
    _is_problem(resp, 422)
    assert any(e["field"] == "admin" for e in resp.json()["errors"])


def test_huge_bodies_are_413(client: TestClient) -> None:
    big = b'{"email": "' + b"a" * (MAX_BODY_BYTES + 10) + b'"}'
    _is_problem(
        client.post(f"{API}/auth/token", content=big, headers={"content-type": "application/json"}),
        413,
    )

    def chunks():  # no Content-Length: counted while it streams
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b" " * 1024

    resp = client.post(
        f"{API}/auth/token", content=chunks(), headers={"content-type": "application/json"}
    )
    _is_problem(resp, 413)


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 101},
        {"limit": 0},
        {"page": 0},
        {"page": 10**30},
        {"limit": "ten"},
        {"sort": "DROP TABLE"},
        {"level": "expert"},
        {"price": "cheap"},
        {"q": "x" * 500},
    ],
)
def test_out_of_range_query_values_are_422(client: TestClient, params: dict) -> None:
    _is_problem(client.get(f"{API}/courses", params=params), 422)


@pytest.mark.parametrize(
    "body",
    [
        {"position_s": -1},
        {"position_s": "10"},
        {"position_s": 1e308},
        {"position_s": 10, "watched_delta_s": True},
        {"position_s": 10, "ended": "yes"},
        {},
    ],
)
def test_bad_progress_bodies_are_422(
    client: TestClient, catalog: Catalog, sign_in, body: dict
) -> None:
    me = sign_in()
    url = f"{API}/lessons/{catalog.lesson_ids[0]}/progress"
    _is_problem(client.put(url, headers=me.headers, json=body), 422)


@pytest.mark.parametrize("lesson", ["0", "-1", "abc", str(2**31), str(2**63), "1.5", str(10**40)])
def test_bad_ids_in_paths_are_422(client: TestClient, sign_in, lesson: str) -> None:
    me = sign_in()
    _is_problem(client.post(f"{API}/lessons/{lesson}/completion", headers=me.headers), 422)


def test_unknown_ids_are_404(client: TestClient, catalog: Catalog, sign_in) -> None:
    me = sign_in()
    _is_problem(client.post(f"{API}/lessons/{2**31 - 1}/completion", headers=me.headers), 404)
    _is_problem(client.get(f"{API}/courses/no-such-course"), 404)
    _is_problem(client.get(f"{API}/courses/NOT_A_SLUG"), 422)


def test_review_rating_out_of_range(client: TestClient, catalog: Catalog, sign_in) -> None:
    me = sign_in()
    client.post(f"{API}/courses/python-basics/enrollment", headers=me.headers)
    url = f"{API}/courses/python-basics/reviews/me"
    for rating in (0, 6, 4.5, "5", None):
        _is_problem(client.put(url, headers=me.headers, json={"rating": rating}), 422)


def test_unknown_routes_and_methods_are_problems(client: TestClient) -> None:
    _is_problem(client.get(f"{API}/nothing-here"), 404)
    _is_problem(client.delete(f"{API}/categories"), 405)


def test_an_unexpected_error_is_a_bare_500_problem(
    engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from lms_reflex.api import build_api
    from lms_reflex.services.catalog import listings

    def broken(**_: object) -> None:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(listings, "list_categories", broken)
    client = TestClient(build_api(), raise_server_exceptions=False)
    resp = client.get(f"{API}/categories")
    _is_problem(resp, 500)
    assert "secret internals" not in resp.text and "RuntimeError" not in resp.text
    assert "secret internals" in caplog.text  # the log keeps what the answer hides
