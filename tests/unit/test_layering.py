"""Each layer imports only what is below it (docs/architecture.md, "Layers").

- models/, services/, media/ and mail/ never import reflex or the UI layers.
- state/ is glue: no sqlmodel, sqlalchemy or lms_reflex.models. A page view that needs
  several reads in one transaction is one named service, which state calls through
  `as_actor` or `with_top_bar`; a state never holds a database session.
- Mail is built by services (the builders in lms_reflex/mail/ are called from services
  only) and returned in their result; state sends it after the reply. state/ may import
  `Mail` and the sending functions from lms_reflex.mail, never a `*_mail` builder.
- pages/ and components/ only draw: none of the above, and no lms_reflex.db. From
  lms_reflex.services they take only classes (the frozen views their vars are typed with)
  and plain constants (limits shown next to a field), never a function; reading and
  writing go through state.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lms_reflex"
PURE = ["models", "services", "media", "mail"]
FORBIDDEN = ("reflex", "lms_reflex.state", "lms_reflex.pages", "lms_reflex.components")
DATABASE = ("sqlmodel", "sqlalchemy", "lms_reflex.models")
DRAWING = ["pages", "components"]
SERVICES = "lms_reflex.services"


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def files_under(*folders: str) -> list[Path]:
    return [p for d in folders for p in sorted((PACKAGE / d).rglob("*.py"))]


def matching(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    return [
        m
        for m in modules
        if any(m == f or m.startswith(f + ".") or m.startswith(f + "_") for f in forbidden)
    ]


def service_functions_used(path: Path) -> list[str]:
    """Names a drawing module takes from services that are functions (not classes/constants).

    A whole service module may be imported for its constants (`course_details.TITLE_MAX`):
    then every attribute the file reads from it is checked the same way.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    taken: dict[str, object] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(SERVICES):
            module = importlib.import_module(node.module or "")
            for alias in node.names:
                taken[alias.asname or alias.name] = getattr(module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(SERVICES):
                    taken[alias.asname or alias.name] = importlib.import_module(alias.name)
    used = {name: obj for name, obj in taken.items() if not isinstance(obj, ModuleType)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = taken.get(node.value.id)
            if isinstance(owner, ModuleType):
                used[f"{node.value.id}.{node.attr}"] = getattr(owner, node.attr)
    return sorted(name for name, obj in used.items() if callable(obj) and not isinstance(obj, type))


def mail_builders_imported(path: Path) -> list[str]:
    """The `*_mail` builders a module imports from lms_reflex.mail."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lms_reflex.mail")
        for alias in node.names
        if alias.name.endswith("_mail") and not alias.name.startswith("send_")
    ]


def test_there_are_modules_to_check() -> None:
    assert len(files_under(*PURE)) > 10
    assert len(files_under("state")) > 10
    assert len(files_under(*DRAWING)) > 10


@pytest.mark.parametrize("path", files_under(*PURE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_does_not_import_reflex_or_ui_layers(path: Path) -> None:
    bad = matching(imported_modules(path), FORBIDDEN)
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", files_under("state"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_state_does_not_touch_the_database_directly(path: Path) -> None:
    bad = matching(imported_modules(path), DATABASE)
    assert bad == [], f"{path.name} imports {bad}: call a named service instead"


@pytest.mark.parametrize("path", files_under(*DRAWING), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pages_and_components_only_draw(path: Path) -> None:
    bad = matching(imported_modules(path), (*DATABASE, "lms_reflex.db"))
    assert bad == [], f"{path.name} imports {bad}"
    assert service_functions_used(path) == [], f"{path.name} calls services"


@pytest.mark.parametrize(
    "path", files_under("state", *DRAWING), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_only_services_build_mail(path: Path) -> None:
    assert mail_builders_imported(path) == [], f"{path.name}: let the service return the Mail"


def test_the_checker_catches_a_mail_builder(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "from lms_reflex.mail import Mail, send_mail, signup_code_mail\n"
        "from lms_reflex.mail.admin_messages import course_archived_mail\n"
    )
    assert mail_builders_imported(sample) == ["signup_code_mail", "course_archived_mail"]


def test_the_checker_catches_a_reflex_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("import reflex as rx\nfrom reflex_base.vars import Var\n")
    assert matching(imported_modules(sample), FORBIDDEN) == ["reflex", "reflex_base.vars"]


def test_the_checker_catches_a_database_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "from sqlmodel import Session\nimport sqlalchemy.exc\nfrom lms_reflex.models import User\n"
        "from lms_reflex.db import call_service\nfrom lms_reflex.dbx import y\n"
    )
    found = matching(imported_modules(sample), (*DATABASE, "lms_reflex.db"))
    assert found == ["sqlmodel", "sqlalchemy.exc", "lms_reflex.models", "lms_reflex.db"]


def test_the_checker_catches_a_service_function_in_a_page(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "from lms_reflex.services.views import CourseCard\n"
        "from lms_reflex.services.validation import parse_id, MAX_PAGE\n"
        "from lms_reflex.services.teaching import course_details\n"
        "x = course_details.SUBTITLE_MAX\n"
        "y = course_details.update_course_details\n"
    )
    found = service_functions_used(sample)
    assert found == ["course_details.update_course_details", "parse_id"]
