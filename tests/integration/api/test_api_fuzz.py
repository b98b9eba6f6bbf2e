"""schemathesis over every operation of the live OpenAPI document, as a student and an instructor.

Bounded: a few examples per operation (about a minute in all). Checks: no 5xx, and every
answer conforms to the document (status codes, content types, bodies). The sign-out
routes and device revocation are left out here: they end the very token the fuzzer signs
in with (test_api_auth.py covers them).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from tests.integration.api.conftest import API, Catalog, teacher_signed
from tests.unit.conftest import DEFAULT_PASSWORD

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


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
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    return failures


def test_every_operation_as_a_student(catalog: Catalog, student: dict[str, str]) -> None:
    assert fuzz_every_operation(student) == []


def test_every_operation_as_an_instructor(instructor: dict[str, str]) -> None:
    assert fuzz_every_operation(instructor) == []
