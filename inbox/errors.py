"""One error family: each carries a title and a sentence a marketer can act on."""

from __future__ import annotations


class InboxError(Exception):
    """Base of every error the CLI prints as one line and the TUI shows as a notification."""

    title = "Error"


class ConfigError(InboxError):
    title = "Configuration"


class DatabaseError(InboxError):
    title = "Database"


class ImportFileError(InboxError):
    title = "Import"


class NotFoundError(InboxError):
    title = "Not found"


class ConflictError(InboxError):
    """Someone else changed or holds the item (claims, optimistic version check)."""

    title = "Conflict"
