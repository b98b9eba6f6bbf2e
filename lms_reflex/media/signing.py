"""Signed media URLs: a short-lived link to one file, for one browser session watching one lesson.

The signature is an HMAC-SHA256 (key from LMS_SECRET_KEY) over the key, the user, the
lesson, the expiry and a hash of the viewer's session token, so none of them can be changed
without the link dying. The token itself is not in the URL: the media route recomputes the
MAC with the request's own session cookie, so a copied URL is useless in another browser
(docs/security.md, "Video URLs bound to the viewer's session"). While fresh, a valid
signature lets the route skip the lesson and enrollment lookup; past its expiry the route
checks the full rule again with the cookie, so a seek after expiry still plays.
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

DEFAULT_LIFETIME_S = 600
MAX_LIFETIME_S = 3600
_PURPOSE = b"lms-media-url-v2"  # keeps these MACs apart from any other use of the secret
_MAX_INT_DIGITS = 12


def _mac(key: str, user_id: int, lesson_id: int, expires_at: int, session_token: str) -> str:
    secret = hmac.new(get_settings().secret(), _PURPOSE, hashlib.sha256).digest()
    bound = hashlib.sha256(session_token.encode()).hexdigest()
    message = f"{key}|{user_id}|{lesson_id}|{expires_at}|{bound}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign_media_url(
    key: str,
    user_id: int,
    lesson_id: int,
    session_token: str,
    expires_in_s: int = DEFAULT_LIFETIME_S,
    *,
    now: float | None = None,
) -> str:
    """A /api/media URL that lets `user_id`, in this browser session, fetch `key` for a while.

    Args:
        key: The storage key of the file.
        user_id: The user the link is made for.
        lesson_id: The lesson the file belongs to.
        session_token: The viewer's session cookie value; the link works only with it.
        expires_in_s: Lifetime in seconds (1 s .. 1 h; 10 minutes by default).
        now: The current Unix time (tests pass a fixed one).

    Returns:
        A site-relative URL: /api/media/<key>?u=..&l=..&exp=..&sig=..

    Raises:
        ValueError: a lifetime outside 1 s .. 1 h, or no session token.
    """
    if not 0 < expires_in_s <= MAX_LIFETIME_S:
        raise ValueError("a signed media URL lives between 1 second and 1 hour")
    if not session_token:
        raise ValueError("a signed media URL is bound to a session")
    expires_at = int(time.time() if now is None else now) + int(expires_in_s)
    sig = _mac(key, user_id, lesson_id, expires_at, session_token)
    query = urlencode({"u": user_id, "l": lesson_id, "exp": expires_at, "sig": sig})
    return f"/api/media/{key}?{query}"


def verify_media_signature(
    key: str,
    query_params: Mapping[str, str],
    session_token: str | None,
    *,
    now: float | None = None,
) -> tuple[int, int] | None:
    """Check a signed URL's query for `key`, against the request's own session cookie.

    Args:
        key: The storage key from the URL path.
        query_params: The request's query parameters (u, l, exp, sig).
        session_token: The request's session cookie value (None: nothing verifies).
        now: The current Unix time (tests pass a fixed one).

    Returns:
        (user id, lesson id) when the signature matches this session and has not expired,
        else None.
    """
    if not session_token:
        return None
    user_id = parse_number(query_params.get("u"), max_digits=_MAX_INT_DIGITS)
    lesson_id = parse_number(query_params.get("l"), max_digits=_MAX_INT_DIGITS)
    expires_at = parse_number(query_params.get("exp"), max_digits=_MAX_INT_DIGITS)
    sig = query_params.get("sig") or ""
    if user_id is None or lesson_id is None or expires_at is None or not sig.isascii():
        return None
    if expires_at <= (time.time() if now is None else now):
        return None
    expected = _mac(key, user_id, lesson_id, expires_at, session_token)
    if not hmac.compare_digest(expected.encode(), sig.encode()):
        return None
    return user_id, lesson_id
