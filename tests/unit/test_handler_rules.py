"""docs/security.md case 21: a new event handler cannot ship without its real rule in the table."""

from __future__ import annotations

import inspect
import re

import reflex as rx

import lms_reflex.lms_reflex  # noqa: F401  (registers every state)
from tests.security_rules import (
    BUILT_IN,
    ID_ARGUMENT,
    PUBLIC,
    RULE_WORDS,
    RULES,
    SECRET_PROVED,
    TAB_ONLY,
    WRITE_VERBS,
)


def our_state_classes() -> list[type[rx.State]]:
    found, todo = [], [rx.State]
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        if cls.__module__.startswith("lms_reflex."):
            found.append(cls)
    return found


def handler_functions() -> dict[str, object]:
    """'State.handler' -> the plain function behind it, for every handler of ours."""
    return {
        f"{cls.__name__}.{name}": handler.fn
        for cls in our_state_classes()
        for name, handler in cls.event_handlers.items()
        if name not in BUILT_IN
    }


def handlers() -> set[str]:
    return set(handler_functions())


def _keys(payload: object) -> set[str]:
    """Every key of a forged payload, nested forms included."""
    if isinstance(payload, dict):
        return set(payload) | {k for value in payload.values() for k in _keys(value)}
    if isinstance(payload, list | tuple):
        return {k for value in payload for k in _keys(value)}
    return set()


def names_a_row(handler: str, fn: object | None, payload: dict) -> bool:
    """Whether the handler takes an id, by its signature or by its forged payload."""
    params = set(inspect.signature(fn).parameters) - {"self"} if fn is not None else set()
    return any(re.search(ID_ARGUMENT, name) for name in params | _keys(payload))


def writes(handler: str) -> bool:
    """Whether the handler's name says it writes (its first word is a write verb)."""
    return handler.split(".", 1)[1].split("_", 1)[0] in WRITE_VERBS


def wrongly_public(rules: dict[str, tuple[str, dict]], functions: dict[str, object]) -> list[str]:
    """Public handlers that write or name a row and are not proved by a secret."""
    return sorted(
        handler
        for handler, (rule, payload) in rules.items()
        if rule == PUBLIC
        and handler not in SECRET_PROVED
        and (writes(handler) or names_a_row(handler, functions.get(handler), payload))
    )


def test_every_handler_has_a_rule() -> None:
    missing = sorted(handlers() - RULES.keys())
    assert missing == [], f"add these to tests/security_rules.py: {missing}"


def test_the_table_names_no_handler_that_is_gone() -> None:
    assert sorted(RULES.keys() - handlers()) == []


def test_rules_are_known_words() -> None:
    assert {rule for rule, _ in RULES.values()} <= set(RULE_WORDS)


def test_a_handler_that_writes_or_takes_an_id_is_never_public() -> None:
    bad = wrongly_public(RULES, handler_functions())
    assert bad == [], (
        f"{bad} write or take an id: give them their real rule (signed-in self, enrolled "
        "student, course owner or admin), or explain in SECRET_PROVED why a secret guards them"
    )


def test_the_public_check_would_catch_a_public_write_and_a_public_id() -> None:
    """Self-check: the rule above can fail, by verb, by signature and by payload."""

    def delete_lesson(self, lesson_id: int) -> None: ...

    def load(self) -> None: ...

    rules = {
        "X.delete_lesson": (PUBLIC, {}),
        "X.load": (PUBLIC, {"form": {"course_id": "1"}}),
        "X.set_show": (PUBLIC, {"value": "all"}),
    }
    functions = {"X.delete_lesson": delete_lesson, "X.load": load}
    assert wrongly_public(rules, functions) == ["X.delete_lesson", "X.load"]


def test_the_exception_lists_name_real_handlers_with_fitting_rules() -> None:
    assert not (SECRET_PROVED | TAB_ONLY) - RULES.keys()
    assert {RULES[h][0] for h in SECRET_PROVED} == {PUBLIC}
    assert all(RULES[h][0] != PUBLIC for h in TAB_ONLY)


def test_setvar_cannot_set_vars_without_a_handler() -> None:
    """With auto setters off, setvar only reaches set_* handlers already in the table."""
    assert rx.config.get_config().state_auto_setters is False
    setters = {h for h in handlers() if h.split(".", 1)[1].startswith("set_")}
    assert setters <= RULES.keys()
