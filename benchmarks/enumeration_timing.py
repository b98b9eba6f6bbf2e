"""Account enumeration by timing: do the five account flows take as long for a known address?

Sign-up, verify (a wrong code), resend, sign-in (a wrong password) and the reset request
are called through the services, as the app calls them (a fresh session per call, commit on
return, roll back on a refusal), with the production argon2 cost, on a temporary SQLite
database built by the migrations. Each flow runs `--tries` times for known addresses and
as many times for unknown ones, interleaved, every try with its own address (and client
address) so that no throttle answers instead of the flow. It prints p50/p95 per flow and
the known/unknown ratio; it asserts nothing (docs/security.md, "Account enumeration").

    python -m benchmarks.enumeration_timing [--tries 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, insert
from sqlmodel import Session

from lms_reflex.db import make_engine
from lms_reflex.models import User, utcnow
from lms_reflex.services.accounts import password_reset, registration, sign_in
from lms_reflex.services.accounts.passwords import hash_password
from lms_reflex.services.errors import DomainError

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "lantern orbit velvet 42"  # the benchmark accounts' password


def seed(engine: Engine, tries: int) -> None:
    """Verified accounts (sign-up, sign-in, reset) and unverified ones (resend)."""
    now, password_hash = utcnow(), hash_password(PASSWORD)

    def user(email: str, verified: bool) -> dict[str, Any]:
        return {
            "email": email,
            "first_name": "Known",
            "last_name": "User",
            "password_hash": password_hash,
            "role": "student",
            "is_active": True,
            "created_at": now,
            "email_verified_at": now if verified else None,
        }

    rows = [user(f"known{i}@example.org", True) for i in range(tries)]
    rows += [user(f"pending{i}@example.org", False) for i in range(tries)]
    with engine.begin() as conn:
        conn.execute(insert(User), rows)


def call(engine: Engine, fn: Callable[..., Any], **kwargs: Any) -> float:
    """Milliseconds of one service call with its own session, as `run_service` makes it."""
    start = time.perf_counter()
    with Session(engine) as session:
        try:
            fn(session=session, **kwargs)
            session.commit()
        except DomainError:
            session.rollback()
    return (time.perf_counter() - start) * 1000


def flows(tries: int) -> dict[str, Callable[[str, int], tuple[Callable[..., Any], dict]]]:
    """For each flow: (address kind, try number) -> (service, its arguments)."""

    def ip(i: int, kind: str) -> str:
        return f"10.{1 if kind == 'known' else 2}.{i // 250}.{i % 250 + 1}"

    def signup(kind: str, i: int) -> tuple[Callable[..., Any], dict]:
        email = f"known{i}@example.org" if kind == "known" else f"new{i}@example.org"
        names = {"first_name": "Ada", "last_name": "Lovelace", "wants_to_teach": False}
        args = {"email": email, "password": PASSWORD, "ip": ip(i, kind), **names}
        return registration.signup, args

    def verify(kind: str, i: int) -> tuple[Callable[..., Any], dict]:
        # "known": the accounts the sign-up flow just made, each with a live code.
        email = f"new{i}@example.org" if kind == "known" else f"never{i}@example.org"
        return registration.verify_signup, {"email": email, "code": "000000", "ip": ip(i, kind)}

    def resend(kind: str, i: int) -> tuple[Callable[..., Any], dict]:
        email = f"pending{i}@example.org" if kind == "known" else f"nobody{i}@example.org"
        return registration.resend_signup_code, {"email": email}

    def login(kind: str, i: int) -> tuple[Callable[..., Any], dict]:
        email = f"known{i}@example.org" if kind == "known" else f"stranger{i}@example.org"
        args = {"email": email, "password": "not the password", "ip": ip(i, kind)}
        return sign_in.login, {**args, "user_agent": "benchmark"}

    def reset(kind: str, i: int) -> tuple[Callable[..., Any], dict]:
        email = f"known{i}@example.org" if kind == "known" else f"ghost{i}@example.org"
        return password_reset.request_password_reset, {"email": email, "ip": ip(i, kind)}

    return {
        "sign-up": signup,
        "verify (wrong code)": verify,
        "resend": resend,
        "sign-in (wrong password)": login,
        "reset request": reset,
    }


def percentiles(ms: list[float]) -> tuple[float, float]:
    return statistics.median(ms), statistics.quantiles(ms, n=20)[18]


def run(engine: Engine, tries: int) -> None:
    """Time every flow, known and unknown interleaved, and print one line per flow."""
    print(f"{tries} tries per flow and kind; ms; ratio = known / unknown")
    print(f"{'flow':<26}{'known p50':>10}{'p95':>8}{'unknown p50':>13}{'p95':>8}{'ratio':>7}")
    for name, make in flows(tries).items():
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for i in range(tries):
            for kind in ("known", "unknown") if i % 2 else ("unknown", "known"):
                fn, args = make(kind, i)
                times[kind].append(call(engine, fn, **args))
        (k50, k95), (u50, u95) = percentiles(times["known"]), percentiles(times["unknown"])
        print(f"{name:<26}{k50:>10.1f}{k95:>8.1f}{u50:>13.1f}{u95:>8.1f}{k50 / u50:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        config = Config(str(ROOT / "alembic.ini"))
        config.attributes["url"] = url
        command.upgrade(config, "head")
        engine = make_engine(url)
        try:
            seed(engine, args.tries)
            run(engine, args.tries)
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
