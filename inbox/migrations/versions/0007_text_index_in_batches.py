"""text index in batches: ingest indexes its new items in one statement, not a trigger each

Migration 0005 kept the FTS5 index by row triggers, and they cost more than the rest of an
ingest together (issue #8): a write to an FTS5 table from a trigger runs in a statement
savepoint, where FTS5 flushes its pending terms to disk, so every item became its own tiny
index segment to merge later (about 80 µs per item). Queueing ids from an insert trigger
instead still costs 20-30 µs: a statement that fires any trigger keeps a statement journal,
a copy of every page it touches, and an item insert touches ten b-trees. Written by one
INSERT ... SELECT per batch, the same index costs about 13 µs per item.

So there is no insert trigger. `item_fts_state.upto` marks how far the index has read:
every item with a higher id is new and not indexed yet; `inbox.textindex.index_pending`
indexes those (and the queue below) with one statement and moves the mark to the highest id,
and ingest calls it at the end of every batch, in the same transaction. Search scans the
items not indexed yet with LIKE, so it finds exactly what it found before, whoever wrote
the rows (a script, a test, the sqlite3 shell).

Edits and deletes keep their triggers (they are rare). An edit of an indexed item removes
its old text from the index at once (a contentless index deletes by the values it indexed)
and queues the item in `item_fts_pending`. A delete removes the item from the index or the
queue, and brings the mark down to the highest id left: SQLite gives the next item the
highest id plus one, so once the top rows are deleted their ids come again, and the next
item to get one must count as new. Not covered: an INSERT that names an id at or below the
mark itself (the inbox never does; `inbox db reindex` rebuilds the index from every item).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("title", "body", "author")
TRIGGERS = ("item_fts_insert", "item_fts_delete", "item_fts_update")


def _as_like_sees(column: str) -> str:
    """As in migration 0005: the text LIKE compares, case folded as LIKE does."""
    return f"lower(substr({column}, 1, length({column})))"


_NAMES = ", ".join(COLUMNS)
_INDEXED = (
    "old.id <= (SELECT upto FROM item_fts_state) "
    "AND NOT EXISTS (SELECT 1 FROM item_fts_pending WHERE id = old.id)"
)
_UNINDEX_OLD = (
    f"INSERT INTO item_fts(item_fts, rowid, {_NAMES}) "
    f"SELECT 'delete', old.id, {', '.join(_as_like_sees(f'old.{c}') for c in COLUMNS)} "
    f"WHERE {_INDEXED};"
)
_QUEUE_OLD = (
    "INSERT OR IGNORE INTO item_fts_pending(id) SELECT old.id "
    "WHERE old.id <= (SELECT upto FROM item_fts_state);"
)
_TOP = "(SELECT coalesce(max(id), 0) FROM item)"
_FORGET_OLD = (
    "DELETE FROM item_fts_pending WHERE id = old.id; "
    f"UPDATE item_fts_state SET upto = {_TOP} WHERE upto > {_TOP};"
)
_CHANGED = " OR ".join(f"old.{c} IS NOT new.{c}" for c in COLUMNS)

BATCH_TRIGGERS = [
    f"CREATE TRIGGER item_fts_delete AFTER DELETE ON item BEGIN {_UNINDEX_OLD} {_FORGET_OLD} END",
    # Only text edits touch the index: not status changes, claims and snoozes, nor a poll
    # that rewrites an unchanged text along with a newer raw payload.
    f"CREATE TRIGGER item_fts_update AFTER UPDATE OF {_NAMES} ON item WHEN {_CHANGED} "
    f"BEGIN {_UNINDEX_OLD} {_QUEUE_OLD} END",
]


def _row_triggers() -> list[str]:
    """Migration 0005's triggers, for the downgrade."""
    new = ", ".join(_as_like_sees(f"new.{c}") for c in COLUMNS)
    old = ", ".join(_as_like_sees(f"old.{c}") for c in COLUMNS)
    remove = f"INSERT INTO item_fts(item_fts, rowid, {_NAMES}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO item_fts(rowid, {_NAMES}) VALUES (new.id, {new});"
    return [
        f"CREATE TRIGGER item_fts_insert AFTER INSERT ON item BEGIN {add} END",
        f"CREATE TRIGGER item_fts_delete AFTER DELETE ON item BEGIN {remove} END",
        f"CREATE TRIGGER item_fts_update AFTER UPDATE OF {_NAMES} ON item WHEN {_CHANGED} "
        f"BEGIN {remove} {add} END",
    ]


def _has_index(conn: sa.Connection) -> bool:
    """A SQLite built without FTS5 or trigram got no index in 0005: nothing to change."""
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'item_fts'"
    ).first()
    return found is not None


def _drop_triggers(conn: sa.Connection) -> None:
    for trigger in TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite" or not _has_index(conn):
        return
    conn.exec_driver_sql("CREATE TABLE item_fts_pending (id INTEGER PRIMARY KEY)")
    conn.exec_driver_sql("CREATE TABLE item_fts_state (upto INTEGER NOT NULL)")
    # 0005's triggers indexed every row written so far
    conn.exec_driver_sql("INSERT INTO item_fts_state SELECT coalesce(max(id), 0) FROM item")
    _drop_triggers(conn)
    for statement in BATCH_TRIGGERS:
        conn.exec_driver_sql(statement)
    # Every batch adds a small segment to the index; FTS5 merges segments once a level has
    # `automerge` of them (default 4). Merging at 16 rewrites each entry fewer times: with
    # polls of 100-500 items, indexing cost about half as much, and searches as fast.
    conn.exec_driver_sql("INSERT INTO item_fts(item_fts, rank) VALUES ('automerge', 16)")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite" or not _has_index(conn):
        return
    values = ", ".join(_as_like_sees(c) for c in COLUMNS)
    conn.exec_driver_sql(  # what waits goes into the index: 0005 expects it complete
        f"INSERT INTO item_fts(rowid, {_NAMES}) SELECT id, {values} FROM item "
        "WHERE id > (SELECT upto FROM item_fts_state) OR id IN (SELECT id FROM item_fts_pending)"
    )
    _drop_triggers(conn)
    conn.exec_driver_sql("INSERT INTO item_fts(item_fts, rank) VALUES ('automerge', 4)")
    conn.exec_driver_sql("DROP TABLE item_fts_pending")
    conn.exec_driver_sql("DROP TABLE item_fts_state")
    for statement in _row_triggers():
        conn.exec_driver_sql(statement)
