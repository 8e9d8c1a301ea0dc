"""`inbox db vacuum`: an old 4 KB-page file moves to 16 KB pages with every row and the
search index intact; a file another program holds open is left exactly as it was."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from inbox import cli
from inbox.config import Config
from inbox.db import SQLITE_PAGE_SIZE, create_db_engine, session_scope, upgrade
from inbox.ingest import ensure_account, ingest
from inbox.service import InboxService, ItemFilter
from inbox.textindex import catch_up
from sources.base import Platform, Review

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
WORDS = ["refund", "pickup", "पैसा", "OTP", "Koramangala", "👍", "late", "price"]


def old_database(path: Path, items: int = 600) -> None:
    """A file made before 16 KB pages, with items, their index, and pages freed by a script."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA page_size=4096")
        conn.execute("PRAGMA journal_mode=WAL")
    engine = create_db_engine(str(path))
    upgrade(engine)
    with session_scope(engine) as s:
        account = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        records = [
            Review(
                Platform.GOOGLE_PLAY,
                f"r{n}",
                f"{WORDS[n % len(WORDS)]} review number {n} " + "text " * 40,
                {"reviewId": f"r{n}"},
                rating=1 + n % 5,
                created_at=NOW,
            )
            for n in range(items)
        ]
        ingest(s, account, records, now=NOW)
    catch_up(engine)
    with engine.begin() as conn:  # someone's scratch table, dropped: free pages remain
        conn.exec_driver_sql("CREATE TABLE scratch AS SELECT raw FROM item")
        conn.exec_driver_sql("DROP TABLE scratch")
    engine.dispose()


def facts(path: Path) -> dict[str, object]:
    with sqlite3.connect(path) as conn:

        def one(sql: str) -> object:
            return conn.execute(sql).fetchone()[0]

        return {
            "page_size": one("PRAGMA page_size"),
            "journal_mode": one("PRAGMA journal_mode"),
            "free_pages": one("PRAGMA freelist_count"),
            "integrity": one("PRAGMA integrity_check"),
            "items": one("SELECT count(*) FROM item"),
            "events": one("SELECT count(*) FROM event"),
            "rows": one("SELECT total(length(raw)) + total(length(body)) FROM item"),
        }


def matches(path: Path) -> dict[str, int]:
    engine = create_db_engine(str(path))
    service = InboxService(engine, Config(), clock=lambda: NOW)
    found = {word: service.count_items(ItemFilter(text=word)) for word in WORDS}
    engine.dispose()
    return found


def test_vacuum_moves_an_old_file_to_large_pages_and_keeps_everything(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    old_database(db)
    before, searched, mode = facts(db), matches(db), stat.S_IMODE(db.stat().st_mode)
    assert before["page_size"] == 4096 and before["free_pages"] > 0

    result = CliRunner().invoke(cli.app, ["--db", str(db), "db", "vacuum"])
    assert result.exit_code == 0, result.output
    assert "4 → 16 KB pages" in result.output

    after = facts(db)
    assert after["page_size"] == SQLITE_PAGE_SIZE
    assert after["journal_mode"] == "wal" and after["free_pages"] == 0
    assert after["integrity"] == "ok"
    for key in ("items", "events", "rows"):
        assert after[key] == before[key], key
    assert matches(db) == searched and all(searched.values())
    assert stat.S_IMODE(db.stat().st_mode) == mode


def test_vacuum_refuses_a_file_in_use_and_leaves_it_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "inbox.db"
    old_database(db, items=50)
    before = facts(db)
    window = create_db_engine(str(db))  # an inbox window, idle, its connection open
    with window.connect() as conn:
        conn.execute(sa.text("SELECT count(*) FROM item")).scalar_one()
        result = subprocess.run(
            [sys.executable, "-m", "inbox", "--db", str(db), "db", "vacuum"],
            capture_output=True,
            text=True,
            check=False,
        )
    window.dispose()
    assert result.returncode == 1, result.stderr
    assert "open in another program" in result.stderr
    assert "inbox db vacuum` again" in result.stderr
    assert "Traceback" not in result.stderr
    assert facts(db) == before  # still 4 KB pages, still WAL, every row


@pytest.mark.postgres
def test_vacuum_on_postgres_analyzes(postgres_url: str) -> None:
    engine = create_db_engine(postgres_url)
    upgrade(engine)
    engine.dispose()
    result = CliRunner().invoke(cli.app, ["--db", postgres_url, "db", "vacuum"])
    assert result.exit_code == 0, result.output
    assert "Vacuumed:" in result.output and "pages" not in result.output
    engine = create_db_engine(postgres_url)
    with engine.connect() as conn:
        analyzed = conn.execute(
            sa.text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'item'")
        ).scalar_one()
    engine.dispose()
    assert analyzed is not None
