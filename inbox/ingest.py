"""Store normalized records: batched upserts, edit detection, platform replies, quarantine.

Idempotent by construction: a record whose content, metadata and reply are already stored
writes nothing, so importing the same file twice leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from inbox.bulk import insert_rows, insert_tuples, sqlite_bound_value
from inbox.models import (
    Event,
    EventKind,
    Item,
    ItemStatus,
    Quarantine,
    Reply,
    ReplyOrigin,
    ReplyState,
    SourceAccount,
    utcnow,
)
from sources.base import Platform, Rejected, Review, record_problem

BATCH_SIZE = 500
MAX_RAW_DEPTH = 100  # real payloads nest under 10 levels
_TOO_DEEP = f"raw payload is nested more than {MAX_RAW_DEPTH} levels deep"
RECEIVED_BY = "poller"
PLATFORM_ACTOR = "platform"


@dataclass
class IngestReport:
    """What one ingest did; `changed_ids` are the items to (re)classify."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    replies_found: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.replies_found += other.replies_found
        self.rejected.extend(other.rejected)
        self.changed_ids.extend(other.changed_ids)


class InvalidRecord(ValueError):
    """A record that cannot be stored; the message is the quarantine reason."""


def _clean_text(value: str | None) -> str | None:
    """PostgreSQL text cannot hold NUL and UTF-8 cannot hold lone surrogates: those become
    U+FFFD; everything else is stored as the user wrote it (the raw payload keeps all)."""
    if value is None:
        return None
    if value.isascii() and "\x00" not in value:
        return value  # the common case: nothing to replace, no encoding to try
    value = value.replace("\x00", "\ufffd")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


# `json.dumps(..., ensure_ascii=False)` builds an encoder per call; the text is the same.
_HASH_JSON = json.JSONEncoder(ensure_ascii=False).encode


_JSON_STRING = json.encoder.encode_basestring  # what that encoder writes for a str
_RAW_JSON = json.JSONEncoder(allow_nan=False).encode  # json.dumps(raw, allow_nan=False)


def content_hash(record: Review) -> str:
    """What counts as an edit: the words and the stars, not likes or app metadata."""
    title, body, rating = record.title or "", record.body, record.rating
    if type(title) is str and type(body) is str and (rating is None or type(rating) is int):
        # The encoder's own text, written directly: this runs for every item of every poll.
        stars = "null" if rating is None else int.__repr__(rating)
        payload = f"[{_JSON_STRING(title)}, {_JSON_STRING(body)}, {stars}]"
    else:
        payload = _HASH_JSON([title, body, rating])
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _check_time(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, datetime):
        raise InvalidRecord(f"{name} is {type(value).__name__}, not a datetime")
    if value.tzinfo is None:
        raise InvalidRecord(f"{name} {value.isoformat()} has no time zone")


def validate(record: object, platform: str) -> Review:
    """Refuse records that would store a lie or break the database, with a readable reason."""
    return _validated(record, platform)[0]


def _validated(record: object, platform: str) -> tuple[Review, str]:
    """The record and its raw payload as JSON text (the text stored: serialized once)."""
    if not isinstance(record, Review):
        raise InvalidRecord(f"not a review record ({type(record).__name__})")
    if record.platform != platform:
        raise InvalidRecord(f"is a {record.platform} record, but the account is {platform}")
    ext = record.external_id
    if not isinstance(ext, str) or not ext.strip():
        raise InvalidRecord("has no id")
    problem = record_problem(record)
    if problem is not None:
        raise InvalidRecord(problem)
    if not isinstance(record.body, str):
        raise InvalidRecord(f"text is {type(record.body).__name__}, not text")
    rating = record.rating
    if rating is not None and (
        isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5
    ):
        raise InvalidRecord(f"rating {rating!r} is not a whole number from 1 to 5")
    _check_time("created_at", record.created_at)
    _check_time("updated_at", record.updated_at)
    if record.reply is not None:
        _check_time("reply time", record.reply.replied_at)
        if not isinstance(record.reply.text, str):
            raise InvalidRecord("reply text is not text")
    try:
        text = _RAW_JSON(record.raw)
    except RecursionError:
        raise InvalidRecord(_TOO_DEEP) from None
    except (TypeError, ValueError) as exc:
        raise InvalidRecord(f"raw payload is not storable as JSON: {exc}") from None
    # Storing runs deeper in the stack than this check: a payload nested close to Python's
    # recursion limit would fail inside SQLAlchemy and take the whole batch with it.
    if text.count("[") + text.count("{") > MAX_RAW_DEPTH and _depth(record.raw) > MAX_RAW_DEPTH:
        raise InvalidRecord(_TOO_DEEP)
    return record, text


