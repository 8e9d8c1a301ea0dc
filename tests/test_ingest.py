"""Ingest on SQLite and PostgreSQL: idempotence, edits, platform replies, quarantine."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from inbox import ingest as ingest_module
from inbox.bulk import sqlite_utc_text
from inbox.db import create_db_engine, session_scope, upgrade
from inbox.ingest import IngestReport, content_hash, ensure_account, ingest
from inbox.models import Event, Item, Quarantine, Reply, SourceAccount
from sources.base import Platform, PlatformReply, Review

T0 = datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def review(ext: str, body: str = "Pickup was on time, paid by UPI", **kw: Any) -> Review:
    fields: dict[str, Any] = {
        "platform": Platform.GOOGLE_PLAY,
        "external_id": ext,
        "body": body,
        "raw": {"reviewId": ext, "text": body},
        "created_at": T0,
        "updated_at": T0,
        "author": "Ravi Kumar",
        "rating": 4,
    }
    fields.update(kw)
    return Review(**fields)


def run(engine: Engine, records: list[Any], account: str = "play") -> IngestReport:
    with session_scope(engine) as session:
        acct = ensure_account(session, account, Platform.GOOGLE_PLAY, "in.resello.app")
        return ingest(session, acct, records, origin="test", now=NOW)


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to compare database states exactly."""
    out = {}
    with engine.connect() as conn:
        for table in (
            "source_account",
            "item",
            "tag",
            "escalation",
            "reply",
            "event",
            "quarantine",
        ):
            rows = conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id")).all()
            out[table] = [tuple(r) for r in rows]
    return out


def items(engine: Engine) -> list[Item]:
    with Session(engine) as s:
        return list(s.execute(sa.select(Item).order_by(Item.id)).scalars())


def events(engine: Engine, item_id: int) -> list[Event]:
    with Session(engine) as s:
        return list(
            s.execute(sa.select(Event).where(Event.item_id == item_id).order_by(Event.id)).scalars()
        )


def test_new_records_are_stored_with_raw_payload_and_received_event(engine: Engine) -> None:
    report = run(
        engine, [review("gp:1"), review("gp:2", "App crash ho raha hai OTP ke baad 😡", rating=1)]
    )
    assert (report.new, report.updated, report.unchanged, report.rejected) == (2, 0, 0, [])
    stored = items(engine)
    assert [i.external_id for i in stored] == ["gp:1", "gp:2"]
    second = stored[1]
    assert second.body == "App crash ho raha hai OTP ke baad 😡"
    assert second.rating == 1
    assert second.raw == {"reviewId": "gp:2", "text": "App crash ho raha hai OTP ke baad 😡"}
    assert second.created_at == T0 and second.created_at.tzinfo is not None
    assert second.first_seen_at == NOW
    assert second.clock_started_at == T0
    assert second.status == "new"
    assert [e.kind for e in events(engine, second.id or 0)] == ["received"]
    assert sorted(report.changed_ids) == [stored[0].id, stored[1].id]


def test_ingesting_the_same_records_twice_changes_nothing(engine: Engine) -> None:
    records = [
        review("gp:1"),
        review("gp:2", reply=PlatformReply("Thanks Ravi!", T0 + timedelta(hours=3))),
    ]
    run(engine, records)
    before = dump(engine)
    again = run(engine, records)
    assert (again.new, again.updated, again.unchanged, again.replies_found) == (0, 0, 2, 0)
    assert dump(engine) == before


def test_edit_reopens_answered_item_and_keeps_history(engine: Engine) -> None:
    replied = review(
        "gp:9",
        "Payment not received yet",
        rating=1,
        reply=PlatformReply("Sorry! Checking now.", T0 + timedelta(hours=2)),
    )
    run(engine, [replied])
    [item] = items(engine)
    assert item.status == "replied"

    later = T0 + timedelta(days=1)
    edited = replace(
        replied,
        body="Got the money finally, 4 stars",
        rating=4,
        updated_at=later,
        raw={"reviewId": "gp:9", "text": "Got the money finally, 4 stars"},
    )
    report = run(engine, [edited])
    assert (report.new, report.updated, report.unchanged) == (0, 1, 0)
    [item] = items(engine)
    assert item.body == "Got the money finally, 4 stars"
    assert item.rating == 4
    assert item.revision == 2
    assert item.status == "open"  # the old reply answered the old text
    assert item.clock_started_at == later
    assert item.content_hash == content_hash(edited)
    kinds = [e.kind for e in events(engine, item.id or 0)]
    assert kinds == ["received", "replied", "edited"]
    edit = events(engine, item.id or 0)[-1]
    assert edit.data is not None
    assert edit.data["previous"]["body"] == "Payment not received yet"
    assert edit.data["previous"]["rating"] == 1
    assert edit.data["previous"]["raw"] == {"reviewId": "gp:9", "text": "Payment not received yet"}


