"""Platform sources: payload parsers, pollers and reply posting. Knows nothing of the database."""

from sources.base import (
    ParseError,
    ParseOptions,
    ParseResult,
    Platform,
    PlatformReply,
    Rejected,
    Review,
)
from sources.formats import FORMATS, FormatSpec, detect_format, parse_bytes

__all__ = [
    "FORMATS",
    "FormatSpec",
    "ParseError",
    "ParseOptions",
    "ParseResult",
    "Platform",
    "PlatformReply",
    "Rejected",
    "Review",
    "detect_format",
    "parse_bytes",
]
