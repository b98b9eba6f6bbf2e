"""schemathesis against the running app's own OpenAPI document (docs/security.md case 54).

The same checks as the in-process run (tests/api_fuzz.py), through the real server and
its middleware, as a student and as an instructor, bounded to a few examples per
operation. Sign-in is left out here: the app is shared by the whole e2e session, and
failed sign-ins from this address would slow every later journey's sign-in (the
in-process run covers it).
"""

from __future__ import annotations

import hashlib

import httpx
import pytest
import schemathesis

from tests.api_fuzz import WATCHED, fuzz_every_operation
from tests.e2e.accounts import PASSWORD
from tests.e2e.conftest import db_rows
from tests.e2e.personas import create_user

pytestmark = pytest.mark.e2e


def _bearer(base_url: str, email: str) -> dict[str, str]:
    resp = httpx.post(
        f"{base_url}/api/v1/auth/token",
        json={"email": email, "password": PASSWORD, "device_name": "fuzz"},
    )
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


@pytest.mark.parametrize("role", ["student", "instructor"])
def test_every_operation_of_the_live_document(
    app_env: dict[str, str], base_url: str, role: str
) -> None:
    email, _ = create_user(app_env, role, f"fuzz-{role}")
    headers = _bearer(base_url, email)

    def fingerprint() -> str:
        rows = {t: db_rows(app_env, f'SELECT * FROM "{t}" ORDER BY id') for t in WATCHED}
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json")
    # Sign-ins and certificate look-ups count against this address: fuzzing them here would
    # throttle the journeys that share the app (the in-process run covers both).
    schema = schema.exclude(path_regex=r"^/auth/token$|^/certificates/")
    failures = fuzz_every_operation(
        schema, headers, fingerprint, base_url=f"{base_url}/api/v1", examples=8
    )
    assert failures == []
