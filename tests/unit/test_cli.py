from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import SQLModel, select

from lms_reflex.__main__ import build_parser
from lms_reflex.db import get_engine, run_service, session_scope
from lms_reflex.models import Profile, User
from lms_reflex.services.accounts.passwords import verify_password
from lms_reflex.services.accounts.users import create_user, find_user_by_email, normalize_email
from lms_reflex.services.errors import Conflict, InvalidInput
from tests.unit._helpers import PROJECT_ROOT, apply_env, forget_caches, lms_env

PASSWORD = "violet-Harbour-47-lantern"


def run_cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `python -m lms_reflex` as an operator would, with only our LMS_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    return subprocess.run(
        [sys.executable, "-m", "lms_reflex", *args],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return lms_env(tmp_path)


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database `python -m lms_reflex migrate` made, once for the module.

    Each migrate is a Python start plus every migration (seconds of CPU on a busy CI
    machine); the tests below only need its result, copied fresh for each of them.
    """
    env = lms_env(tmp_path_factory.mktemp("migrated"))
    result = run_cli(env, "migrate")
    assert result.returncode == 0, result.stderr
    return Path(env["LMS_DATABASE_URL"].removeprefix("sqlite:///"))


@pytest.fixture
def migrated(env: dict[str, str], migrated_file: Path) -> dict[str, str]:
    target = Path(env["LMS_DATABASE_URL"].removeprefix("sqlite:///"))
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_file, target)
    return env


def _db(env: dict[str, str]) -> sqlite3.Connection:
    return sqlite3.connect(env["LMS_DATABASE_URL"].removeprefix("sqlite:///"))


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def test_migrate_then_is_empty_until_someone_signs_up(env: dict[str, str]) -> None:
    assert run_cli(env, "is-empty").returncode == 0  # no tables yet counts as empty
    assert run_cli(env, "migrate").returncode == 0
    assert run_cli(env, "migrate").returncode == 0  # running it again is harmless
    assert run_cli(env, "is-empty").returncode == 0
    created = run_cli(env, "create-user", "--email", "s@example.com", "--role", "student",
                      stdin=PASSWORD + "\n")  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert run_cli(env, "is-empty").returncode == 1


def test_create_user_reads_the_password_from_stdin_and_makes_a_verified_admin(
    migrated: dict[str, str],
) -> None:
    args = ("create-user", "--email", " Root@Example.COM", "--role", "admin",
            "--first-name", "Rita", "--last-name", "Root")  # fmt: skip
    result = run_cli(migrated, *args, stdin=PASSWORD + "\nignored second line\n")
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert all(PASSWORD not in arg for arg in args)
    with _db(migrated) as conn:
        row = conn.execute(
            'SELECT id, email, role, email_verified_at, password_hash, first_name FROM "user"'
        ).fetchone()
        profiles = conn.execute("SELECT count(*) FROM profile WHERE user_id = ?", (row[0],))
        assert profiles.fetchone()[0] == 1
    _, email, role, verified_at, password_hash, first_name = row
    assert (email, role, first_name) == ("root@example.com", "admin", "Rita")
    assert verified_at is not None
    assert password_hash.startswith("$argon2id$")
    assert PASSWORD not in password_hash
    assert verify_password(PASSWORD, password_hash)[0]


def test_there_is_no_way_to_pass_a_password_as_an_argument(migrated: dict[str, str]) -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for sub in subparsers.choices.values():
        options = [s for action in sub._actions for s in action.option_strings]
        assert not any("pass" in option for option in options)
    result = run_cli(migrated, "create-user", "--email", "x@example.com", "--role", "admin",
                     "--password", PASSWORD)  # fmt: skip
    assert result.returncode == 2
    with _db(migrated) as conn:
        assert conn.execute('SELECT count(*) FROM "user"').fetchone()[0] == 0


def test_create_user_explains_a_taken_email_in_one_line(migrated: dict[str, str]) -> None:
    args = ("create-user", "--email", "dup@example.com", "--role", "instructor")
    assert run_cli(migrated, *args, stdin=PASSWORD + "\n").returncode == 0
    line = _one_error_line(run_cli(migrated, *args, stdin=PASSWORD + "\n"))
    assert "already exists" in line


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [("password\n", "too common"), ("short\n", "at least"), ("\n", "no password")],
)
def test_create_user_refuses_weak_or_missing_passwords(
    migrated: dict[str, str], stdin: str, expected: str
) -> None:
    result = run_cli(migrated, "create-user", "--email", "w@example.com", "--role", "student",
                     stdin=stdin)  # fmt: skip
    assert expected in _one_error_line(result)


def test_create_user_refuses_a_bad_email(migrated: dict[str, str]) -> None:
    result = run_cli(migrated, "create-user", "--email", "not-an-email", "--role", "student",
                     stdin=PASSWORD + "\n")  # fmt: skip
    assert "valid email" in _one_error_line(result)


def test_create_user_before_migrate_says_to_migrate(env: dict[str, str]) -> None:
    result = run_cli(env, "create-user", "--email", "a@example.com", "--role", "admin",
                     stdin=PASSWORD + "\n")  # fmt: skip
    assert "migrate" in _one_error_line(result)


@pytest.mark.parametrize("command", ["migrate", "is-empty", "seed-demo"])
@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://nobody@127.0.0.1:1/x",
        # a directory that cannot exist: its parent is a regular file (fails even for root)
        "sqlite:///{tmp}/a-file/x/y.db",
    ],
)
def test_an_unreachable_database_gives_one_line_naming_the_variable(
    tmp_path: Path, command: str, url: str
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    env = lms_env(tmp_path, LMS_DATABASE_URL=url.format(tmp=tmp_path))
    assert "LMS_DATABASE_URL" in _one_error_line(run_cli(env, command))


def test_prod_without_a_secret_key_names_the_variable(env: dict[str, str]) -> None:
    prod = {**env, "LMS_ENV": "prod"}
    for command in ("migrate", "is-empty", "seed-demo"):
        assert "LMS_SECRET_KEY" in _one_error_line(run_cli(prod, command))


def test_seed_demo_prints_passwords_once_then_where_they_are(migrated: dict[str, str]) -> None:
    first = run_cli(migrated, "seed-demo")
    assert first.returncode == 0, first.stderr
    assert "Demo data ready" in first.stdout
    passwords = Path(migrated["LMS_DATA_DIR"]) / "demo-passwords.txt"
    student_password = next(
        line.split("=", 1)[1] for line in passwords.read_text().splitlines()
        if line.startswith("student=")
    )  # fmt: skip
    assert student_password in first.stdout
    assert "ada.instructor@demo.lms" in first.stdout

    second = run_cli(migrated, "seed-demo")
    assert second.returncode == 0, second.stderr
    assert "already existed" in second.stdout
    assert str(passwords) in second.stdout
    assert student_password not in second.stdout
    assert run_cli(migrated, "is-empty").returncode == 1


# --- the service behind create-user, in process ----------------------------------------


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    apply_env(monkeypatch, lms_env(tmp_path))
    SQLModel.metadata.create_all(get_engine())
    yield
    forget_caches()


def test_create_user_stores_a_normalised_email_and_a_profile(db: None) -> None:
    user_id = run_service(create_user, email="Grace@Example.ORG", password=PASSWORD,
                          role="instructor", first_name=" Grace ", verified=False)  # fmt: skip
    with session_scope(readonly=True) as session:
        user = session.get(User, user_id)
        assert user is not None
        assert (user.email, user.first_name, user.role) == (
            "grace@example.org",
            "Grace",
            "instructor",
        )
        assert user.email_verified_at is None
        assert session.exec(select(Profile).where(Profile.user_id == user_id)).one()
        assert find_user_by_email(session=session, email=" GRACE@example.org") == user
        assert find_user_by_email(session=session, email="not an email") is None


def test_create_user_refuses_the_same_email_in_another_spelling(db: None) -> None:
    run_service(create_user, email="ada@example.com", password=PASSWORD, role="student")
    with pytest.raises(Conflict):
        run_service(create_user, email="ADA@Example.com", password=PASSWORD, role="admin")


@pytest.mark.parametrize(
    ("email", "role", "password"),
    [("ada@example.com", "superuser", PASSWORD), ("ada@", "student", PASSWORD),
     ("ada@example.com", "student", "12345678")],
)  # fmt: skip
def test_create_user_refuses_bad_input(db: None, email: str, role: str, password: str) -> None:
    with pytest.raises(InvalidInput):
        run_service(create_user, email=email, password=password, role=role)
    assert normalize_email("  Ada@Example.COM ") == "ada@example.com"
