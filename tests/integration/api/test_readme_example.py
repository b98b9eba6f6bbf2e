"""The README's API example runs as written, against the API in-process."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from lms_reflex.api import build_api
from lms_reflex.models import Role, User
from tests.unit.catalog_fixtures import add_course

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_example() -> str:
    """The first python block of the README's "## API" section."""
    section = README.read_text(encoding="utf-8").split("\n## API\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert blocks, "the README's API section has no python example"
    return blocks[0]


def test_the_readme_example_runs(
    session: Session, make_user, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    teacher = make_user(role=Role.INSTRUCTOR)
    owner = session.get(User, teacher.id)
    assert owner is not None
    add_course(session, owner, "git-and-github-essentials", title="Git and GitHub", lessons=2)
    session.commit()
    student = make_user()
    monkeypatch.setenv("LMS_EMAIL", student.email)
    monkeypatch.setenv("LMS_PASSWORD", student.password)
    monkeypatch.setenv("LMS_API", "http://testserver/api/v1")

    def in_process(*, base_url: str, **_: object) -> httpx.Client:
        return TestClient(build_api(), base_url=base_url)

    monkeypatch.setattr(httpx, "Client", in_process)
    exec(compile(readme_example(), str(README), "exec"), {"__name__": "readme"})
    printed = capsys.readouterr().out
    assert "at 42.0 s" in printed
