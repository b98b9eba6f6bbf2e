"""No secret can be put in a var sent to the browser (docs/security.md cases 9 and 15).

Vars starting with `_` stay on the server; every other var is serialised to the browser.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from collections.abc import Iterator

import pytest
import reflex as rx
from sqlmodel import SQLModel

import lms_reflex.lms_reflex  # noqa: F401  (registers every page and state)

SECRET_NAME = re.compile(r"password|passwd|token|secret|otp|code|hash|cookie|ticket", re.I)


def our_states() -> list[type[rx.State]]:
    found, todo = [], [rx.State]
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        if cls.__module__.startswith("lms_reflex."):
            found.append(cls)
    return sorted(found, key=lambda c: c.__name__)


def browser_vars(cls: type[rx.State]) -> dict[str, object]:
    names = {**cls.base_vars, **cls.computed_vars}
    return {name: var for name, var in names.items() if not name.startswith("_")}


def test_the_walk_finds_our_state_classes() -> None:
    names = {cls.__name__ for cls in our_states()}
    assert {"SessionState", "LoginState", "SettingsState", "CourseState"} <= names


@pytest.mark.parametrize("cls", our_states(), ids=lambda c: c.__name__)
def test_no_browser_var_is_named_like_a_secret(cls: type[rx.State]) -> None:
    bad = [name for name in browser_vars(cls) if SECRET_NAME.search(name)]
    assert bad == [], f"{cls.__name__} sends {bad} to the browser"


def _types_in(annotation: object) -> set[type]:
    found: set[type] = set()
    if isinstance(annotation, type):
        found.add(annotation)
    for arg in typing.get_args(annotation):
        found |= _types_in(arg)
    return found


@pytest.mark.parametrize("cls", our_states(), ids=lambda c: c.__name__)
def test_no_browser_var_holds_a_database_row(cls: type[rx.State]) -> None:
    """Rows carry hashes and other people's data; state gets small view dataclasses."""
    for name, var in browser_vars(cls).items():
        for typ in _types_in(var._var_type):
            assert not (isinstance(typ, type) and issubclass(typ, SQLModel)), (
                f"{cls.__name__}.{name} is typed with the table {typ.__name__}"
            )


def test_the_name_check_would_catch_a_leak() -> None:
    class LeakyState(rx.State):
        reset_token: str = ""
        _server_only_token: str = ""

    assert [n for n in browser_vars(LeakyState) if SECRET_NAME.search(n)] == ["reset_token"]


def _fields_within(annotation: object, seen: set[type] | None = None) -> Iterator[tuple[str, str]]:
    """(path, field name) of every field of every dataclass reachable from a var's type."""
    seen = set() if seen is None else seen
    for typ in _types_in(annotation):
        if not dataclasses.is_dataclass(typ) or typ in seen:
            continue
        seen.add(typ)
        for f in dataclasses.fields(typ):
            yield f"{typ.__name__}.{f.name}", f.name
            hints = typing.get_type_hints(typ)
            yield from _fields_within(hints.get(f.name, f.type), seen)


@pytest.mark.parametrize("cls", our_states(), ids=lambda c: c.__name__)
def test_no_view_object_inside_a_browser_var_has_a_secret_field(cls: type[rx.State]) -> None:
    """Views nest (a course holds sections holding lessons): every level goes to the browser."""
    bad = [
        f"{name} -> {path}"
        for name, var in browser_vars(cls).items()
        for path, field in _fields_within(var._var_type)
        if SECRET_NAME.search(field)
    ]
    assert bad == [], f"{cls.__name__} sends secret-named fields: {bad}"


@dataclasses.dataclass(frozen=True)
class _Inner:
    password_hash: str


@dataclasses.dataclass(frozen=True)
class _Outer:
    title: str
    inner: list[_Inner]


def test_the_field_walk_would_catch_a_nested_secret() -> None:
    found = [field for _, field in _fields_within(dict[str, _Outer])]
    assert found == ["title", "inner", "password_hash"]


# Views that may carry another user's address: the admin console only (admins manage users).
# OrderView.buyer_email: the admin's order list; a buyer's own order pages carry only their
# own address (services/payments/orders.py: order_page, my_purchases).
EMAIL_FIELDS_ALLOWED = {"AdminUserRow.email", "OrderView.buyer_email"}


def test_only_admin_views_carry_other_users_email_addresses() -> None:
    found = {
        path
        for cls in our_states()
        for var in browser_vars(cls).values()
        for path, field in _fields_within(var._var_type)
        if "email" in field.lower()
    }
    assert found <= EMAIL_FIELDS_ALLOWED, f"views with addresses: {found - EMAIL_FIELDS_ALLOWED}"
