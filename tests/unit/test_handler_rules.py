"""SECURITY-CASES 21: a new event handler cannot ship without a rule in the table."""

from __future__ import annotations

import reflex as rx

import lms_reflex.lms_reflex  # noqa: F401  (registers every state)
from tests.security_rules import ADMIN, BUILT_IN, PUBLIC, RULES, SIGNED_IN


def handlers() -> set[str]:
    found, todo = set(), [rx.State]
    while todo:
        cls = todo.pop()
        todo.extend(cls.get_substates())
        if cls.__module__.startswith("lms_reflex."):
            found |= {
                f"{cls.__name__}.{name}" for name in cls.event_handlers if name not in BUILT_IN
            }
    return found


def test_every_handler_has_a_rule() -> None:
    missing = sorted(handlers() - RULES.keys())
    assert missing == [], f"add these to tests/security_rules.py: {missing}"


def test_the_table_names_no_handler_that_is_gone() -> None:
    assert sorted(RULES.keys() - handlers()) == []


def test_rules_are_known_words() -> None:
    assert {rule for rule, _ in RULES.values()} <= {PUBLIC, SIGNED_IN, ADMIN}


def test_setvar_cannot_set_vars_without_a_handler() -> None:
    """With auto setters off, setvar only reaches set_* handlers already in the table."""
    assert rx.config.get_config().state_auto_setters is False
    setters = {h for h in handlers() if h.split(".", 1)[1].startswith("set_")}
    assert setters <= RULES.keys()
