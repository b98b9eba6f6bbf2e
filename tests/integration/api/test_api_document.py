"""The OpenAPI document and the docs page: every operation the issue names, the bearer scheme."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.integration.api.conftest import API

OPERATIONS = {
    ("post", "/auth/token"),
    ("post", "/auth/refresh"),
    ("post", "/auth/logout"),
    ("post", "/auth/logout-all"),
    ("get", "/me"),
    ("patch", "/me"),
    ("get", "/me/devices"),
    ("delete", "/me/devices/{device_id}"),
    ("get", "/categories"),
    ("get", "/courses"),
    ("get", "/courses/{slug}"),
    ("get", "/me/enrollments"),
    ("post", "/courses/{slug}/enrollment"),
    ("get", "/courses/{slug}/progress"),
    ("put", "/lessons/{lesson_id}/progress"),
    ("post", "/lessons/{lesson_id}/completion"),
    ("delete", "/lessons/{lesson_id}/completion"),
    ("get", "/courses/{slug}/reviews"),
    ("put", "/courses/{slug}/reviews/me"),
    ("delete", "/courses/{slug}/reviews/me"),
    ("get", "/teach/courses"),
    ("get", "/teach/courses/{course_id}/analytics"),
    ("get", "/admin/stats"),
    ("get", "/admin/users"),
    ("get", "/me/certificates"),
    ("get", "/certificates/{code}"),
    ("get", "/me/orders"),
}
PUBLIC = {
    ("post", "/auth/token"),
    ("post", "/auth/refresh"),
    ("get", "/categories"),
    ("get", "/courses"),
    ("get", "/courses/{slug}"),
    ("get", "/courses/{slug}/reviews"),
    ("get", "/certificates/{code}"),
}


def test_the_document_has_every_operation_and_marks_the_signed_in_ones(
    client: TestClient,
) -> None:
    doc = client.get(f"{API}/openapi.json").json()
    found = {(m, p) for p, item in doc["paths"].items() for m in item}
    assert found == OPERATIONS
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for method, path in OPERATIONS - PUBLIC:
        assert doc["paths"][path][method].get("security"), (method, path)
    for method, path in PUBLIC:
        assert not doc["paths"][path][method].get("security"), (method, path)


def test_the_docs_page_lists_every_operation_without_scripts(client: TestClient) -> None:
    page = client.get(f"{API}/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text.lower()
    for method, path in OPERATIONS:
        assert f"{method.upper()} /api/v1{path}" in page.text
