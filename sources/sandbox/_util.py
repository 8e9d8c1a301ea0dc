"""Small helpers the sandbox shares: platform time formats, opaque keyset cursors, Graph fields."""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PACIFIC = ZoneInfo("America/Los_Angeles")  # App Store Connect writes Cupertino time
_MICRO = timedelta(microseconds=1)
_FRACTION = re.compile(r"\.(\d+)")
_BASIC_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")

Key = tuple[Any, ...]


def utc_now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- times


def parse_time(value: str) -> datetime:
    """Read any timestamp the four platforms write (Z, +0000, -08:00, 1..9 fraction digits)."""
    text = value.strip()
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = _BASIC_OFFSET.sub(r"\1:\2", text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def micros(moment: datetime) -> int:
    """Microseconds since the epoch: an exact integer sort key."""
    return (moment - EPOCH) // _MICRO


def from_micros(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def rfc3339(moment: datetime) -> str:
    """Google's style: UTC, microseconds, Z (`2026-11-25T04:18:50.701409Z`)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def graph_time(moment: datetime) -> str:
    """Meta's style: `2026-11-25T05:41:20+0000`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def apple_time(moment: datetime) -> str:
    """App Store Connect's style: Pacific time with a colon offset (`…T23:19:00-08:00`)."""
    local = moment.astimezone(PACIFIC)
    offset = local.strftime("%z")
    return local.strftime("%Y-%m-%dT%H:%M:%S") + offset[:3] + ":" + offset[3:]


def play_stamp(moment: datetime) -> dict[str, Any]:
    """Play's `{seconds (int64 as a string), nanos}`."""
    value = micros(moment)
    seconds, rest = divmod(value, 1_000_000)
    return {"seconds": str(seconds), "nanos": rest * 1000}


def play_nanos(stamp: Any) -> int:
    """Nanoseconds since the epoch of a Play `{seconds, nanos}` (0 when unreadable)."""
    if not isinstance(stamp, dict):
        return 0
    try:
        seconds = int(stamp.get("seconds", 0))
        nanos = int(stamp.get("nanos", 0) or 0)
    except (TypeError, ValueError):
        return 0
    return seconds * 1_000_000_000 + nanos


def time_micros(value: Any) -> int:
    """Sort key of an ISO timestamp string (0 when missing or unreadable)."""
    if not isinstance(value, str):
        return 0
    try:
        return micros(parse_time(value))
    except ValueError:
        return 0


# --------------------------------------------------------------------------- keyset paging


def encode_cursor(tag: str, key: Key) -> str:
    """An opaque page token: the sort key of the last item served, so inserts never shift pages."""
    raw = json.dumps([tag, *key], separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(tag: str, token: str, like: Key) -> Key:
    """The key inside `token`; ValueError when it was not made by `encode_cursor(tag, …)`."""
    try:
        padded = token + "=" * (-len(token) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise ValueError("not a page token of this list") from None
    if not isinstance(value, list) or not value or value[0] != tag:
        raise ValueError("not a page token of this list")
    key = tuple(value[1:])
    if len(key) != len(like) or any(
        type(got) is not type(want) for got, want in zip(key, like, strict=True)
    ):
        raise ValueError("not a page token of this list")
    return key


@dataclass
class Ordered:
    """Ids in their listing order with their sort keys (ascending), for keyset pages."""

    tag: str
    keys: list[Key] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, tag: str, pairs: Sequence[tuple[Key, str]]) -> Ordered:
        ordered = sorted(pairs)
        return cls(tag, [k for k, _ in ordered], [i for _, i in ordered])

    def like(self, default: Key) -> Key:
        return self.keys[0] if self.keys else default

    def after(self, cursor: Key | None, limit: int, end: int | None = None) -> tuple[int, int]:
        """Positions [start, stop) of the page after `cursor`; `end` hides a tail."""
        stop_at = len(self.ids) if end is None else end
        start = bisect.bisect_right(self.keys, cursor) if cursor is not None else 0
        start = min(start, stop_at)
        return start, min(start + limit, stop_at)

    def before(self, cursor: Key, limit: int) -> tuple[int, int]:
        """Positions [start, stop) of the page that ends just before `cursor`."""
        stop = bisect.bisect_left(self.keys, cursor)
        return max(0, stop - limit), stop

    def cursor(self, position: int) -> str:
        return encode_cursor(self.tag, self.keys[position])


# --------------------------------------------------------------------------- Graph fields


@dataclass
class GraphField:
    """One requested Graph API field: its sub-fields (`{…}`) and `.limit(n)`."""

    sub: dict[str, GraphField] | None = None
    limit: int | None = None


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MODIFIER = re.compile(r"\.([A-Za-z_]+)\(([^()]*)\)")


def parse_fields(text: str) -> dict[str, GraphField]:
    """Parse `id,text,replies.limit(5){id,from{username}}`; ValueError on a syntax error."""
    fields, position = _fields(text.replace(" ", ""), 0)
    if position != len(text.replace(" ", "")):
        raise ValueError(f"unexpected {text[position : position + 10]!r} in fields")
    return fields


def _fields(text: str, position: int) -> tuple[dict[str, GraphField], int]:
    found: dict[str, GraphField] = {}
    while position < len(text) and text[position] != "}":
        match = _NAME.match(text, position)
        if not match:
            raise ValueError(f"a field name is expected at {text[position : position + 10]!r}")
        name = match.group(0)
        position = match.end()
        spec = GraphField()
        while (modifier := _MODIFIER.match(text, position)) is not None:
            if modifier.group(1) == "limit":
                spec.limit = int(modifier.group(2))
            position = modifier.end()
        if position < len(text) and text[position] == "{":
            spec.sub, position = _fields(text, position + 1)
            if position >= len(text) or text[position] != "}":
                raise ValueError("a { in fields is not closed")
            position += 1
        found[name] = spec
        if position < len(text) and text[position] == ",":
            position += 1
    return found, position
