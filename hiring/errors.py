"""Domain errors: raised by domain functions, turned into a flash message or an HTTP status by views."""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; carries the HTTP status that fits it."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The thing asked for does not exist."""

    status = 404


class Forbidden(DomainError):
    """The user may not do this."""

    status = 403


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate, a stale edit, a move not allowed)."""

    status = 409
