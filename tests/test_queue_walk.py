"""The urgent queue read in order (`inbox.queue_walk`) gives exactly the pages of the one
query SQLite sorts, whatever the statuses, times, ties, snoozes and searches; and it does
read the queue order index without sorting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from inbox import queue_walk
from inbox.config import Config
from inbox.db import session_scope
from inbox.ingest import ensure_account
from inbox.models import Item, ItemStatus
from inbox.service import InboxService, ItemFilter, SlaState
from inbox.textindex import index_pending
from sources.base import Platform

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
STATUSES = [s.value for s in ItemStatus] + ["archived-by-script"]
WORDS = ["otp nahi aaya", "paisa kab", "pickup late", "OTP otp", "great app"]
ITEM = Item.__table__  # type: ignore[attr-defined]


@pytest.fixture
def svc(sqlite_engine: Engine) -> InboxService:
    return InboxService(sqlite_engine, Config(), clock=lambda: NOW)


def _times(svc: InboxService) -> list[datetime | None]:
    """Times on and around the SLA cutoffs, so that ranks and orders have ties."""
    breached, due = svc._sla_cutoffs(svc.config.sla.due_soon_hours)
    second = timedelta(seconds=1)
    return [
        None,
        breached - timedelta(hours=30),
        breached - second,
        breached,
        breached + second,
        due,
        due + second,
        NOW - timedelta(minutes=5),
        NOW,
    ]


ROW = st.tuples(
    st.sampled_from(STATUSES),
    st.integers(0, 8),  # created_at (index into _times)
    st.integers(0, 8),  # updated_at
    st.integers(1, 8),  # first_seen_at (never NULL)
    st.integers(0, 8),  # clock_started_at
    st.sampled_from([None, -1, 1]),  # snoozed: no, until the past, until the future
    st.sampled_from(WORDS),
)


def _write(engine: Engine, svc: InboxService, rows: list[tuple[Any, ...]]) -> None:
    times = _times(svc)
    with session_scope(engine) as session:
        account = ensure_account(session, "play", Platform.GOOGLE_PLAY, "in.example.app")
        session.execute(sa.delete(ITEM))
        values = [
            {
                "platform": "google_play",
                "account_id": account.id,
                "external_id": f"r{i}",
                "body": body,
                "created_at": times[created],
                "updated_at": times[updated],
                "first_seen_at": times[seen],
                "clock_started_at": times[clock],
                "snoozed_until": None if snooze is None else NOW + timedelta(hours=snooze),
                "raw": {},
                "content_hash": "x",
                "revision": 1,
                "status": status,
                "version": 1,
            }
            for i, (status, created, updated, seen, clock, snooze, body) in enumerate(rows)
        ]
        if values:
            session.execute(sa.insert(ITEM), values)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(ROW, max_size=40),
    statuses=st.lists(st.sampled_from(STATUSES), max_size=4, unique=True),
    sla=st.sampled_from([None, SlaState.BREACHED, SlaState.DUE_SOON]),
    due_within=st.sampled_from([None, 1.0, 40.0]),
    text=st.sampled_from([None, "otp", "pai", "zzz", "o"]),
    include_snoozed=st.booleans(),
    indexed=st.booleans(),
    large_rank=st.integers(1, 6),
    few_matches=st.integers(0, 6),
    page=st.integers(1, 7),
)
def test_property_walked_pages_equal_the_sorted_query(
    sqlite_engine: Engine,
    svc: InboxService,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[tuple[Any, ...]],
    statuses: list[str],
    sla: SlaState | None,
    due_within: float | None,
    text: str | None,
    include_snoozed: bool,
    indexed: bool,
    large_rank: int,
    few_matches: int,
    page: int,
) -> None:
    """Page after page, `queue_page` (walks, the ranks left to SQLite's plan, searches
    with few and many matches, indexed and not yet indexed text, SLA states, all statuses
    including one only a script writes) lists the same ids in the same order as
    `list_items`, the single query whose rows SQLite sorts."""
    monkeypatch.setattr(queue_walk, "LARGE_RANK", large_rank)
    monkeypatch.setattr(queue_walk, "FEW_MATCHES", few_matches)
    _write(sqlite_engine, svc, rows)
    if indexed:
        with sqlite_engine.begin() as conn:
            index_pending(conn)
    f = ItemFilter(
        statuses=tuple(statuses),
        sla=sla,
        due_within_hours=due_within,
        text=text,
        include_snoozed=include_snoozed,
    )
    expected = [r.id for r in svc.list_items(f, limit=1_000)]
    walked: list[int] = []
    for offset in range(0, len(rows) + page, page):
        walked.extend(r.id for r in svc.queue_page(f, limit=page, offset=offset))
    assert walked == expected


def test_statuses_with_other_filters_keep_the_sorted_query(svc: InboxService) -> None:
    """Only views of statuses, SLA states or everything (and a search) are walked: other
    filters would make the walk read far for few rows."""
    from inbox.service import _walkable

    assert _walkable(ItemFilter(statuses=("new",), text="otp", include_snoozed=True))
    assert _walkable(ItemFilter())
    assert _walkable(ItemFilter(sla=SlaState.BREACHED))
    assert not _walkable(ItemFilter(statuses=("new",), platforms=("instagram",)))
    assert not _walkable(ItemFilter(statuses=("new",), min_rating=1))


@pytest.fixture
def statements(sqlite_engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    sa.event.listen(sqlite_engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(sqlite_engine, "before_cursor_execute", record)


def test_a_large_rank_is_walked_along_the_index_without_sorting(
    sqlite_engine: Engine,
    svc: InboxService,
    monkeypatch: pytest.MonkeyPatch,
    statements: list[tuple[str, Any]],
) -> None:
    """SQLite reads the walk from the queue order index in order and stops at the page: no
    temporary b-tree, no read of the item rows."""
    monkeypatch.setattr(queue_walk, "LARGE_RANK", 5)
    monkeypatch.setattr(queue_walk, "FEW_MATCHES", 5)
    _write(sqlite_engine, svc, [("new", 7, 7, 7, 1, None, "otp")] * 30)
    statements.clear()
    page = svc.queue_page(ItemFilter(statuses=("new", "escalated"), text="otp"), limit=10)
    assert len(page) == 10
    walks = [(s, p) for s, p in statements if f"INDEXED BY {queue_walk.WALK_INDEX}" in s]
    assert walks, "no walk ran"
    with sqlite_engine.connect() as conn:
        for statement, params in walks:
            plan = " / ".join(
                row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            )
            assert f"COVERING INDEX {queue_walk.WALK_INDEX}" in plan, plan
            assert "TEMP B-TREE" not in plan, plan


def _plans(engine: Engine, statements: list[tuple[str, Any]]) -> str:
    with engine.connect() as conn:
        return " / ".join(
            row[-1]
            for statement, params in statements
            if statement.lstrip().upper().startswith("SELECT")
            for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
        )


def test_mine_and_replied_today_read_their_indexes(
    sqlite_engine: Engine, svc: InboxService, statements: list[tuple[str, Any]]
) -> None:
    """The "Mine" view reads the assigned items only (a partial index), "Replied today" the replied
    events since midnight (kind, time and item from the index): neither reads every item
    (migration 0009)."""
    _write(sqlite_engine, svc, [("new", 7, 7, 7, 1, None, "otp")] * 5)
    statements.clear()
    svc.queue_page(ItemFilter(statuses=("new",), assignee="asha"))
    assert "USING INDEX ix_item_assignee (assignee=?)" in _plans(sqlite_engine, statements)
    statements.clear()
    svc.queue_page(ItemFilter(replied_since=NOW - timedelta(hours=3)))
    assert "USING COVERING INDEX ix_event_kind_at (kind=? AND at>?)" in _plans(
        sqlite_engine, statements
    )


def test_a_small_rank_is_read_along_its_range_of_clocks(
    sqlite_engine: Engine,
    svc: InboxService,
    monkeypatch: pytest.MonkeyPatch,
    statements: list[tuple[str, Any]],
) -> None:
    """Breached items are the oldest: a walk newest first would pass every other waiting item
    to reach a few of them. A small breached rank is counted and read as a range of the
    queue index instead, from the index alone."""
    monkeypatch.setattr(queue_walk, "LARGE_RANK", 5)
    fresh = [("new", 7, 7, 7, 7, None, "otp")] * 30
    _write(sqlite_engine, svc, [("new", 1, 1, 1, 1, None, "otp")] * 2 + fresh)
    statements.clear()
    page = svc.queue_page(ItemFilter(statuses=("new",)), limit=5)
    assert [r.id for r in page] == [r.id for r in svc.list_items(ItemFilter(statuses=("new",)))][:5]
    ranges = [(s, p) for s, p in statements if "INDEXED BY ix_item_queue" in s]
    assert ranges, "no rank was read along its clocks"
    plans = _plans(sqlite_engine, ranges)
    assert "COVERING INDEX ix_item_queue (status=? AND clock_started_at<?)" in plans, plans