def _depth(value: object) -> int:
    """How deeply lists and objects nest in `value`, counted without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack and deepest <= MAX_RAW_DEPTH:
        node, level = stack.pop()
        if isinstance(node, Mapping):
            children: Iterable[object] = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


_VALUE_NAMES = (
    "author",
    "author_id",
    "rating",
    "title",
    "body",
    "language",
    "created_at",
    "updated_at",
    "permalink",
    "app_version",
    "device",
    "territory",
    "location",
    "parent_id",
    "parent_text",
    "extra",
    "raw",
    "content_hash",
)


def _value_tuple(record: Review, raw: str | dict[str, Any]) -> tuple[Any, ...]:
    """A record's column values in `_VALUE_NAMES` order."""
    clean = _clean_text
    return (
        clean(record.author),
        clean(record.author_id),
        record.rating,
        clean(record.title),
        clean(record.body) or "",
        clean(record.language),
        record.created_at,
        record.updated_at,
        clean(record.permalink),
        clean(record.app_version),
        clean(record.device),
        clean(record.territory),
        clean(record.location),
        clean(record.parent_id),
        clean(record.parent_text),
        record.extra or None,
        raw,
        content_hash(record),
    )


def _item_values(record: Review) -> dict[str, Any]:
    """Column values of a record, its raw payload as a dict (for updates)."""
    return dict(zip(_VALUE_NAMES, _value_tuple(record, dict(record.raw)), strict=True))


def _content_time(record: Review) -> datetime | None:
    return record.updated_at or record.created_at


def _same_text(seen: str, stored: str) -> bool:
    """A reply seen on the platform is one we stored: compared as stored (NUL and lone
    surrogates replaced), whitespace runs as one space."""
    return " ".join((_clean_text(seen) or "").split()) == " ".join(stored.split())


def _batches(records: Iterable[object], size: int) -> Iterator[list[tuple[int, object]]]:
    batch: list[tuple[int, object]] = []
    for position, record in enumerate(records):
        batch.append((position, record))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _raw_text(value: object) -> str:
    # ASCII-escaped JSON: exact, and safe for lone surrogates and NUL in any database.
    try:
        return json.dumps(value, default=repr)[:1_000_000]
    except RecursionError:
        return json.dumps(_capped(value, 50), default=repr)[:1_000_000]
    except (TypeError, ValueError):
        return repr(value)[:1_000_000]


def _capped(value: object, levels: int) -> object:
    """`value` with whatever nests deeper than `levels` replaced by a marker."""
    if not isinstance(value, Mapping | list):
        return value
    if levels <= 0:
        return "…(nested deeper, not kept)"
    if isinstance(value, list):
        return [_capped(v, levels - 1) for v in value]
    return {str(k): _capped(v, levels - 1) for k, v in value.items()}


