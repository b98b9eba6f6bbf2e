"""Password rules and hashing: argon2id through passlib's CryptContext (libpass)."""

from __future__ import annotations

import functools
from importlib import resources

from passlib.context import CryptContext

from lms_reflex.services.errors import InvalidInput

MIN_LENGTH = 8
MAX_LENGTH = 256
PW = "password"  # the input these refusals are shown under (DomainError.field)

# OWASP's argon2id floor is m=19 MiB, t=2, p=1; we sit a little above it. Changing these
# makes `needs_rehash` true for old hashes, which are upgraded at the next sign-in.
_context = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=19_456,
    argon2__time_cost=2,
    argon2__parallelism=1,
    deprecated="auto",
)

# A hash of a random password, verified against when the email is unknown so that both
# answers cost the same time (docs/security.md case 4).
_DUMMY_HASH = _context.hash("not-a-real-password-\u2603-timing-equaliser")


@functools.cache
def _common_passwords() -> frozenset[str]:
    text = (
        resources.files("lms_reflex.services.accounts").joinpath("common_passwords.txt").read_text()
    )
    lines = (line.strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line and not line.startswith("# "))


def check_password_rules(password: str) -> None:
    """Length 8..256 and not a common password; no composition rules (NIST 800-63B).

    Raises:
        InvalidInput: with the reason in plain words.
    """
    if len(password) < MIN_LENGTH:
        raise InvalidInput(f"Use at least {MIN_LENGTH} characters for your password.", field=PW)
    if len(password) > MAX_LENGTH:
        raise InvalidInput(f"Use at most {MAX_LENGTH} characters for your password.", field=PW)
    if password.lower() in _common_passwords():
        raise InvalidInput("That password is too common. Please choose another one.", field=PW)


def hash_password(password: str) -> str:
    """An argon2id hash with a fresh salt. Slow on purpose: call it off the event loop."""
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Check a password; return (ok, new_hash) where new_hash is set when it must be upgraded.

    With password_hash=None a dummy hash is checked so unknown accounts take as long.
    """
    if password_hash is None:
        _context.verify(password, _DUMMY_HASH)
        return False, None
    try:
        ok, new_hash = _context.verify_and_update(password, password_hash)
    except (ValueError, TypeError):
        return False, None
    return bool(ok), new_hash
