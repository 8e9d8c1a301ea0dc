"""Errors a source raises: each is one sentence a marketer can act on, never a secret."""

from __future__ import annotations


class SourceError(Exception):
    """A platform call failed; `retryable` says whether a later poll may succeed unchanged."""

    title = "Source"
    retryable = True

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class AuthError(SourceError):
    """Credentials missing, unreadable, expired or revoked."""

    title = "Credentials"
    retryable = False


class PermissionDenied(SourceError):
    title = "Permission"
    retryable = False


class NotFound(SourceError):
    """Unknown app id, location, review or comment."""

    title = "Not found"
    retryable = False


class RateLimited(SourceError):
    """The platform's quota is used up for now; `retry_after` seconds if it said so."""

    title = "Rate limit"

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


class Unavailable(SourceError):
    """Server errors or timeouts that outlasted the retries."""

    title = "Unavailable"


class Rejected(SourceError):
    """The platform refused the request itself (e.g. a reply too long): retrying won't help."""

    title = "Refused"
    retryable = False


class ReplyNotSupported(SourceError):
    title = "Read-only source"
    retryable = False
