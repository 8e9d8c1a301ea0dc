"""Platform sources: payload parsers, pollers and reply posting. Knows nothing of the database."""

from sources.base import (
    ParseError,
    ParseResult,
    Platform,
    PlatformReply,
    Rejected,
    Review,
)

__all__ = ["ParseError", "ParseResult", "Platform", "PlatformReply", "Rejected", "Review"]
