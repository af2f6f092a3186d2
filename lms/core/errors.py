"""The DomainError tree: what services raise instead of aborting."""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the operation; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist (or the actor may not know it exists)."""

    status_code = 404


class PermissionDenied(DomainError):
    """The actor may not do this to this object."""

    status_code = 403


class Conflict(DomainError):
    """The operation clashes with the current state (already done, taken, full)."""

    status_code = 409


class ValidationFailed(DomainError):
    """Input was refused; `problems` lists every reason, each naming where it is."""

    status_code = 422

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []
