"""insert_rows stores exactly what SQLAlchemy Core's insert stores, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from inbox.bulk import insert_rows
from inbox.models import Event, EventKind, Item, SourceAccount

T0 = datetime(2026, 11, 20, 6, 30, 15, 123456, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))


def _item(ext: str, raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "platform": "google_play",
        "account_id": 1,
        "external_id": ext,
        "author": "Ravi \ufffd",
        "rating": 3,
        "body": "पेमेंट नहीं आया",
        "created_at": T0.astimezone(IST),
        "updated_at": None,
        "first_seen_at": T0,
        "clock_started_at": T0,
        "raw": raw,
        "extra": {"followers_count": 12},
        "content_hash": "h" * 64,
        "status": "new",
        "revision": 1,
        "version": 1,
    }


def _dump(engine: Engine, table: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id")]


def test_insert_rows_stores_what_core_stores(engine: Engine) -> None:
    raw = {"reviewId": "a", "text": "nul \u0000 and emoji 😡", "n": [1, 2.5, None]}
    shared = {"origin": "poll"}
    with engine.begin() as conn:
        conn.execute(
            sa.insert(SourceAccount.__table__),
            [{"name": "p", "platform": "google_play", "consecutive_failures": 0, "created_at": T0}],
        )  # type: ignore[attr-defined]
        conn.execute(sa.insert(Item.__table__), [_item("core", raw)])  # type: ignore[attr-defined]
        insert_rows(conn, Item.__table__, [_item("fast", json.dumps(raw))], json_text=("raw",))  # type: ignore[arg-type, attr-defined]
        events = [
            {"item_id": 1, "kind": EventKind.RECEIVED, "actor": "poller", "at": T0, "data": d}
            for d in (shared, shared, None, {"themes": {"payment": 0.91}})
        ]
        conn.execute(sa.insert(Event.__table__), events)  # type: ignore[attr-defined]
        insert_rows(conn, Event.__table__, events)  # type: ignore[attr-defined]
    core, fast = _dump(engine, "item")
    assert core[0] + 1 == fast[0]
    assert core[1:3] == fast[1:3] and core[4:] == fast[4:]  # all but the id and external id
    stored = _dump(engine, "event")
    assert [row[1:] for row in stored[:4]] == [row[1:] for row in stored[4:]]


def test_insert_rows_refuses_rows_it_would_store_wrongly(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError, match="same columns"):
        insert_rows(conn, Event.__table__, [{"kind": "x"}, {"kind": "y", "actor": "z"}])  # type: ignore[attr-defined]
    if engine.dialect.name == "sqlite":  # Core fills defaults itself elsewhere
        with engine.begin() as conn, pytest.raises(ValueError, match="defaults"):
            insert_rows(conn, Event.__table__, [{"kind": "x", "item_id": None}])  # type: ignore[attr-defined]
