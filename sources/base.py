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


# Widths of the database columns these fields go to (inbox.models): a longer value is not a
# real one, and PostgreSQL would refuse the whole batch. Parsers reject such records first.
MAX_ID_LENGTH = 500
FIELD_LIMITS: dict[str, int] = {
    "author_id": 300,
    "language": 20,
    "app_version": 100,
    "device": 200,
    "territory": 20,
    "location": 300,
    "parent_id": 300,
    "account_hint": 300,
}
REPLY_LIMITS: dict[str, int] = {"external_id": 300, "state": 40}
_FIELD_NAMES = {"account_hint": "the account it names", "external_id": "the reply id"}


def record_problem(review: Review) -> str | None:
    """Why a well-typed record cannot be stored as it is, or None: no id, an id too long or
    with a NUL in it, a field longer than its database column."""
    external_id = review.external_id
    if not external_id.strip():
        return "no id"
    if len(external_id) > MAX_ID_LENGTH:
        return f"the id is {len(external_id)} characters long (at most {MAX_ID_LENGTH})"
    if "\x00" in external_id:
        return "the id holds a NUL character"
    if review.account_hint is not None and "\x00" in review.account_hint:
        return "the account it names holds a NUL character"
    reply = review.reply
    # One cheap pass for the common case (ingest calls this for every record).
    if (
        len(review.author_id or "") <= 300
        and len(review.language or "") <= 20
        and len(review.app_version or "") <= 100
        and len(review.device or "") <= 200
        and len(review.territory or "") <= 20
        and len(review.location or "") <= 300
        and len(review.parent_id or "") <= 300
        and len(review.account_hint or "") <= 300
        and (reply is None or len(reply.external_id or "") <= 300)
        and (reply is None or len(reply.state or "") <= 40)
    ):
        return None
    problem = _too_long(review, FIELD_LIMITS)
    if problem is None and reply is not None:
        problem = _too_long(reply, REPLY_LIMITS)
    return problem


def _too_long(obj: object, limits: dict[str, int]) -> str | None:
    for name, limit in limits.items():
        value = getattr(obj, name)
        if isinstance(value, str) and len(value) > limit:
            label = _FIELD_NAMES.get(name, name.replace("_", " "))
            return f"{label} is {len(value)} characters long (at most {limit})"
    return None


class ParseError(ValueError):
    """A whole payload is unusable (not one of the known shapes, unreadable file)."""


def as_utc(value: datetime, naive_tz: tzinfo | None = None) -> datetime:
    """Return `value` in UTC; a naive value is read in `naive_tz` and refused without one."""
    if value.tzinfo is None:
        if naive_tz is None:
            raise ValueError(f"timestamp {value.isoformat()} has no time zone")
        value = value.replace(tzinfo=naive_tz)
    return value.astimezone(UTC)
