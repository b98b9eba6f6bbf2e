"""Public certificate codes: 100 random bits, written in Crockford's base32.

Crockford's alphabet has no I, L, O or U, so a code read aloud or typed from paper cannot
be mistaken; a typed I or L is read as 1 and an O as 0. The canonical form (stored, used in
URLs and file names) is 20 upper-case characters; people see it in groups of four.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 20  # 20 characters x 5 bits = 100 random bits (issue 18 asks for at least 96)
GROUP = 4
_CANONICAL = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")
_TYPOS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_SEPARATORS = str.maketrans("", "", "- ")


def new_code() -> str:
    """A fresh canonical code from the operating system's random source."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """The code as people read it: 7KQ2-M9XD-..."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def canonical(text: object) -> str | None:
    """The canonical code inside what someone typed or a URL carried, or None.

    Dashes, spaces and case do not matter; anything else (another length, other letters,
    not a string) is no code at all.
    """
    if not isinstance(text, str) or len(text) > 2 * LENGTH:
        return None
    code = text.upper().translate(_SEPARATORS).translate(_TYPOS)
    return code if _CANONICAL.fullmatch(code) else None
