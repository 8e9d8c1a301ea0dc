"""Opening the database: URL resolution, SQLite pragmas, and Alembic migrations."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session

from inbox.errors import DatabaseError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_PASSWORD = re.compile(r"(//[^/@:]*:)[^@/]*@")

TEXT_SEARCH_TABLE = "item_fts"
"""SQLite's FTS5 index of items' title, body and author (migration 0005)."""
TEXT_SEARCH_COLUMNS = ("title", "body", "author")


def trigram_index_name(column: str) -> str:
    """PostgreSQL's pg_trgm index of one searched column (migration 0005)."""
    return f"ix_item_{column}_trgm"


_TEXT_SEARCH_INDEXES = frozenset(trigram_index_name(c) for c in TEXT_SEARCH_COLUMNS)


def resolve_url(value: str) -> str:
    """Accept a SQLAlchemy URL or a plain file path (which means a SQLite file)."""
    value = value.strip()
    if "://" in value:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            shown = _PASSWORD.sub(r"\1***@", value)  # a URL may carry a password
            raise DatabaseError(f"'{shown}' is not a database URL or a file path") from exc
        if url.drivername == "postgresql":  # plain postgresql:// → the driver we ship
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)
    return f"sqlite:///{Path(value).expanduser().resolve()}"


SQLITE_PAGE_SIZE = 16384
"""For new files. An item row with its raw payload is about 1 KB: at SQLite's default 4 KB
a page holds three or four, and ingest spends a tenth of its time splitting and writing
pages (bench/bench_load.py: 41 → 37 µs an item). An existing file keeps its size (SQLite
changes it only by VACUUM outside WAL mode)."""


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")  # before WAL writes the first page
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _create_private(path: Path) -> None:
    """Create a new SQLite file readable by its owner only (it holds customers' words and
    names); SQLite gives its -wal and -shm files the same mode. An existing file is left
    as it is: its owner may have shared it on purpose."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; SQLite files get WAL, foreign keys and a busy timeout."""
    url = resolve_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            _create_private(Path(database))
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def describe(engine: Engine) -> str:
    """The URL with any password hidden: safe for messages and logs."""
    return engine.url.render_as_string(hide_password=True)


def in_models(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's `include_object`: the text search index (FTS5 table and its shadow tables on
    SQLite, trigram indexes on PostgreSQL) is made by migration 0005 only, outside the models,
    so comparing the database with the models leaves it out."""
    if name is None:
        return True
    if type_ == "table":
        return name != TEXT_SEARCH_TABLE and not name.startswith(f"{TEXT_SEARCH_TABLE}_")
    return not (type_ == "index" and name in _TEXT_SEARCH_INDEXES)


def _alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


@cache
def head_revision() -> str:
    script = ScriptDirectory.from_config(_alembic_config(sa.create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    try:
        command.upgrade(_alembic_config(engine), "head")
    except OperationalError as exc:
        raise DatabaseError(f"cannot open database {describe(engine)}: {exc.orig}") from exc


def ensure_schema(engine: Engine) -> None:
    """Upgrade only when needed, so opening an up-to-date database costs one query."""
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(f"cannot open database {describe(engine)}: {exc.orig}") from exc
    if current != head_revision():
        upgrade(engine)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def write_scope(engine: Engine) -> Iterator[Session]:
    """`session_scope` for a read-check-write. SQLite reads outside a transaction until the
    first write, so two processes could both pass the same check; BEGIN IMMEDIATE takes the
    write lock first (waiting out the busy timeout). PostgreSQL relies on row locks."""
    with session_scope(engine) as session:
        if engine.dialect.name == "sqlite":
            session.connection().exec_driver_sql("BEGIN IMMEDIATE")
        yield session