def test_platform_reply_is_recorded_as_a_response_with_its_time(engine: Engine) -> None:
    at = T0 + timedelta(hours=5)
    run(engine, [review("gp:5", reply=PlatformReply("Thank you!", at, state="PUBLISHED"))])
    [item] = items(engine)
    assert item.status == "replied"
    with Session(engine) as s:
        [reply] = s.execute(sa.select(Reply)).scalars().all()
    assert (reply.origin, reply.state, reply.body, reply.sent_at) == (
        "platform",
        "sent",
        "Thank you!",
        at,
    )
    replied = [e for e in events(engine, item.id or 0) if e.kind == "replied"]
    assert [(e.at, e.actor) for e in replied] == [(at, "platform")]


def test_reply_found_later_marks_item_replied_once(engine: Engine) -> None:
    run(engine, [review("gp:7")])
    answered = review(
        "gp:7", reply=PlatformReply("Hi, we have refunded it", T0 + timedelta(hours=30))
    )
    first = run(engine, [answered])
    second = run(engine, [answered])
    assert (first.updated, first.replies_found, second.replies_found, second.unchanged) == (
        1,
        1,
        0,
        1,
    )
    [item] = items(engine)
    assert item.status == "replied"
    assert [e.kind for e in events(engine, item.id or 0)] == ["received", "replied"]


def test_bad_records_are_quarantined_and_the_rest_lands(engine: Engine) -> None:
    naive = datetime(2026, 11, 20, 6, 30)
    records: list[Any] = [
        review("gp:ok1"),
        review("", body="no id"),
        review("gp:bad-rating", rating=7),
        review("gp:naive", created_at=naive),
        "not a record",
        review("gp:ok2", body="नमस्ते, pickup late tha \u202e RTL \x00 nul"),
    ]
    report = run(engine, records)
    assert report.new == 2
    reasons = [(r.position, r.reason) for r in report.rejected]
    assert reasons == [
        ("record 2", "has no id"),
        ("record 3", "rating 7 is not a whole number from 1 to 5"),
        ("record 4", "created_at 2026-11-20T06:30:00 has no time zone"),
        ("record 5", "not a review record (str)"),
    ]
    with Session(engine) as s:
        kept = s.execute(sa.select(Quarantine).order_by(Quarantine.id)).scalars().all()
    assert [q.reason for q in kept] == [r for _p, r in reasons]
    assert kept[0].origin == "test"
    again = run(engine, records)
    assert len(again.rejected) == 4
    with Session(engine) as s:
        count = s.execute(sa.select(sa.func.count()).select_from(Quarantine)).scalar_one()
    assert count == 4  # seen twice, kept once
    stored = {i.external_id: i for i in items(engine)}
    # NUL cannot live in PostgreSQL text: replaced, everything else kept as written.
    assert stored["gp:ok2"].body == "नमस्ते, pickup late tha \u202e RTL \ufffd nul"
    assert stored["gp:ok2"].raw["text"] == "नमस्ते, pickup late tha \u202e RTL \x00 nul"


def test_same_external_id_in_two_accounts_are_two_items(engine: Engine) -> None:
    run(engine, [review("gp:1")], account="play")
    run(engine, [review("gp:1")], account="play-lite")
    assert len(items(engine)) == 2


def test_duplicate_within_a_batch_keeps_newest(engine: Engine) -> None:
    old = review("gp:3", "first text")
    new = replace(old, body="second text", updated_at=T0 + timedelta(hours=1))
    report = run(engine, [new, old])
    assert (report.new, report.unchanged) == (1, 1)
    assert items(engine)[0].body == "second text"


def test_metadata_only_change_updates_raw_without_event(engine: Engine) -> None:
    run(engine, [review("gp:4")])
    bumped = review("gp:4", raw={"reviewId": "gp:4", "text": "x", "thumbsUpCount": 3})
    report = run(engine, [bumped])
    assert (report.updated, report.unchanged) == (0, 1)
    [item] = items(engine)
    assert item.raw["thumbsUpCount"] == 3
    assert [e.kind for e in events(engine, item.id or 0)] == ["received"]


def test_large_batch_spans_several_internal_batches(engine: Engine) -> None:
    records = [review(f"gp:{n}", f"review number {n} 👍") for n in range(1234)]
    report = run(engine, records)
    assert report.new == 1234
    assert len(items(engine)) == 1234
    assert run(engine, records).unchanged == 1234


def test_account_platform_mismatch_is_refused(engine: Engine) -> None:
    with session_scope(engine) as session:
        ensure_account(session, "store", Platform.GBP, "accounts/1/locations/2")
    with pytest.raises(ValueError, match="is a gbp account"), session_scope(engine) as session:
        ensure_account(session, "store", Platform.GOOGLE_PLAY)
    with Session(engine) as s:
        assert s.execute(sa.select(SourceAccount.platform)).scalars().all() == ["gbp"]


