"""text search index: the inbox's free-text search reads an index, not every item

The search box matches a substring of an item's title, body or author, case-insensitively
(LIKE / ILIKE '%text%'). Without an index that reads all 100,000 rows per keystroke
(issue #6). Each backend gets an index that answers exactly those substring queries:

- SQLite: a contentless FTS5 table with the trigram tokenizer over title, body and author,
  kept in step by triggers. Trigrams index every 3-character substring of any script
  (Latin, Devanagari, emoji), so a phrase query is a substring query, whole words or not
  ("refun" finds "refund"). To match exactly what LIKE matches, the index holds each text
  as LIKE sees it: up to any NUL character (LIKE stops there), lowered by SQLite's lower()
  (ASCII letters only, as LIKE folds case), with a case-sensitive tokenizer; the service
  lowers the query with the same lower(). Rows already stored are indexed here. A SQLite
  built without FTS5 or trigram gets no index, and search keeps scanning (the service
  looks for the table before using it).
- PostgreSQL: pg_trgm GIN indexes on the three columns, which the planner uses for the
  existing ILIKE directly (same query, same matches). Creating the extension needs a
  role allowed to (pg_trgm is trusted: a database owner may); without it no index is
  made and search keeps scanning. A tsvector index would match words, not substrings.

Careful later: a batch migration that recreates the item table on SQLite drops these
triggers with the old table; run this revision's `_sqlite_triggers` again after it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")

COLUMNS = ("title", "body", "author")
TRIGGERS = ("item_fts_insert", "item_fts_delete", "item_fts_update")


def _as_like_sees(column: str) -> str:
    """The text LIKE compares, case folded as LIKE does (see the module docstring)."""
    return f"lower(substr({column}, 1, length({column})))"


def _sqlite_triggers() -> list[str]:
    names = ", ".join(COLUMNS)
    new = ", ".join(_as_like_sees(f"new.{c}") for c in COLUMNS)
    old = ", ".join(_as_like_sees(f"old.{c}") for c in COLUMNS)
    # A contentless index deletes by the values it indexed: give it the same ones again.
    remove = f"INSERT INTO item_fts(item_fts, rowid, {names}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO item_fts(rowid, {names}) VALUES (new.id, {new});"
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in COLUMNS)
    return [
        f"CREATE TRIGGER item_fts_insert AFTER INSERT ON item BEGIN {add} END",
        f"CREATE TRIGGER item_fts_delete AFTER DELETE ON item BEGIN {remove} END",
        # Only text edits touch the index: not status changes, claims and snoozes, nor a
        # poll that rewrites an unchanged text along with a newer raw payload.
        f"CREATE TRIGGER item_fts_update AFTER UPDATE OF {names} ON item WHEN {changed} "
        f"BEGIN {remove} {add} END",
    ]


def _sqlite_upgrade(conn: sa.Connection) -> None:
    try:  # a failed statement leaves a SQLite transaction usable: no savepoint needed
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE item_fts USING fts5({', '.join(COLUMNS)}, "
            "content='', tokenize='trigram case_sensitive 1')"
        )
    except sa.exc.OperationalError as exc:  # no FTS5 or no trigram in this SQLite build
        log.warning("no text search index (%s): search will scan every item", exc.orig)
        return
    for statement in _sqlite_triggers():
        conn.exec_driver_sql(statement)
    values = ", ".join(_as_like_sees(c) for c in COLUMNS)
    conn.exec_driver_sql(
        f"INSERT INTO item_fts(rowid, {', '.join(COLUMNS)}) SELECT id, {values} FROM item"
    )


def _postgres_upgrade(conn: sa.Connection) -> None:
    try:
        with conn.begin_nested():  # a failed CREATE must not abort the whole upgrade
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        log.warning(
            "no text search index: cannot create extension pg_trgm (%s). Search will scan "
            "every item until a superuser runs CREATE EXTENSION pg_trgm and the indexes of "
            "migration 0005 are made.",
            str(exc.orig).strip(),
        )
        return
    for column in COLUMNS:
        conn.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS ix_item_{column}_trgm ON item "
            f"USING gin ({column} gin_trgm_ops)"
        )


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        _sqlite_upgrade(conn)
    elif conn.dialect.name == "postgresql":
        _postgres_upgrade(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        for trigger in TRIGGERS:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
        conn.exec_driver_sql("DROP TABLE IF EXISTS item_fts")
    elif conn.dialect.name == "postgresql":
        # The extension stays: other objects may use it, and dropping it needs more rights.
        for column in COLUMNS:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS ix_item_{column}_trgm")
