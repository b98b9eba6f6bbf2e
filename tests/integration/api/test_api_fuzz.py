"""schemathesis over every operation of the live OpenAPI document, as a student and an instructor.

Bounded: a few examples per operation (well under a minute in all). Checks: no 5xx, every
answer conforms to the document (status codes, content types, bodies), and a request
answered 4xx changed no row. The sign-out
routes and device revocation are left out here: they end the very token the fuzzer signs
in with (test_api_auth.py covers them).
"""

from __future__ import annotations

import hashlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.db import get_engine
from tests.integration.api.conftest import API, Catalog, teacher_signed
from tests.unit.conftest import DEFAULT_PASSWORD

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    ignored_auth,
]


# Everything a refused request must leave alone (audit rows of refusals may be added).
WATCHED = (
    "user",
    "profile",
    "enrollment",
    "lesson_progress",
    "review",
    "course",
    "section",
    "lesson",
    "category",
    "api_session",
    "api_refresh_token",
)


def fingerprint() -> str:
    """A hash of every watched row, read through the app's own engine."""
    with get_engine(readonly=True).connect() as conn:
        rows = {t: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))] for t in WATCHED}
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def api_schema() -> BaseSchema:
    """The document the running app serves, minus routes that end the fuzzer's own token."""
    schema = schemathesis.openapi.from_asgi(f"{API}/openapi.json", build_api())
    return schema.exclude(path_regex=r"^/auth/logout|^/me/devices/")


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


BOUNDED = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzz_every_operation(headers: dict[str, str]) -> list[str]:
    """Run the checks over each operation; the failures, labelled, instead of the first only.

    schemathesis's own pytest plugin does not run under this pytest, so each operation's
    strategy is driven by hypothesis directly.
    """
    failures: list[str] = []
    operations = [result.ok() for result in api_schema().get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:

        @given(case=operation.as_strategy())
        @BOUNDED
        def check(case: schemathesis.Case) -> None:
            before = fingerprint()
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)
            if 400 <= response.status_code < 500:
                assert fingerprint() == before, f"a {response.status_code} changed data"

        try:
            check()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    return failures


def test_every_operation_as_a_student(catalog: Catalog, student: dict[str, str]) -> None:
    assert fuzz_every_operation(student) == []


def test_every_operation_as_an_instructor(instructor: dict[str, str]) -> None:
    assert fuzz_every_operation(instructor) == []
