"""Domain-free checks for values that come from a browser: ids, numbers, slugs, control characters.

Every event handler and route can be called with any arguments (docs/security.md), so each
of these rules lives here once and every layer uses the same spelling. No reflex, no
database: plain values in, plain values out.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypeGuard

# Id columns are INTEGER: on PostgreSQL a larger value is an error, not "not found".
MAX_ID = 2**31 - 1
MAX_NUMBER = 2**63 - 1  # the largest BIGINT
MAX_ID_DIGITS = 18
MAX_PAGE = 1000

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# C0 controls and DEL; the multi-line variant lets tab and newline through.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_TAB_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def valid_id(value: object) -> TypeGuard[int]:
    """Whether a service may look `value` up as a row id: a real int (not bool) in 1..MAX_ID.

    Services receive ids straight from events, so strings, floats, bools and lists are
    refused here rather than handed to the database.
    """
    return type(value) is int and 0 < value <= MAX_ID


def is_whole_number(value: object) -> bool:
    """A real int (not a bool, float or text), of any sign: for amounts a service bounds itself."""
    return type(value) is int


def parse_number(value: object, *, max_digits: int = MAX_ID_DIGITS) -> int | None:
    """A plain decimal number from text, or None.

    Only ASCII digits count: no sign, spaces, underscores, exponent or other scripts'
    digits (which str.isdigit and int() would accept). A real int (not bool) of 0 or more
    passes through.
    """
    if type(value) is int:
        return value if 0 <= value <= MAX_NUMBER else None
    if not isinstance(value, str) or not 0 < len(value) <= max_digits:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value)


def parse_id(value: object) -> int:
    """A positive id from an event argument, URL part or form field; 0 for anything else.

    0 never names a row, so services answer it with their usual 'not found'.
    """
    number = parse_number(value)
    return number if number is not None and valid_id(number) else 0


def parse_page(value: object) -> int:
    """A page number from the browser, kept in 1..MAX_PAGE (services clamp again)."""
    return min(max(parse_id(value), 1), MAX_PAGE)


def has_control_chars(text: str, *, multiline: bool = False) -> bool:
    """Whether `text` holds characters we refuse to store (C0 controls and DEL).

    `multiline` allows tab and newline, for text areas; a lone carriage return is still
    refused (callers turn CRLF into LF first).
    """
    pattern = _CONTROL_BUT_TAB_NEWLINE if multiline else _CONTROL
    return pattern.search(text) is not None


def make_slug(text: str, *, fallback: str, max_len: int) -> str:
    """An ASCII, lower-case, dash-separated slug of at most `max_len` characters.

    Accents are folded (é -> e), everything else becomes a dash; `fallback` when nothing
    is left (a title in another script, say).
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:max_len].strip("-")
    return slug or fallback


def first_free_slug(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... whichever is not in `taken`."""
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
