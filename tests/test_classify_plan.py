"""Classifying stays fast as the inbox grows: its statements look items up by id, never
read an index through."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from classifier.predict import Classifier
from classifier.store import load_model
from classifier.taxonomy import load_taxonomy
from inbox.classify import classify_items
from inbox.db import session_scope
from inbox.ingest import ensure_account, ingest
from sources.base import Platform, Review


def test_classify_items_statements_look_items_up_by_id(
    sqlite_engine: Engine, seed_model_path: Path
) -> None:
    bodies = ["paisa nahi aaya abhi tak, fraud company", "great app, quick pickup"]
    reviews = [
        Review(
            platform=Platform.GOOGLE_PLAY,
            external_id=f"r{i}",
            body=bodies[i % 2],
            raw={"i": i},
            updated_at=datetime(2026, 10, 1, tzinfo=UTC),
            author=f"User {i}",
            rating=1 + i % 5,
        )
        for i in range(300)
    ]
    with session_scope(sqlite_engine) as session:
        account = ensure_account(session, "play", Platform.GOOGLE_PLAY, "in.example")
        ids = ingest(session, account, reviews).changed_ids
    statements: list[tuple[str, Any]] = []

    @sa.event.listens_for(sqlite_engine, "before_cursor_execute")
    def record(_conn: Any, _cursor: Any, sql: str, params: Any, _ctx: Any, many: bool) -> None:
        if not many and sql.lstrip().upper().startswith(("UPDATE", "SELECT", "DELETE")):
            statements.append((sql, params))

    classifier = Classifier(load_taxonomy(), load_model(seed_model_path))
    report = classify_items(sqlite_engine, classifier, ids)
    sa.event.remove(sqlite_engine, "before_cursor_execute", record)
    assert report.escalated >= 100
    assert any(sql.lstrip().upper().startswith("UPDATE ITEM") for sql, _ in statements)
    with sqlite_engine.connect() as connection:
        for sql, params in statements:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
            details = [str(row[-1]) for row in plan]
            # Every read of `item` is by id: SQLite, with no statistics, once chose the
            # status index for the escalation update and read every new item each time.
            for detail in details:
                if detail.split()[:2] in (["SEARCH", "item"], ["SCAN", "item"]):
                    assert "INTEGER PRIMARY KEY" in detail or "ix_item_author_key" in detail, (
                        sql,
                        details,
                    )
