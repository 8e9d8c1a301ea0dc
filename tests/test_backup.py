"""`inbox db backup`: a consistent, private copy while others write (SQLite), pg_dump for
PostgreSQL."""

from __future__ import annotations

import sqlite3
import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from inbox.backup import backup
from inbox.db import create_db_engine, session_scope, upgrade
from inbox.errors import DatabaseError
from inbox.ingest import ensure_account
from inbox.models import Event
from sources.base import Platform


def test_sqlite_backup_is_consistent_while_someone_writes(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        while not stop.is_set():
            with session_scope(sqlite_engine) as s:
                s.add_all(Event(kind="polled", actor="bench") for _ in range(50))
            written[0] += 50

    with session_scope(sqlite_engine) as s:
        ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 500:
            pass
        target = backup(sqlite_engine, tmp_path / "copy.db")
    finally:
        stop.set()
        thread.join()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    events = copy.execute("SELECT count(*) FROM event").fetchone()[0]
    assert 500 <= events <= written[0] and events % 50 == 0  # whole transactions only
    assert copy.execute("SELECT name FROM source_account").fetchall() == [("play",)]
    with pytest.raises(DatabaseError, match="already exists"):
        backup(sqlite_engine, target)


@pytest.mark.postgres
def test_postgres_backup_with_pg_dump(postgres_url: str, tmp_path: Path) -> None:
    engine = create_db_engine(postgres_url)
    upgrade(engine)
    with session_scope(engine) as s:
        ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
    target = backup(engine, tmp_path / "inbox.dump")
    assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM source_account")).scalar_one() == 1
    engine.dispose()
