"""Refusals name the form input they are about (DomainError.field), so pages can show them
next to it (issue 17, "Errors where the eye is"); refusals about no one input name none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lms_reflex.services.accounts import own_account, passwords, profiles, registration, sign_in
from lms_reflex.services.accounts.users import normalize_email
from lms_reflex.services.errors import DomainError, InvalidInput, NotFound
from lms_reflex.services.learning import reviews
from lms_reflex.services.teaching import course_details
from lms_reflex.services.teaching.builder import clean_title
from lms_reflex.services.text import clean_text
from lms_reflex.state.form_errors import refused_field
from tests.unit.conftest import DEFAULT_PASSWORD


def field_of(call: Callable[[], Any]) -> str:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.field


def test_a_domain_error_names_no_field_unless_told() -> None:
    assert InvalidInput("x").field == ""
    assert NotFound().field == ""
    assert InvalidInput("x", field="email").field == "email"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: normalize_email("not an address"), "email"),
        (lambda: passwords.check_password_rules("short"), "password"),
        (lambda: passwords.check_password_rules("password"), "password"),
        (lambda: registration._clean_name("", "first name"), "first_name"),
        (lambda: profiles.clean_name(" ", "last name"), "last_name"),
        (lambda: profiles.clean_bio("x" * 5000), "bio"),
        (lambda: profiles.clean_gender("unicorn"), "gender"),
        (lambda: profiles.normalize_phone("12"), "contact_number"),
        (lambda: clean_title("ab"), "title"),
        (lambda: clean_title("ab", "lesson title"), "title"),
        (lambda: clean_text("\x00", "description", max_len=10), "description"),
        (lambda: course_details.parse_price("lots"), "price"),
        (lambda: course_details._clean_level("expert"), "level"),
        (lambda: course_details._clean_list(["x" * 500], "requirements", "requirements"),
         "requirements"),
        (lambda: reviews._text("x\x00", what="review", field="body"), "body"),
    ],
)  # fmt: skip
def test_validators_name_their_input(call: Callable[[], Any], field: str) -> None:
    assert field_of(call) == field


def test_a_birth_date_refusal_names_the_date_input() -> None:
    from datetime import date

    assert field_of(lambda: profiles.parse_birth_date("soon", today=date(2026, 1, 1))) == (
        "date_of_birth"
    )


def test_wrong_sign_in_is_shown_at_the_password(run, make_user) -> None:
    user = make_user()
    refused = lambda: run(  # noqa: E731
        sign_in.login, email=user.email, password="wrong wrong wrong", ip="", user_agent=""
    )
    assert field_of(refused) == "password"


def test_wrong_current_password_is_shown_at_its_input(run, make_user) -> None:
    user = make_user()
    change = lambda: run(  # noqa: E731
        own_account.change_password,
        actor_id=user.id,
        current_password="wrong wrong wrong",
        new_password="a brand new passphrase",
        keep_token=None,
    )
    assert field_of(change) == "current_password"
    common = lambda: run(  # noqa: E731
        own_account.change_password,
        actor_id=user.id,
        current_password=DEFAULT_PASSWORD,
        new_password="password",
        keep_token=None,
    )
    assert field_of(common) == "password"


def test_the_state_helper_only_places_errors_on_inputs_the_form_has() -> None:
    exc = InvalidInput("bad", field="password")
    assert refused_field(exc, ("email", "password")) == "password"
    assert refused_field(exc, ("email",)) == ""
    assert refused_field(exc, ("new_password",), {"password": "new_password"}) == "new_password"
    assert refused_field(InvalidInput("no field"), ("email",)) == ""
    assert refused_field(ValueError("boom"), ("email",)) == ""
