"""Signed media URLs: a short-lived link to one file, for one user watching one lesson.

The signature is an HMAC-SHA256 (key from LMS_SECRET_KEY) over the key, the user, the
lesson and the expiry, so none of them can be changed without the link dying. A valid
signature only names who asked; the media route still checks, at request time, that this
user may open this lesson (an unenrolled or deactivated user's old link stops working).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from urllib.parse import urlencode

from lms_reflex.services.validation import parse_number
from lms_reflex.settings import get_settings

DEFAULT_LIFETIME_S = 3600
MAX_LIFETIME_S = 24 * 3600
_PURPOSE = b"lms-media-url-v1"  # keeps these MACs apart from any other use of the secret
_MAX_INT_DIGITS = 12


def _mac(key: str, user_id: int, lesson_id: int, expires_at: int) -> str:
    secret = hmac.new(get_settings().secret(), _PURPOSE, hashlib.sha256).digest()
    message = f"{key}|{user_id}|{lesson_id}|{expires_at}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_media_url(
    key: str,
    user_id: int,
    lesson_id: int,
    expires_in_s: int = DEFAULT_LIFETIME_S,
    *,
    now: float | None = None,
) -> str:
    """A /api/media URL that lets `user_id` fetch `key` for `lesson_id` until it expires.

    Args:
        key: The storage key of the file.
        user_id: The user the link is made for.
        lesson_id: The lesson the file belongs to.
        expires_in_s: Lifetime in seconds (1 .. 24 h).
        now: The current Unix time (tests pass a fixed one).

    Returns:
        A site-relative URL: /api/media/<key>?u=..&l=..&exp=..&sig=..

    Raises:
        ValueError: a lifetime outside 1 s .. 24 h.
    """
    if not 0 < expires_in_s <= MAX_LIFETIME_S:
        raise ValueError("a signed media URL lives between 1 second and 24 hours")
    expires_at = int(time.time() if now is None else now) + int(expires_in_s)
    sig = _mac(key, user_id, lesson_id, expires_at)
    query = urlencode({"u": user_id, "l": lesson_id, "exp": expires_at, "sig": sig})
    return f"/api/media/{key}?{query}"


def verify_media_signature(
    key: str, query_params: Mapping[str, str], *, now: float | None = None
) -> tuple[int, int] | None:
    """Check a signed URL's query for `key`.

    Args:
        key: The storage key from the URL path.
        query_params: The request's query parameters (u, l, exp, sig).
        now: The current Unix time (tests pass a fixed one).

    Returns:
        (user id, lesson id) when the signature matches and has not expired, else None.
    """
    user_id = parse_number(query_params.get("u"), max_digits=_MAX_INT_DIGITS)
    lesson_id = parse_number(query_params.get("l"), max_digits=_MAX_INT_DIGITS)
    expires_at = parse_number(query_params.get("exp"), max_digits=_MAX_INT_DIGITS)
    sig = query_params.get("sig") or ""
    if user_id is None or lesson_id is None or expires_at is None or not sig.isascii():
        return None
    if expires_at <= (time.time() if now is None else now):
        return None
    expected = _mac(key, user_id, lesson_id, expires_at)
    if not hmac.compare_digest(expected.encode(), sig.encode()):
        return None
    return user_id, lesson_id
