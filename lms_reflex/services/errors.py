"""Domain errors. Their text is shown to users as is, so it is written for people."""

from __future__ import annotations

import math


class DomainError(Exception):
    """Base for every error a service raises on purpose.

    `field` names the form input the refusal is about ("email", "title"), so the page can
    show it next to that input and move focus there; "" when it belongs to no one input.
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it exists."""

    def __init__(self, message: str = "We could not find that.") -> None:
        super().__init__(message)


class PermissionDenied(DomainError):
    """The actor is known but may not do this."""

    def __init__(self, message: str = "You do not have permission to do that.") -> None:
        super().__init__(message)


class NotSignedIn(PermissionDenied):
    """Nobody is signed in (or the session ended)."""

    def __init__(self, message: str = "Please sign in to continue.") -> None:
        super().__init__(message)


class InvalidInput(DomainError):
    """The request was understood but a value is not acceptable."""


class Conflict(DomainError):
    """The request clashes with what exists (a taken email, a second review)."""


class Throttled(DomainError):
    """Too many attempts; the message says when to try again (issue 17).

    `retry_after_s` is that wait in seconds, for pages that count it down (0: unknown).
    """

    def __init__(self, message: str, retry_after_s: int = 0, *, field: str = "") -> None:
        super().__init__(message, field=field)
        self.retry_after_s = max(0, int(retry_after_s))


def when_text(seconds: int) -> str:
    """How long, in words a person reads at once: "40 seconds", "3 minutes", "12 hours"."""
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    if seconds <= 2 * 3600:
        minutes = math.ceil(seconds / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(seconds / 3600)
    return f"{hours} hours"


def try_again_in(seconds: int) -> str:
    """The sentence every throttle ends with: "Try again in 40 seconds."."""
    return f"Try again in {when_text(seconds)}."
