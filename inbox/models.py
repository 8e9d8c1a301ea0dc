"""The tables of the inbox (SQLModel); the same schema on SQLite and PostgreSQL."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC and always hands back timezone-aware UTC, on SQLite (which drops zones) too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Plain JSON (not JSONB) on PostgreSQL too: it keeps the exact text of a raw payload,
# including \u0000 escapes that JSONB refuses.
JSONType = sa.JSON(none_as_null=True)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


class ItemStatus(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    REPLIED = "replied"
    ESCALATED = "escalated"
    NO_REPLY_NEEDED = "no_reply_needed"


#: Statuses in which an item still waits for a public response. Snoozing is not a status:
#: a snoozed item keeps its status and is only hidden from the queue until `snoozed_until`.
NEEDS_REPLY = (ItemStatus.NEW, ItemStatus.OPEN, ItemStatus.ESCALATED)


class TagOrigin(enum.StrEnum):
    MODEL = "model"
    RULE = "rule"
    HUMAN = "human"


class ReplyState(enum.StrEnum):
    DRAFT = "draft"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REPLACED = "replaced"  # a sent reply later overwritten by an edit


class ReplyOrigin(enum.StrEnum):
    TOOL = "tool"  # written and sent from this inbox
    PLATFORM = "platform"  # found already on the platform (made elsewhere, or before the tool)


class EventKind(enum.StrEnum):
    RECEIVED = "received"
    EDITED = "edited"
    TAGGED = "tagged"
    RETAGGED = "retagged"
    VIEWED = "viewed"
    REPLIED = "replied"
    REPLY_QUEUED = "reply_queued"
    REPLY_CANCELLED = "reply_cancelled"
    REPLY_FAILED = "reply_failed"
    REPLY_EDITED = "reply_edited"
    ESCALATED = "escalated"
    EXPORTED = "exported"
    STATUS = "status"
    SNOOZED = "snoozed"
    ASSIGNED = "assigned"
    POLLED = "polled"  # item_id is NULL: one per poll of one account, with its window


class SourceAccount(SQLModel, table=True):
    """One configured account on one platform, and where its polling stands."""

    __tablename__ = "source_account"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)
    platform: str = Field(max_length=20, index=True)
    external_ref: str | None = Field(default=None, max_length=300)
    display_name: str | None = Field(default=None, max_length=300)
    cursor: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    last_poll_at: datetime | None = _ts()
    last_success_at: datetime | None = _ts()
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    consecutive_failures: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Item(SQLModel, table=True):
    """One review or comment, as last seen on its platform, with its place in the queue."""

    __tablename__ = "item"
    __table_args__ = (
        sa.UniqueConstraint("platform", "account_id", "external_id", name="uq_item_platform_key"),
        # The urgent queue read in order, newest first within an urgency (queue_walk.py).
        sa.Index(
            "ix_item_status_published",
            sa.text("status"),
            sa.text("coalesce(created_at, updated_at, first_seen_at)"),
            sa.text("id"),
            sa.text("clock_started_at"),
            sa.text("snoozed_until"),
            sa.text("created_at"),
            sa.text("updated_at"),
            sa.text("first_seen_at"),
        ),
        # The queue's views (Needs reply, Due soon, Breached) and their counts read only this.
        sa.Index(
            "ix_item_queue",
            "status",
            "clock_started_at",
            "created_at",
            "updated_at",
            "first_seen_at",
            "snoozed_until",
            "account_id",
        ),
        # "Mine": the assigned items only (ingest assigns nobody, so writes nothing here).
        sa.Index(
            "ix_item_assignee",
            "assignee",
            sqlite_where=sa.text("assignee IS NOT NULL"),
            postgresql_where=sa.text("assignee IS NOT NULL"),
        ),
        # Who wrote it, as the repeated-complaint check looks authors up (classify.py).
        sa.Index("ix_item_author_key", sa.text("lower(coalesce(author_id, author))")),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=20)  # the unique key above begins with it
    account_id: int = Field(foreign_key="source_account.id", index=True)
    external_id: str = Field(max_length=500)
    author: str | None = Field(default=None, sa_type=sa.Text)
    author_id: str | None = Field(default=None, max_length=300)
    rating: int | None = Field(default=None, index=True)
    title: str | None = Field(default=None, sa_type=sa.Text)
    body: str = Field(default="", sa_type=sa.Text)
    language: str | None = Field(default=None, max_length=20)
    created_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()
    first_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # When the response clock (re)started: platform publish time, else first seen; an edit of an
    # item that had been answered restarts it. Kept here so SLA filters are one indexed query.
    clock_started_at: datetime | None = _ts(index=True)
    permalink: str | None = Field(default=None, sa_type=sa.Text)
    app_version: str | None = Field(default=None, max_length=100)
    device: str | None = Field(default=None, max_length=200)
    territory: str | None = Field(default=None, max_length=20)
    location: str | None = Field(default=None, max_length=300)
    parent_id: str | None = Field(default=None, max_length=300)
    parent_text: str | None = Field(default=None, sa_type=sa.Text)
    extra: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    raw: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    content_hash: str = Field(max_length=64)
    revision: int = Field(default=1)
    status: str = Field(default=ItemStatus.NEW, max_length=20)
    snoozed_until: datetime | None = _ts()
    assignee: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = _ts()
    # Bumped on every change, so concurrent writers can detect a lost update.
    version: int = Field(default=1)


class Tag(SQLModel, table=True):
    """A theme on an item. A human row overrides model/rule rows for the same theme."""

    __tablename__ = "tag"
    __table_args__ = (sa.UniqueConstraint("item_id", "theme", "origin", name="uq_tag_item_theme"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True, ondelete="CASCADE")
    theme: str = Field(max_length=100, index=True)
    score: float | None = None
    origin: str = Field(max_length=10)
    # False on a human row means "a person said this theme does not apply".
    active: bool = Field(default=True)
    model_version: str | None = Field(default=None, max_length=100)
    taxonomy_version: str | None = Field(default=None, max_length=100)
    created_by: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Escalation(SQLModel, table=True):
    """Why an item goes to the CX team, and whether it has been handed over."""

    __tablename__ = "escalation"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True, ondelete="CASCADE")
    reasons: list[str] = Field(default_factory=list, sa_type=JSONType)
    severity: str = Field(default="normal", max_length=20)
    note: str | None = Field(default=None, sa_type=sa.Text)
    created_by: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    exported_at: datetime | None = _ts()
    export_batch: str | None = Field(default=None, max_length=100, index=True)


class Reply(SQLModel, table=True):
    """The outbox, and the record of every public response an item has had."""

    __tablename__ = "reply"

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True, ondelete="CASCADE")
    body: str = Field(sa_type=sa.Text)
    origin: str = Field(default=ReplyOrigin.TOOL, max_length=10)
    template_id: str | None = Field(default=None, max_length=200)
    template_hash: str | None = Field(default=None, max_length=64)
    state: str = Field(default=ReplyState.DRAFT, max_length=12, index=True)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    idempotency_key: str = Field(max_length=100, unique=True)
    platform_reply_id: str | None = Field(default=None, max_length=300)
    platform_state: str | None = Field(default=None, max_length=40)
    agent: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    queued_at: datetime | None = _ts()
    send_after: datetime | None = _ts()
    sent_at: datetime | None = _ts()
    published_at: datetime | None = _ts()
    # When a sender last started posting it: a `sending` row older than the lease is a sender
    # that died mid-call, and the next sender reads the platform before posting again.
    attempted_at: datetime | None = _ts()
    # host:pid of that sender: on the same host, a dead pid frees the reply at once.
    attempted_by: str | None = Field(default=None, max_length=100)
    # An edit of a reply already sent: the row it replaces on the platform.
    replaces_id: int | None = Field(default=None, foreign_key="reply.id", nullable=True)


class Event(SQLModel, table=True):
    """Append-only log of everything that happened to an item; SLA figures come from it."""

    __tablename__ = "event"
    __table_args__ = (
        sa.Index("ix_event_item_at", "item_id", "at"),
        # Events of a kind in a time range, and their items ("Replied today", SLA figures).
        sa.Index("ix_event_kind_at", "kind", "at", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int | None = Field(
        default=None, foreign_key="item.id", nullable=True, ondelete="CASCADE"
    )
    kind: str = Field(max_length=20)
    actor: str | None = Field(default=None, max_length=100)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    data: dict[str, Any] | None = Field(default=None, sa_type=JSONType)


class Quarantine(SQLModel, table=True):
    """A record that could not be stored, kept raw with the reason, so nothing is lost."""

    __tablename__ = "quarantine"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = Field(default=None, foreign_key="source_account.id", nullable=True)
    origin: str = Field(max_length=300)  # file name, or "poll"
    position: str = Field(max_length=300)
    reason: str = Field(sa_type=sa.Text)
    raw: str = Field(sa_type=sa.Text)
    # The same bad record seen again (a re-import, a re-poll) is not stored twice.
    fingerprint: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ExportBatch(SQLModel, table=True):
    """One export of escalations to one channel (a file, the webhook, the shared sheet).

    Written `pending` before anything leaves, marked `delivered` after: a crash or a failed
    delivery leaves a pending batch that the next export finishes with the same rows."""

    __tablename__ = "export_batch"

    id: str = Field(primary_key=True, max_length=40)
    channel: str = Field(max_length=20, index=True)  # file | webhook | sheets
    format: str | None = Field(default=None, max_length=10)  # csv | xlsx | jsonl (files)
    state: str = Field(default="pending", max_length=12, index=True)
    path: str | None = Field(default=None, sa_type=sa.Text)
    count: int = Field(default=0)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_by: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    delivered_at: datetime | None = _ts()


class ExportItem(SQLModel, table=True):
    """An escalation in a batch: at most once per channel, ever."""

    __tablename__ = "export_item"
    __table_args__ = (
        sa.UniqueConstraint("channel", "escalation_id", name="uq_export_item_channel"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: str = Field(foreign_key="export_batch.id", index=True, max_length=40)
    channel: str = Field(max_length=20)
    escalation_id: int = Field(foreign_key="escalation.id", index=True, ondelete="CASCADE")
    # Webhook cooldown: this one was not posted, an earlier ticket for the author covers it.
    covered_by: int | None = Field(default=None)
