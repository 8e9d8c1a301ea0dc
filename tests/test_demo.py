"""The demo goes through the real import path, shifted so that it is always fresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from inbox.demo import NEWEST_AGE, load_demo, newest_timestamp, shifted_documents
from inbox.models import Event, Item
from inbox.service import InboxService, ItemFilter, Sort

NOW = datetime(2027, 3, 14, 6, 0, tzinfo=UTC)


def test_shift_keeps_each_timestamp_format() -> None:
    docs = shifted_documents(NOW)
    assert newest_timestamp([doc for _n, _f, doc in docs]) == NOW - NEWEST_AGE
    by_name = {name: doc for name, _f, doc in docs}
    comment = by_name["instagram.json"][0]["data"][0]["comments"]["data"][0]["timestamp"]
    assert comment.endswith("+0000")  # Instagram's offset has no colon, and keeps none
    seconds = by_name["play_api.json"][0]["reviews"][0]["comments"][0]["userComment"][
        "lastModified"
    ]["seconds"]
    assert isinstance(seconds, str)  # int64 as a string, as the API sends it


def test_demo_is_fresh_spread_and_has_history(sqlite_engine: Engine) -> None:
    imports, outcomes = load_demo(sqlite_engine, NOW)
    assert sum(len(r.rejected) for r in imports) == 0
    assert [(o.source, o.error, len(o.report.rejected)) for o in outcomes] == [
        (name, None, 0)
        for name in (
            "play",
            "appstore",
            "gbp-koramangala",
            "gbp-andheri",
            "gbp-connaught-place",
            "instagram",
        )
    ]
    with Session(sqlite_engine) as s:
        published = sa.func.coalesce(col(Item.created_at), col(Item.updated_at))
        newest, oldest = s.execute(sa.select(sa.func.max(published), sa.func.min(published))).one()
        edits = s.execute(
            sa.select(sa.func.count()).select_from(Event).where(col(Event.kind) == "edited")
        ).scalar_one()
    assert NOW - timedelta(minutes=10) <= newest.replace(tzinfo=UTC) <= NOW
    assert timedelta(days=85) <= NOW - oldest.replace(tzinfo=UTC) <= timedelta(days=92)
    assert edits == 12  # 8 Play and 4 Business Profile reviews edited after the first poll

    service = InboxService(sqlite_engine, clock=lambda: NOW)
    day = ItemFilter(since=NOW - timedelta(days=1), include_snoozed=True)
    week = ItemFilter(since=NOW - timedelta(days=7), include_snoozed=True)
    assert service.count_items(day) >= 20
    assert service.count_items(week) >= 100
    # the newest items are unanswered and at the top of the queue
    top = service.list_items(sort=Sort.NEWEST, limit=5)
    assert all(row.status == "new" for row in top)
    assert {row.platform for row in service.list_items(day, limit=500)} == {
        "google_play",
        "app_store",
        "gbp",
        "instagram",
    }
