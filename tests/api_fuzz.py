"""The schemathesis run shared by the in-process and the live-server API tests (case 54).

Checks: no 5xx, every answer as the document says (status codes, content types, bodies),
signed-in operations refuse missing or wrong credentials, and a request answered 4xx
changed no row (`fingerprint` hashes the rows a refusal must leave alone). The sign-out
routes and device revocation are left out: they end the very token the run signs in with
(tests/integration/api/test_api_auth.py covers them).
"""

from __future__ import annotations

from collections.abc import Callable

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
TOKEN_ENDING = r"^/auth/logout|^/me/devices/"


def bounded(examples: int) -> settings:
    """A few examples per operation, the same ones on every run."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def fuzz_every_operation(
    schema: BaseSchema,
    headers: dict[str, str],
    fingerprint: Callable[[], str],
    *,
    base_url: str | None = None,
    examples: int = 20,
) -> list[str]:
    """Run the checks over each operation; the failures, labelled, instead of the first only.

    schemathesis's own pytest plugin does not run under this pytest, so each operation's
    strategy is driven by hypothesis directly.
    """
    failures: list[str] = []
    operations = [r.ok() for r in schema.exclude(path_regex=TOKEN_ENDING).get_all_operations()]
    assert len(operations) >= 17
    for operation in operations:

        @given(case=operation.as_strategy())
        @bounded(examples)
        def check(case: schemathesis.Case) -> None:
            before = fingerprint()
            response = case.call(base_url=base_url, headers=headers)
            case.validate_response(response, checks=CHECKS)
            if 400 <= response.status_code < 500:
                assert fingerprint() == before, f"a {response.status_code} changed data"

        try:
            check()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    return failures
