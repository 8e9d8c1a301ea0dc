"""SQLite's text search index, written in batches (migrations 0005 and 0007 say why and how).

Items above the indexed mark (`item_fts_state.upto`: new since the last batch) and items
queued in `item_fts_pending` (edited since indexed) are not in the index yet:
`index_pending` writes them all with one statement; search scans them meanwhile, so it
finds exactly the same items either way.

The index is derived data, like an item's themes: a poll or an import commits its items
first and then calls `catch_up`, in a transaction of its own, just before classifying
them. The ingest transaction (the one that holds SQLite's write lock while a page of
records lands) stays a third shorter, and a crash in between loses nothing: the next
`catch_up` indexes whatever is above the mark, whoever wrote it. sqlite-utils and the
dogsheep tools work the same way (`populate_fts` after `insert_all`).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped

from inbox.db import TEXT_SEARCH_COLUMNS, TEXT_SEARCH_TABLE, trigram_index_name

PENDING_TABLE = f"{TEXT_SEARCH_TABLE}_pending"
"""Ids at or below the mark whose current text is not in the index: edited items."""
STATE_TABLE = f"{TEXT_SEARCH_TABLE}_state"
"""One row: `upto`, the highest item id the index has read (migration 0007)."""

_COLUMNS = TEXT_SEARCH_COLUMNS
_VALUES = ", ".join(f"lower(substr({c}, 1, length({c})))" for c in _COLUMNS)
_INSERT = f"INSERT INTO {TEXT_SEARCH_TABLE}(rowid, {', '.join(_COLUMNS)}) SELECT id, {_VALUES} "


def not_indexed(item_id: Mapped[int | None]) -> sa.ColumnElement[bool]:
    """Items the index cannot answer for yet: above the mark or queued."""
    state = sa.table(STATE_TABLE, sa.column("upto"))
    pending = sa.table(PENDING_TABLE, sa.column("id"))
    return sa.or_(
        item_id > sa.select(state.c.upto).scalar_subquery(),
        item_id.in_(sa.select(pending.c.id)),
    )


def index_pending(connection: Connection) -> int:
    """Index every item not indexed yet, inside the caller's transaction; returns how many.
    Nothing is written in between by anyone else: the first statement takes SQLite's write
    lock (or fails, if another writer committed since this transaction's snapshot)."""
    if connection.dialect.name != "sqlite" or not _has_index(connection):
        return 0
    done = connection.exec_driver_sql(
        f"{_INSERT} FROM item WHERE id > (SELECT upto FROM {STATE_TABLE})"
    ).rowcount
    done += connection.exec_driver_sql(
        f"{_INSERT} FROM item WHERE id IN (SELECT id FROM {PENDING_TABLE})"
    ).rowcount
    connection.exec_driver_sql(f"DELETE FROM {PENDING_TABLE}")
    connection.exec_driver_sql(
        f"UPDATE {STATE_TABLE} SET upto = (SELECT coalesce(max(id), 0) FROM item)"
    )
    return done


def catch_up(engine: Engine) -> int:
    """Index what earlier commits left unindexed, in a transaction of its own; returns how
    many items it indexed. Reads first, so an up-to-date index costs no write lock."""
    if engine.dialect.name != "sqlite":
        return 0
    with engine.connect() as connection:
        if not _has_index(connection) or not _waiting(connection):
            return 0
    with engine.begin() as connection:
        return index_pending(connection)


def count_not_indexed(engine: Engine) -> int:
    """How many items search has to scan: above the mark, or queued (0 without an index)."""
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite" or not _has_index(connection):
            return 0
        return int(
            connection.exec_driver_sql(
                f"SELECT (SELECT count(*) FROM item WHERE id > (SELECT upto FROM {STATE_TABLE}))"
                f" + (SELECT count(*) FROM {PENDING_TABLE})"
            ).scalar_one()
        )


def _waiting(connection: Connection) -> bool:
    """Whether any item is above the mark or queued."""
    return bool(
        connection.exec_driver_sql(
            f"SELECT EXISTS (SELECT 1 FROM item WHERE id > (SELECT upto FROM {STATE_TABLE}))"
            f" OR EXISTS (SELECT 1 FROM {PENDING_TABLE})"
        ).scalar_one()
    )


def reindex(connection: Connection) -> int:
    """Rebuild the index from every item (`inbox db reindex`); returns how many items it
    covers. On PostgreSQL, make the trigram indexes if they are missing (migration 0005
    skips them when the role may not create pg_trgm; run this again once it may)."""
    if connection.dialect.name == "postgresql":
        return _postgres_trigram_indexes(connection)
    if connection.dialect.name != "sqlite" or not _has_index(connection):
        return 0
    connection.exec_driver_sql(
        f"INSERT INTO {TEXT_SEARCH_TABLE}({TEXT_SEARCH_TABLE}) VALUES ('delete-all')"
    )
    connection.exec_driver_sql(f"UPDATE {STATE_TABLE} SET upto = 0")
    return index_pending(connection)


def has_text_index(engine: Engine) -> bool:
    """Whether this SQLite database has the search index (a SQLite built without FTS5 gets
    none, and search scans every item)."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as connection:
        return _has_index(connection)


def _has_index(connection: Connection) -> bool:
    """The FTS5 table with its mark and queue (migrations 0005 and 0007)."""
    names = (TEXT_SEARCH_TABLE, PENDING_TABLE, STATE_TABLE)
    found = connection.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (?, ?, ?)", names
    ).scalar_one()
    return int(found) == len(names)


def _postgres_trigram_indexes(connection: Connection) -> int:
    """The indexes of migration 0005; a DatabaseError names what the role lacks."""
    connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in _COLUMNS:
        connection.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {trigram_index_name(column)} ON item "
            f"USING gin ({column} gin_trgm_ops)"
        )
    return int(connection.exec_driver_sql("SELECT count(*) FROM item").scalar_one())
