"""schemathesis over every operation of the OpenAPI document, in-process, as a student and
as an instructor (checks and exclusions: tests/api_fuzz.py). Well under a minute."""

from __future__ import annotations

import hashlib

import pytest
import schemathesis
from sqlalchemy import text
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.db import get_engine
from tests.api_fuzz import WATCHED, fuzz_every_operation
from tests.integration.api.conftest import API, Catalog, teacher_signed
from tests.unit.conftest import DEFAULT_PASSWORD


def fingerprint() -> str:
    """A hash of every watched row, read through the app's own engine."""
    with get_engine(readonly=True).connect() as conn:
        rows = {t: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))] for t in WATCHED}
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def fuzz(headers: dict[str, str]) -> list[str]:
    schema = schemathesis.openapi.from_asgi(f"{API}/openapi.json", build_api())
    return fuzz_every_operation(schema, headers, fingerprint)


@pytest.fixture
def student(client: TestClient, sign_in) -> dict[str, str]:
    """A verified student enrolled in the free course (so progress writes are stored)."""
    me = sign_in()
    client.post(f"{API}/courses/python-basics/enrollment", headers=me.headers)
    return me.headers


@pytest.fixture
def instructor(client: TestClient, catalog: Catalog) -> dict[str, str]:
    """Instructor A, who owns the free course and the draft."""
    return teacher_signed(client, "teacher.a@example.org", DEFAULT_PASSWORD).headers


def test_every_operation_as_a_student(catalog: Catalog, student: dict[str, str]) -> None:
    assert fuzz(student) == []


def test_every_operation_as_an_instructor(instructor: dict[str, str]) -> None:
    assert fuzz(instructor) == []
