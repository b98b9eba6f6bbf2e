"""Domain errors. Their text is shown to users as is, so it is written for people."""

from __future__ import annotations


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
    """Too many attempts; try again later."""
