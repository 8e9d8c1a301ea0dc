"""Normalized records every platform parser produces, and the helpers parsers share."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any


class Platform(enum.StrEnum):
    """The four channels the inbox reads."""

    GOOGLE_PLAY = "google_play"
    APP_STORE = "app_store"
    GBP = "gbp"
    INSTAGRAM = "instagram"


@dataclass(frozen=True)
class PlatformReply:
    """A public response already visible on the platform (ours or made elsewhere)."""

    text: str
    replied_at: datetime | None
    external_id: str | None = None
    state: str | None = None  # e.g. App Store PUBLISHED / PENDING_PUBLISH


@dataclass
class Review:
    """One review or comment, normalized; `raw` is the platform's own payload, unmodified.

    Times are timezone-aware UTC. Fields a platform does not provide stay None: a parser
    never invents a value.
    """

    platform: Platform
    external_id: str
    body: str
    raw: Mapping[str, Any]
    created_at: datetime | None = None
    updated_at: datetime | None = None
    author: str | None = None
    author_id: str | None = None
    rating: int | None = None
    title: str | None = None
    language: str | None = None
    permalink: str | None = None
    app_version: str | None = None
    device: str | None = None
    territory: str | None = None
    location: str | None = None
    parent_id: str | None = None
    parent_text: str | None = None
    # Which account the payload itself says it belongs to (Play package name, App Store app id,
    # GBP "accounts/…/locations/…", Instagram user id), when it says so.
    account_hint: str | None = None
    reply: PlatformReply | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rejected:
    """A record that could not be parsed: where it was, why, and the raw value kept as-is."""

    position: str
    reason: str
    raw: Any


@dataclass
class ParseResult:
    """What a parser made of one payload or file."""

    records: list[Review] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    # Notes for the user that are not errors,
    # e.g. "12 timestamps had no time zone; read as Asia/Kolkata".
    notes: list[str] = field(default_factory=list)

    def extend(self, other: ParseResult) -> None:
        self.records.extend(other.records)
        self.rejected.extend(other.rejected)
        self.notes.extend(other.notes)


@dataclass(frozen=True)
class ParseOptions:
    """What a parser cannot learn from the payload itself and must be told."""

    # Zone for timestamps that carry none (google-play-scraper writes naive local time);
    # None means such records are rejected rather than guessed.
    naive_tz: tzinfo | None = None
    # Instagram: the account's own handle, so our replies are recognised when the payload
    # does not name the media owner.
    own_username: str | None = None


class ParseError(ValueError):
    """A whole payload is unusable (not one of the known shapes, unreadable file)."""


def as_utc(value: datetime, naive_tz: tzinfo | None = None) -> datetime:
    """Return `value` in UTC; a naive value is read in `naive_tz` and refused without one."""
    if value.tzinfo is None:
        if naive_tz is None:
            raise ValueError(f"timestamp {value.isoformat()} has no time zone")
        value = value.replace(tzinfo=naive_tz)
    return value.astimezone(UTC)