def quarantine(
    session: Session, account_id: int | None, origin: str, rejected: Sequence[Rejected]
) -> None:
    """Keep what could not be stored, raw, with its reason: nothing is silently dropped."""
    if not rejected:
        return
    now = utcnow()
    rows: dict[str, dict[str, Any]] = {}
    for r in rejected:
        raw = _clean_text(_raw_text(r.raw)) or ""
        reason = _clean_text(r.reason) or ""
        key = json.dumps([account_id, origin, r.position, reason, raw], ensure_ascii=False)
        fingerprint = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        rows[fingerprint] = {
            "account_id": account_id,
            "origin": origin[:300],
            "position": r.position[:300],
            "reason": reason,
            "raw": raw,
            "fingerprint": fingerprint,
            "created_at": now,
        }
    seen = set(
        session.execute(
            sa.select(col(Quarantine.fingerprint)).where(
                col(Quarantine.fingerprint).in_(list(rows))
            )
        ).scalars()
    )
    fresh = [row for fp, row in rows.items() if fp not in seen]
    if fresh:
        session.execute(sa.insert(Quarantine), fresh)


def ingest(
    session: Session,
    account: SourceAccount,
    records: Iterable[object],
    *,
    origin: str = "poll",
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    positions: Sequence[str] | None = None,
) -> IngestReport:
    """Upsert `records` for `account` in batches; the caller commits, then calls
    `textindex.catch_up` (search scans the new texts until then) and classifies.

    `positions` names each record's place in its file for quarantine messages.
    """
    assert account.id is not None
    report = IngestReport()
    for batch in _batches(records, batch_size):
        part = _ingest_batch(session, account, batch, origin, now or utcnow(), positions)
        report.add(part)
    return report


def _ingest_batch(
    session: Session,
    account: SourceAccount,
    batch: list[tuple[int, object]],
    origin: str,
    now: datetime,
    positions: Sequence[str] | None,
) -> IngestReport:
    report = IngestReport()
    assert account.id is not None
    account_id = account.id
    valid: dict[str, Review] = {}
    raw_texts: dict[str, str] = {}
    for position, record in batch:
        try:
            rec, raw_text = _validated(record, account.platform)
        except InvalidRecord as exc:
            where = positions[position] if positions else f"record {position + 1}"
            report.rejected.append(Rejected(where, str(exc), getattr(record, "raw", record)))
            continue
        key = rec.external_id
        previous = valid.get(key)
        # The same review twice in one batch: keep its newest state.
        if previous is None or _sort_time(rec) >= _sort_time(previous):
            valid[key] = rec
            raw_texts[key] = raw_text
        report.unchanged += 0 if previous is None else 1
    quarantine(session, account_id, origin, report.rejected)
    if not valid:
        return report

    existing = _existing(session, account, list(valid))
    known_replies = _known_replies(session, [row.id for row in existing.values()])

    new_records = [r for key, r in valid.items() if key not in existing]
    events: list[tuple[Any, ...]] = []
    replies: list[dict[str, Any]] = []
    refreshed: list[tuple[Any, dict[str, Any]]] = []
    if new_records:
        ids = _insert_items(session, account, new_records, raw_texts, now)
        events.extend(_received(session, ids, origin, now))
        for rec, item_id in zip(new_records, ids, strict=True):
            report.new += 1
            report.changed_ids.append(item_id)
            if _has_reply(rec):
                replies.append(_platform_reply(item_id, rec, now))
                events.append(_reply_event(item_id, rec, now))
                report.replies_found += 1

    for key, rec in valid.items():
        row = existing.get(key)
        if row is None:
            continue
        values = _item_values(rec)
        edited = values["content_hash"] != row.content_hash
        reply_new = (
            rec.reply is not None
            and _has_reply(rec)
            and not any(
                _same_text(rec.reply.text, known.body) for known in known_replies.get(row.id, [])
            )
        )
        if rec.reply is not None and rec.reply.state == "PUBLISHED":
            _mark_published(session, rec, known_replies.get(row.id, []), now)
        if not edited and not reply_new:
            if values["raw"] != row.raw:
                # Likes, device details, pagination noise: keep the newest payload, no event.
                refreshed.append((row, values))
            report.unchanged += 1
            continue
        status = row.status
        report.updated += 1
        if edited:
            report.changed_ids.append(row.id)
            before = {
                "title": row.title,
                "body": row.body,
                "rating": row.rating,
                "content_hash": row.content_hash,
                "updated_at": row.updated_at.isoformat() if row.updated_at else None,
                "raw": row.raw,
            }
            events.append(
                _event(
                    row.id,
                    EventKind.EDITED,
                    PLATFORM_ACTOR,
                    now,
                    {"revision": row.revision + 1, "previous": before, "origin": origin},
                )
            )
            if status in (ItemStatus.REPLIED, ItemStatus.NO_REPLY_NEEDED):
                # An answered review that changes needs a new answer: its clock restarts.
                status = ItemStatus.OPEN
                values["clock_started_at"] = rec.updated_at or now
        if reply_new:
            report.replies_found += 1
            replies.append(_platform_reply(row.id, rec, now))
            events.append(_reply_event(row.id, rec, now))
        if rec.reply is not None and _reply_answers(rec) and (reply_new or not edited):
            status = ItemStatus.REPLIED if status != ItemStatus.ESCALATED else status
        update_values: dict[str, Any] = values if edited else {"raw": values["raw"]}
        if status != row.status:
            # Compare-and-set: `status` was decided from the row read above; if a person
            # changed it since (escalated, marked no-reply), theirs stands.
            update_values["status"] = sa.case(
                (col(Item.status) == row.status, status), else_=col(Item.status)
            )
        session.execute(
            sa.update(Item)
            .where(col(Item.id) == row.id)
            .values(
                **update_values,
                revision=col(Item.revision) + (1 if edited else 0),
                version=col(Item.version) + 1,
            )
        )
    _refresh_metadata(session, refreshed)
    connection = session.connection()
    insert_rows(connection, Reply.__table__, replies)  # type: ignore[attr-defined]
    insert_tuples(connection, Event.__table__, _EVENT_NAMES, events)  # type: ignore[attr-defined]
    return report


