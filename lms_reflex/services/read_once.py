"""Facts read once per read-only transaction.

A page's load composes several services, and each checks its own rule with the rows it
reads (docs/architecture.md, "Permissions"). The player's load read the same lesson,
course and enrollment rows four and five times in one transaction, a fifth of its
statements (benchmarks/README.md, "Ninth session"). In a read-only transaction
(`db.session_scope(readonly=True)`, which marks the session) nothing the services do
changes those rows, so the first read answers the later ones of the same call; the rules
themselves still run in every service. A write transaction reads again every time: a
service may have changed the row it read a moment ago. Nothing outlives the session, so
the next event reads afresh (permissions are read at call time).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar, cast

from sqlmodel import Session

T = TypeVar("T")

READ_ONLY = "lms_read_only"  # session.info key, set by db.session_scope(readonly=True)
_MEMO = "lms_read_once"


def read_once(session: Session, key: tuple[Hashable, ...], read: Callable[[], T]) -> T:
    """`read()`, or in a read-only session what it returned for `key` before.

    A read that raises is not remembered: the next caller reads again and raises again.
    """
    if not session.info.get(READ_ONLY):
        return read()
    memo: dict[tuple[Hashable, ...], Any] = session.info.setdefault(_MEMO, {})
    if key not in memo:
        memo[key] = read()
    return cast(T, memo[key])
