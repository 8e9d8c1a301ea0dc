"""`inbox db vacuum`: rewrite the database compactly, with today's page size.

SQLite files made before 16 KB pages (`inbox.db.SQLITE_PAGE_SIZE`) keep 4 KB pages until
they are rewritten, and pages freed by deletes stay in the file. SQLite changes the page
size only by VACUUM, and not in WAL mode: so the file leaves WAL, is rewritten, and returns
to WAL. That needs the file to itself (leaving WAL fails at once while any other connection
is open), which is why this is a command a person runs, not something a poll does.
PostgreSQL: `VACUUM (ANALYZE)`, which autovacuum normally does by itself.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from inbox.db import SQLITE_PAGE_SIZE
from inbox.errors import DatabaseError


@dataclass(frozen=True)
class Vacuumed:
    bytes_before: int
    bytes_after: int
    page_size_before: int | None = None  # SQLite only
    page_size_after: int | None = None


def vacuum(engine: Engine) -> Vacuumed:
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if not database or database == ":memory:":
            raise DatabaseError("an in-memory database has nothing to vacuum")
        engine.dispose()  # our own pooled connections would hold the file open
        return _sqlite(Path(database))
    if engine.dialect.name == "postgresql":
        return _postgres(engine)
    raise DatabaseError(f"no vacuum method for {engine.dialect.name}")


def _sqlite(path: Path) -> Vacuumed:
    if not path.is_file():
        raise DatabaseError(f"{path} does not exist")
    before = _size(path)
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    try:
        page_before = int(conn.execute("PRAGMA page_size").fetchone()[0])
        try:
            mode = str(conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0])
        except sqlite3.OperationalError as exc:
            raise _in_use(path, exc) from None
        if mode.lower() != "delete":
            raise _in_use(path, f"journal mode stays {mode}")
        try:
            conn.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
            conn.execute("VACUUM")
        except sqlite3.Error as exc:  # busy, or no room for the copy: the file is unchanged
            raise DatabaseError(
                f"could not rewrite {path}: {exc} (it needs free disk space about its own "
                "size); the database is unchanged"
            ) from None
        finally:
            conn.execute("PRAGMA journal_mode=WAL")
        page_after = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    return Vacuumed(before, _size(path), page_before, page_after)


def _in_use(path: Path, why: object) -> DatabaseError:
    return DatabaseError(
        f"{path} is open in another program ({why}): close the inbox windows and stop "
        "`inbox poll --watch` and `inbox send --watch` (or their systemd units), then run "
        "`inbox db vacuum` again; the database is unchanged"
    )


def _size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def _postgres(engine: Engine) -> Vacuumed:
    size = sa.text("SELECT pg_database_size(current_database())")
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            before = int(conn.execute(size).scalar_one())
            conn.execute(sa.text("VACUUM (ANALYZE)"))
            after = int(conn.execute(size).scalar_one())
    except sa.exc.DBAPIError as exc:
        raise DatabaseError(f"VACUUM failed: {str(exc.orig).strip()}") from None
    finally:
        engine.dispose()
    return Vacuumed(before, after)