# Equal when the content hash is: left out of a metadata refresh, so that the update does not
# name the text columns and fire the search index's trigger (whose statement journal costs).
_HASHED = frozenset({"title", "body", "rating", "content_hash"})


def _refresh_metadata(session: Session, refreshed: list[tuple[Any, dict[str, Any]]]) -> None:
    """Store the newest payload and metadata of unchanged items: one executemany for those
    whose author is as stored, one for those whose author changed (a search index edit)."""
    by_author: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    for row, values in refreshed:
        author_changed = values["author"] != row.author
        params = {k: v for k, v in values.items() if k not in _HASHED}
        if not author_changed:
            del params["author"]
        by_author[author_changed].append({**params, "item_id": row.id})
    for rows in by_author.values():
        if not rows:
            continue
        names = [name for name in rows[0] if name != "item_id"]
        table = Item.__table__  # type: ignore[attr-defined]
        session.connection().execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("item_id"))
            .values({name: sa.bindparam(name) for name in names}),
            rows,
        )


def _sort_time(record: Review) -> float:
    moment = _content_time(record)
    return moment.timestamp() if moment else -math.inf


def _reply_answers(record: Review) -> bool:
    """A platform reply answers the current text unless the text was edited after it."""
    assert record.reply is not None
    reply_time = record.reply.replied_at
    content_time = _content_time(record)
    if reply_time is None or content_time is None:
        return True
    return reply_time >= content_time


@dataclass(frozen=True)
class _KnownReply:
    id: int
    body: str
    published: bool


