"""The interface every platform source implements, and what fetching and replying return."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sources.base import Platform, PlatformReply, Rejected, Review

Cursor = Mapping[str, Any]


@dataclass
class Batch:
    """One page (or a few) of a poll. The caller commits each batch as it comes.

    Only the last batch of a complete poll carries `cursor`: the caller stores it in the same
    transaction as that batch, so a poll that dies half-way leaves the old cursor and the next
    poll reads the same range again (ingest is idempotent, so nothing is duplicated).
    """

    records: list[Review] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    requests: int = 0
    cursor: dict[str, Any] | None = None
    final: bool = False


KEPT_POSITION = (
    "a page could not be read; the poll position was kept so the next poll reads these "
    "reviews again"
)


def close_poll(
    batch: Batch, old: Cursor | None, new: dict[str, Any] | None, *, held: bool
) -> Batch:
    """Mark `batch` as the last of a poll. After an unreadable page (`held`) the old cursor is
    kept, so the skipped range is read again next time; otherwise the new one is stored."""
    batch.final = True
    if held:
        batch.notes.append(KEPT_POSITION)
        batch.cursor = dict(old) if old else None
    else:
        batch.cursor = new
    return batch


@dataclass(frozen=True)
class ReplyReceipt:
    """What the platform said after accepting a reply."""

    external_id: str
    text: str
    reply_id: str | None = None
    state: str | None = None  # App Store: PENDING_PUBLISH until it is live
    replied_at: datetime | None = None


@runtime_checkable
class Source(Protocol):
    """A configured account on one platform."""

    platform: Platform
    can_reply: bool

    def fetch(self, cursor: Cursor | None) -> Iterator[Batch]:
        """Read newest first until the cursor is reached; the last batch has `final=True`."""
        ...

    def reply(self, external_id: str, text: str) -> ReplyReceipt:
        """Post (or overwrite, where the platform overwrites) the public reply."""
        ...

    def get_reply(self, external_id: str) -> PlatformReply | None:
        """The reply the platform shows now, so a retry never posts twice."""
        ...

    def close(self) -> None: ...
