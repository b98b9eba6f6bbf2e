"""`python -m lms_reflex <command>`: operator commands (migrate, create-user, seed-demo, backup...).

Errors a person can fix print one line, ``error: <message>``, and exit with status 2.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from lms_reflex.settings import ConfigError, get_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXIT_ERROR = 2


class UsageError(Exception):
    """Bad input at the command line (e.g. passwords that do not match)."""


def _prepare_database(*, need_tables: bool = True) -> None:
    """Check settings and the connection before anything else, for a one-line error.

    Raises:
        ConfigError: when a setting is wrong, the database is unreachable, or the tables
            are missing and `need_tables` is set.
    """
    from lms_reflex.db import check_database

    get_settings()
    check_database()
    if need_tables and not _has_user_table():
        raise ConfigError(
            "LMS_DATABASE_URL: the database has no tables yet; "
            "run `python -m lms_reflex migrate` first"
        )


def _has_user_table() -> bool:
    from sqlalchemy import inspect

    from lms_reflex.db import get_engine

    return inspect(get_engine()).has_table("user")


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Upgrade the database schema to the newest migration."""
    from alembic import command
    from alembic.config import Config

    _prepare_database(need_tables=False)
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    command.upgrade(config, "head")
    print("Database schema is up to date.")
    return 0


def _read_password() -> str:
    """The new password: first line of stdin when piped, else typed twice without echo.

    Never a command-line argument: argv is visible to every user via `ps` and shell history.

    Raises:
        UsageError: when nothing was given or the two entries differ.
    """
    if sys.stdin.isatty():
        try:
            password = getpass.getpass("Password: ")
            repeated = getpass.getpass("Repeat password: ")
        except EOFError:
            raise UsageError("no password given") from None
        if repeated != password:
            raise UsageError("the passwords do not match")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UsageError("no password given (type it, or pipe it on stdin)")
    return password


def cmd_create_user(args: argparse.Namespace) -> int:
    """Create a verified account; the only way to make the first admin."""
    from lms_reflex.db import run_service
    from lms_reflex.services.accounts.users import create_user

    _prepare_database()
    password = _read_password()
    user_id = run_service(
        create_user,
        email=args.email,
        password=password,
        role=args.role,
        first_name=args.first_name,
        last_name=args.last_name,
        verified=True,
    )
    print(f"Created {args.role} account #{user_id} for {args.email}.")
    return 0


def cmd_seed_demo(_args: argparse.Namespace) -> int:
    """Add the demo data (idempotent) and print how to sign in."""
    from lms_reflex.db import run_service
    from lms_reflex.media.storage import cleanup_temp_files
    from lms_reflex.services.demo.seed import seed_demo

    _prepare_database()
    cleanup_temp_files()
    summary = run_service(seed_demo, log=print)
    if not summary.created and not summary.passwords_are_new:
        print(f"Demo data already existed; sign-in passwords are in {summary.password_file}")
        return 0
    print(f"Demo data ready. Sign in with (also kept in {summary.password_file}):")
    print(f"  instructors: {', '.join(summary.instructor_emails)}")
    print(f"    password:  {summary.instructor_password}")
    first, last = summary.student_emails[0], summary.student_emails[-1]
    print(f"  students:    {first} ... {last}")
    print(f"    password:  {summary.student_password}")
    print("  No admin was created: use `python -m lms_reflex create-user --role admin`.")
    return 0


def cmd_is_empty(_args: argparse.Namespace) -> int:
    """Exit 0 when there are no users (or no tables yet), 1 otherwise."""
    from sqlmodel import select

    from lms_reflex.db import session_scope
    from lms_reflex.models import User

    _prepare_database(need_tables=False)
    if not _has_user_table():
        return 0
    with session_scope(readonly=True) as session:
        return 1 if session.exec(select(User.id).limit(1)).first() is not None else 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Back up the database and media files into a new folder while the app runs."""
    from lms_reflex.backup import make_backup

    _prepare_database()
    summary = make_backup(Path(args.path), settings=get_settings())
    print(
        f"Backed up {summary.rows} rows in {summary.tables} tables ({summary.engine}) "
        f"and {summary.media_files} media files to {args.path}."
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup folder into an empty database and media folder."""
    from lms_reflex.backup import restore_backup
    from lms_reflex.db import check_database

    settings = get_settings()
    if not settings.is_sqlite:  # connecting to SQLite would create the file it must not find
        check_database()
    summary = restore_backup(Path(args.path), settings=settings)
    print(
        f"Restored {summary.rows} rows in {summary.tables} tables and "
        f"{summary.media_files} media files from the backup of {summary.created_at}; "
        "checksums, integrity and row counts match. "
        "Run `python -m lms_reflex migrate` if this version of the app is newer."
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface; there is deliberately no password option."""
    parser = argparse.ArgumentParser(prog="python -m lms_reflex", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("migrate", help="upgrade the database schema").set_defaults(
        handler=cmd_migrate
    )
    create = commands.add_parser(
        "create-user",
        help="create a verified account (the password is read from stdin or typed twice)",
    )
    create.add_argument("--email", required=True)
    create.add_argument("--role", required=True, choices=("student", "instructor", "admin"))
    create.add_argument("--first-name", default="")
    create.add_argument("--last-name", default="")
    create.set_defaults(handler=cmd_create_user)
    commands.add_parser("seed-demo", help="add demo courses and people").set_defaults(
        handler=cmd_seed_demo
    )
    commands.add_parser("is-empty", help="exit 0 when no user exists, else 1").set_defaults(
        handler=cmd_is_empty
    )
    backup = commands.add_parser(
        "backup", help="back up the database and media into a new folder (the app may run)"
    )
    backup.add_argument("path", help="a folder that does not exist yet, or is empty")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser(
        "restore", help="restore a backup folder into an empty database and media folder"
    )
    restore.add_argument("path", help="a folder made by `backup`")
    restore.set_defaults(handler=cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and turn expected failures into a one-line error and exit code 2."""
    from lms_reflex.backup.manifest import BackupError
    from lms_reflex.services.errors import DomainError

    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (ConfigError, UsageError, BackupError) as exc:
        message = str(exc)
    except DomainError as exc:
        message = exc.message
    except KeyboardInterrupt:
        return 130
    first_line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    print(f"error: {first_line}", file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