@pytest.mark.postgres
def test_a_status_set_while_a_poll_runs_is_not_overwritten(postgres_url: str) -> None:
    """The poll reads an item, a person escalates it, then the poll writes: the poll found
    the platform's reply (NEW → REPLIED) but must not undo the escalation it never saw."""
    from inbox.db import create_db_engine, upgrade
    from inbox.service import InboxService

    engine = create_db_engine(postgres_url)
    upgrade(engine)
    run(engine, [review("gp:race", "Paisa nahi mila, fraud company", rating=1)])
    [item] = items(engine)
    assert item.status == "new" and item.id is not None
    person = InboxService(engine, agent="asha")
    fired: list[str] = []

    def escalate_first(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE ITEM SET") and not fired:
            fired.append(statement)
            person.escalate(item.id or 0, ["money_not_received"])  # another connection

    answered = review(
        "gp:race",
        "Paisa nahi mila, fraud company",
        rating=1,
        reply=PlatformReply("Sorry! Checking now.", T0 + timedelta(hours=2)),
    )
    sa.event.listen(engine, "before_cursor_execute", escalate_first)
    try:
        run(engine, [answered])
    finally:
        sa.event.remove(engine, "before_cursor_execute", escalate_first)
    assert fired, "the poll never updated the item"
    [item] = items(engine)
    assert item.status == "escalated"
    kinds = [e.kind for e in events(engine, item.id or 0)]
    assert sorted(kinds) == ["escalated", "received", "replied"]
    assert item.version == 3  # one bump each: the escalation and the poll
    engine.dispose()


def _events_point_at_their_items(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT item.external_id, event.data FROM event"
                " JOIN item ON item.id = event.item_id WHERE event.kind = 'received'"
            )
        ).all()
        stored = set(conn.execute(sa.text("SELECT external_id FROM item")).scalars())
    assert {ext for ext, _ in rows} == stored - {"top"}


def test_new_item_ids_are_read_back_when_sqlite_picks_them_at_random(
    sqlite_engine: Engine,
) -> None:
    """Ingest takes the next ids as its own; once the highest id is taken SQLite picks
    new ids at random, and ingest reads them back instead."""
    run(sqlite_engine, [review(f"a{i}") for i in range(30)])
    _events_point_at_their_items(sqlite_engine)
    names = [c.name for c in Item.__table__.c if c.name != "id"]  # type: ignore[attr-defined]
    copied = ", ".join("'top'" if n == "external_id" else n for n in names)
    with sqlite_engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO item (id, {', '.join(names)}) SELECT {2**63 - 1}, {copied} FROM item"
            " LIMIT 1"
        )
    report = run(sqlite_engine, [review(f"b{i}") for i in range(40)])
    assert report.new == 40
    _events_point_at_their_items(sqlite_engine)
    with sqlite_engine.connect() as conn:
        ids = conn.execute(sa.text("SELECT id FROM item WHERE external_id LIKE 'b%'")).scalars()
        assert any(i > 2**32 for i in ids)  # really at random
    assert sorted(report.changed_ids) == sorted(
        i for i in _ids(sqlite_engine) if i > 30 and i != 2**63 - 1
    )


def _ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT id FROM item")).scalars())


@settings(max_examples=300, deadline=None)
@given(
    title=st.none() | st.text(),
    body=st.text(),
    rating=st.none() | st.integers(1, 5),
)
def test_content_hash_is_the_json_of_the_words_and_stars(
    title: str | None, body: str, rating: int | None
) -> None:
    """The hash written without the JSON encoder hashes the encoder's own text (stored
    hashes stay valid: a changed formula would make every stored item look edited)."""
    record = review("h", body=body, title=title, rating=rating)
    text = json.dumps([title or "", body, rating], ensure_ascii=False)
    assert content_hash(record) == hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@settings(max_examples=300, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.one_of(st.just(UTC), st.timezones()),  # UTC itself takes a shortcut
    )
)
def test_bulk_datetime_text_is_what_sqlalchemy_stores(moment: datetime) -> None:
    column_type = Item.__table__.c.created_at.type  # type: ignore[attr-defined]
    expected = column_type._cached_bind_processor(sqlite.dialect())(moment)
    assert sqlite_utc_text(moment) == expected


def test_received_events_written_by_one_statement_equal_those_written_as_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite, the `received` events of items whose ids follow on are written by one
    INSERT ... SELECT; ids that do not (as on PostgreSQL) get rows. Both store the same."""
    records = [
        review(f"r{i}", f"review {i}", updated_at=T0 + timedelta(minutes=i))
        if i % 3
        else review(f"r{i}", reply=PlatformReply(text="Thanks!", replied_at=None))
        for i in range(7)
    ]

    def stored(name: str) -> dict[str, list[tuple[Any, ...]]]:
        engine = create_db_engine(str(tmp_path / name))
        upgrade(engine)
        run(engine, records)
        try:
            return dump(engine)
        finally:
            engine.dispose()

    by_statement = stored("statement.db")
    original = ingest_module._insert_items
    monkeypatch.setattr(ingest_module, "_insert_items", lambda *a, **k: list(original(*a, **k)))
    as_rows = stored("rows.db")
    assert by_statement["event"] == as_rows["event"]
    kinds = [row[2] for row in by_statement["event"]]
    assert kinds == ["received"] * 7 + ["replied"] * 3
    for table in ("item", "reply", "event"):  # the account row holds its creation time
        assert by_statement[table] == as_rows[table], table
