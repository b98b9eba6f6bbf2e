"""models/, services/, media/ and mail/ never import reflex or the UI layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lms_reflex"
PURE = ["models", "services", "media", "mail"]
FORBIDDEN = ("reflex", "lms_reflex.state", "lms_reflex.pages", "lms_reflex.components")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def pure_files() -> list[Path]:
    return [p for d in PURE for p in sorted((PACKAGE / d).rglob("*.py"))]


def test_there_are_pure_modules_to_check() -> None:
    assert len(pure_files()) > 10


@pytest.mark.parametrize("path", pure_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_does_not_import_reflex_or_ui_layers(path: Path) -> None:
    bad = [
        m
        for m in imported_modules(path)
        if any(m == f or m.startswith(f + ".") or m.startswith(f + "_") for f in FORBIDDEN)
    ]
    assert bad == [], f"{path.name} imports {bad}"


def test_the_checker_catches_a_reflex_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import reflex as rx\nfrom reflex_base.vars import Var\n")
    assert imported_modules(sample) == ["reflex", "reflex_base.vars"]
