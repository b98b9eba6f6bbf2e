"""SECURITY-CASES 9/15 and DESIGN rule 2: no secret can be put in a var sent to the browser.

Vars starting with `_` stay on the server; every other var is serialised to the browser.
"""

from __future__ import annotations

import re
import typing

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