def _existing(session: Session, account: SourceAccount, keys: list[str]) -> dict[str, Any]:
    """The stored rows among `keys`, by external id. Most records of a poll are new: on
    SQLite, one plain query first says which keys are stored at all (SQLAlchemy's 500-value
    IN costs more than the read, 2 µs an item), and only those are read as rows."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        keys = [
            key
            for (key,) in connection.exec_driver_sql(
                "SELECT external_id FROM item WHERE platform = ? AND account_id = ?"
                f" AND external_id IN ({', '.join('?' * len(keys))})",
                (str(account.platform), account.id, *keys),
            )
        ]
        if not keys:
            return {}
    return {
        row.external_id: row
        for row in session.execute(
            sa.select(
                col(Item.id),
                col(Item.external_id),
                col(Item.content_hash),
                col(Item.status),
                col(Item.raw),
                col(Item.updated_at),
                col(Item.created_at),
                col(Item.title),
                col(Item.body),
                col(Item.rating),
                col(Item.revision),
                col(Item.author),
            ).where(
                col(Item.account_id) == account.id,
                col(Item.platform) == account.platform,
                col(Item.external_id).in_(keys),
            )
        )
    }


def _known_replies(session: Session, item_ids: list[int]) -> dict[int, list[_KnownReply]]:
    if not item_ids:
        return {}
    rows = session.execute(
        sa.select(
            col(Reply.id), col(Reply.item_id), col(Reply.body), col(Reply.published_at)
        ).where(
            col(Reply.item_id).in_(item_ids),
            # A reply still `sending` (or queued again after a timeout) may already be live:
            # the poll must not take it for someone else's; the sender confirms it.
            col(Reply.state).in_(
                (ReplyState.SENT, ReplyState.SENDING, ReplyState.QUEUED, ReplyState.FAILED)
            ),
        )
    )
    known: dict[int, list[_KnownReply]] = {}
    for reply_id, item_id, body, published_at in rows:
        known.setdefault(item_id, []).append(_KnownReply(reply_id, body, published_at is not None))
    return known


def _mark_published(
    session: Session, record: Review, known: list[_KnownReply], now: datetime
) -> None:
    """An App Store reply we sent waits in PENDING_PUBLISH; when a poll sees it live, record
    when (the SLA clock can stop then, per source)."""
    assert record.reply is not None
    for reply in known:
        if not reply.published and _same_text(record.reply.text, reply.body):
            session.execute(
                sa.update(Reply)
                .where(col(Reply.id) == reply.id)
                .values(published_at=record.reply.replied_at or now, platform_state="PUBLISHED")
            )


def _has_reply(record: Review) -> bool:
    return record.reply is not None and record.reply.text.strip() != ""


_NEW_ITEM_NAMES = (
    *_VALUE_NAMES,
    "platform",
    "account_id",
    "external_id",
    "first_seen_at",
    "clock_started_at",
    "status",
    "revision",
    "version",
)


def _insert_items(
    session: Session,
    account: SourceAccount,
    records: list[Review],
    raw_texts: Mapping[str, str],
    now: datetime,
) -> Sequence[int]:
    """Insert new items with one executemany and return their ids in order (RETURNING with
    an ordered executemany runs row by row on SQLite): a range when they follow on."""
    platform, account_id = account.platform, account.id
    rows = [
        (
            *_value_tuple(rec, raw_texts[rec.external_id]),
            platform,
            account_id,
            rec.external_id,
            now,
            rec.created_at or rec.updated_at or now,
            ItemStatus.REPLIED if _has_reply(rec) and _reply_answers(rec) else ItemStatus.NEW,
            1,
            1,
        )
        for rec in records
    ]
    table = Item.__table__  # type: ignore[attr-defined]
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    top = sa.select(sa.func.max(table.c.id))
    before = (connection.execute(top).scalar() or 0) if sqlite else 0
    insert_tuples(connection, table, _NEW_ITEM_NAMES, rows, json_text=("raw",))
    if sqlite and connection.execute(top).scalar() == before + len(rows):
        # SQLite gives each new row the highest id plus one, and this transaction writes
        # alone (a stale snapshot could not have inserted): the ids are the next ones, in
        # order. (Not so once ids reach 2**63 - 1: then the count differs, and the query
        # below reads them.)
        return range(before + 1, before + len(rows) + 1)
    ids: dict[str, int] = dict(
        connection.execute(
            sa.select(table.c.external_id, table.c.id).where(
                table.c.account_id == account.id,
                table.c.platform == account.platform,
                table.c.external_id.in_([rec.external_id for rec in records]),
            )
        ).all()
    )
    return [ids[rec.external_id] for rec in records]


_EVENT_NAMES = ("item_id", "kind", "actor", "at", "data")
_RECEIVED_FROM_ITEMS = (
    "INSERT INTO event (item_id, kind, actor, at, data) "
    "SELECT id, ?, ?, ?, ? FROM item WHERE id BETWEEN ? AND ? ORDER BY id"
)


def _received(
    session: Session, ids: Sequence[int], origin: str, now: datetime
) -> list[tuple[Any, ...]]:
    """The `received` event of each new item, as event rows to insert; none on SQLite when
    the ids follow on: one INSERT ... SELECT has written them (no Python per item)."""
    data = {"origin": origin}  # one object for the batch: serialized once
    connection = session.connection()
    if not isinstance(ids, range) or connection.dialect.name != "sqlite" or not ids:
        return [_event(item_id, EventKind.RECEIVED, RECEIVED_BY, now, data) for item_id in ids]
    table = Event.__table__  # type: ignore[attr-defined]
    values = {"kind": EventKind.RECEIVED, "actor": RECEIVED_BY, "at": now, "data": data}
    params = [sqlite_bound_value(connection, table, k, v) for k, v in values.items()]
    connection.exec_driver_sql(_RECEIVED_FROM_ITEMS, (*params, ids[0], ids[-1]))
    return []


def _event(
    item_id: int, kind: EventKind, actor: str, at: datetime, data: dict[str, Any] | None
) -> tuple[Any, ...]:
    """An event row in `_EVENT_NAMES` order."""
    return (item_id, kind, actor, at, data)


def _platform_reply(item_id: int, record: Review, now: datetime) -> dict[str, Any]:
    assert record.reply is not None
    reply = record.reply
    body = _clean_text(reply.text)
    # The item id is part of the key: one review id can live in two accounts (a file imported
    # with the wrong --account first), and each keeps its own copy of the platform's reply.
    key = hashlib.sha256(
        f"{item_id}|{record.platform}|{record.external_id}|{reply.replied_at}|{body}".encode(
            "utf-8", "surrogatepass"
        )
    ).hexdigest()[:40]
    return {
        "item_id": item_id,
        "body": body,
        "origin": ReplyOrigin.PLATFORM,
        "state": ReplyState.SENT,
        "attempts": 0,
        "idempotency_key": f"platform:{key}",
        "platform_reply_id": _clean_text(reply.external_id),
        "platform_state": _clean_text(reply.state),
        "agent": None,
        "created_at": now,
        "sent_at": reply.replied_at,
        "published_at": reply.replied_at if reply.state in (None, "PUBLISHED") else None,
    }


def _reply_event(item_id: int, record: Review, now: datetime) -> tuple[Any, ...]:
    assert record.reply is not None
    reply_time = record.reply.replied_at
    return _event(
        item_id,
        EventKind.REPLIED,
        PLATFORM_ACTOR,
        reply_time or now,
        {
            "origin": ReplyOrigin.PLATFORM,
            "time_known": reply_time is not None,
            "platform_state": record.reply.state,
        },
    )


def ensure_account(
    session: Session,
    name: str,
    platform: Platform | str,
    external_ref: str | None = None,
    display_name: str | None = None,
) -> SourceAccount:
    """The account row for a configured source, created on first use."""
    account = session.execute(
        sa.select(SourceAccount).where(col(SourceAccount.name) == name)
    ).scalar_one_or_none()
    if account is None:
        account = SourceAccount(
            name=name,
            platform=str(platform),
            external_ref=external_ref,
            display_name=display_name,
        )
        session.add(account)
        session.flush()
    elif account.platform != str(platform):
        raise InvalidRecord(f"account '{name}' is a {account.platform} account, not {platform}")
    else:
        changed = False
        if display_name and account.display_name != display_name:
            account.display_name = display_name
            changed = True
        if external_ref and account.external_ref != external_ref:
            account.external_ref = external_ref
            changed = True
        if changed:
            session.add(account)
            session.flush()
    return account
