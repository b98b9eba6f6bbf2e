"""A loading spinner is announced: its role reaches the DOM as an attribute, not as CSS."""

from __future__ import annotations

import ast
from pathlib import Path

import reflex as rx

from lms_reflex.components.forms import loading

PACKAGE = Path(__file__).resolve().parents[2] / "lms_reflex"


def test_the_loading_spinner_has_role_status_as_an_attribute() -> None:
    compiled = str(loading("Loading the lesson"))
    assert 'role:"status"' in compiled.replace(" ", "")
    assert '["role"]' not in compiled


def test_rx_spinner_turns_role_into_css_which_is_why_loading_wraps_it() -> None:
    compiled = str(rx.spinner(role="status", aria_label="x"))
    assert '["role"]' in compiled


def test_no_page_gives_rx_spinner_a_role() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and ast.unparse(node.func) == "rx.spinner"
                and any(k.arg in ("role", "aria_label") for k in node.keywords)
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == [], f"use components.forms.loading instead: {offenders}"
