"""Every throttled refusal says when to try again, and carries the wait for countdowns
(issue 17, "Throttled actions say when to try again")."""

from __future__ import annotations

import pytest

from lms_reflex.models import OtpPurpose
from lms_reflex.services.accounts import otp, registration
from lms_reflex.services.errors import Throttled, try_again_in, when_text
from tests.unit.conftest import DEFAULT_PASSWORD


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 second"),
        (59, "59 seconds"),
        (60, "1 minute"),
        (3600, "60 minutes"),
        (7200, "120 minutes"),
        (7201, "3 hours"),
        (12 * 3600, "12 hours"),
    ],
)
def test_waits_are_told_in_plain_words(seconds: int, text: str) -> None:
    assert when_text(seconds) == text
    assert try_again_in(seconds) == f"Try again in {text}."


def test_a_throttle_keeps_its_wait_and_never_a_negative_one() -> None:
    assert Throttled("x", 42).retry_after_s == 42
    assert Throttled("x", -3).retry_after_s == 0
    assert Throttled("x").retry_after_s == 0


def test_asking_for_a_new_code_too_soon_says_when(run, clock) -> None:
    email = "waiting@example.org"
    fields = {"first_name": "Ada", "last_name": "Lovelace", "wants_to_teach": False, "ip": ""}
    run(registration.signup, email=email, password=DEFAULT_PASSWORD, **fields)
    run(registration.resend_signup_code, email=email)
    clock.advance(seconds=20)
    with pytest.raises(Throttled) as caught:
        run(registration.resend_signup_code, email=email)
    assert caught.value.message.endswith("Try again in 40 seconds.")
    assert caught.value.retry_after_s == 40


def test_a_code_issued_twice_within_a_minute_says_when(run, clock) -> None:
    run(otp.issue_code, email="x@example.org", purpose=OtpPurpose.RESET)
    clock.advance(seconds=15)
    with pytest.raises(Throttled) as caught:
        run(otp.issue_code, email="x@example.org", purpose=OtpPurpose.RESET)
    assert caught.value.message.endswith("Try again in 45 seconds.")
    assert caught.value.retry_after_s == 45
