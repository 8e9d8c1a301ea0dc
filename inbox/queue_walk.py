"""The urgent queue's pages on SQLite, read in order instead of sorted.

The queue's order is urgency (escalated, breached, due soon, other waiting, the rest), then
newest first. SQLite keeps no statistics, so for "Needs reply" it read every waiting item
and sorted them all for each page (40,000 at 100,000 items), and a search looked up each
of its matches to sort them (16,000 for a place name): 12-25 ms a page. Here each status's
items are walked newest first along `ix_item_status_published` (migration 0008), one
urgency at a time, from the index alone, and the walk stops when the page is full.

Breached and due-soon items are the oldest of their status, so a newest-first walk would
pass all the others to reach them: when there are few of them (counted up to LARGE_RANK),
they are read along their range of clocks in `ix_item_queue` and sorted instead. A search's
matches are written once to a temporary table that the walks check; a search with few
matches is looked up by id and sorted, as before.

Exactness does not depend on the plan: every read applies the conditions and the urgency
expression of the single sorted query, which the property test compares page after page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from inbox.models import NEEDS_REPLY, Item, ItemStatus

WALK_INDEX = "ix_item_status_published"
LARGE_RANK = 2_000
"""A rank with at least this many items of a status is walked; a smaller one is read along
its range of clocks and sorted (in a healthy inbox the breached and due-soon ranks are few
items, and the oldest, so a newest-first walk would pass everything else first)."""
FEW_MATCHES = 1_000
"""A search with at most this many matches looks them up by id instead of walking."""

MATCH = sa.Table(
    "queue_match",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    schema="temp",
)
"""This connection's search matches (a temporary table: never in the database file)."""

_NEEDS = tuple(s.value for s in NEEDS_REPLY)
_ITEM = Item.__table__  # type: ignore[attr-defined]
_WALKED = (
    "id",
    "status",
    "created_at",
    "updated_at",
    "first_seen_at",
    "clock_started_at",
    "snoozed_until",
)


def published(t: Any) -> sa.ColumnElement[Any]:
    """When the item appeared: the queue's "newest" (the expression the index holds)."""
    return sa.func.coalesce(t.c.created_at, t.c.updated_at, t.c.first_seen_at)


@dataclass(frozen=True)
class Urgency:
    """The urgent order's ranks, fixed at one moment: 0 escalated, 1 breached, 2 due
    soon, 3 other items waiting for a reply, 4 the rest."""

    breached_before: datetime | sa.BindParameter[Any]
    due_before: datetime | sa.BindParameter[Any]

    def rank(self, t: Any) -> sa.ColumnElement[int]:
        """The rank of each row of `t` (the item table, or a walk over it)."""
        needs = t.c.status.in_(_NEEDS)
        return sa.case(
            (t.c.status == ItemStatus.ESCALATED.value, 0),
            (sa.and_(needs, t.c.clock_started_at <= self.breached_before), 1),
            (sa.and_(needs, t.c.clock_started_at <= self.due_before), 2),
            (needs, 3),
            else_=4,
        )

    def clock_range(self, t: Any, rank: int) -> list[sa.ColumnElement[bool]]:
        """Terms implied by `rank` that an index on the clock can serve (redundant with
        `rank(t) == rank`, which stays: they only guide SQLite's plan)."""
        if rank == 1:
            return [t.c.clock_started_at <= self.breached_before]
        if rank == 2:
            return [
                t.c.clock_started_at > self.breached_before,
                t.c.clock_started_at <= self.due_before,
            ]
        if rank == 3:
            return [sa.or_(t.c.clock_started_at > self.due_before, t.c.clock_started_at.is_(None))]
        return []


def ranks_of(status: str) -> tuple[int, ...]:
    """The ranks an item of `status` can have."""
    if status == ItemStatus.ESCALATED:
        return (0,)
    if status in _NEEDS:
        return (1, 2, 3)
    return (4,)


def fill_matches(session: Session, matching: sa.Select[Any] | sa.CompoundSelect[Any]) -> int:
    """Write the ids `matching` selects to this connection's MATCH table; their number."""
    connection = session.connection()
    connection.exec_driver_sql(
        "CREATE TEMP TABLE IF NOT EXISTS queue_match (id INTEGER PRIMARY KEY)"
    )
    connection.exec_driver_sql("DELETE FROM temp.queue_match")
    insert = sa.insert(MATCH).from_select(["id"], matching).prefix_with("OR IGNORE")
    return int(session.execute(insert).rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Conditions:
    """What a page keeps besides its statuses, all of it on the walked index."""

    awake_at: datetime | None = None
    """Leave out items snoozed past then (None: keep snoozed items)."""
    matched: bool = False
    """Only the ids in MATCH (filled by `fill_matches` on the same connection)."""
    clock_after: datetime | None = None
    clock_upto: datetime | None = None
    """A range of response clocks (the Due soon and Breached views)."""
    ranks: frozenset[int] | None = None
    """The only ranks that can match (the others are not read)."""


def page_ids(
    session: Session,
    urgency: Urgency,
    statuses: Sequence[str],
    conditions: Conditions,
    *,
    limit: int,
    offset: int = 0,
) -> list[int]:
    """Ids of the items of `statuses` meeting `conditions`, in urgent order, `offset` to
    `offset + limit`."""
    wanted = offset + limit
    found: list[int] = []
    ranks = {r for s in set(statuses) for r in ranks_of(s)}
    if conditions.ranks is not None:
        ranks &= conditions.ranks
    for rank in sorted(ranks):
        need = wanted - len(found)
        if need <= 0:
            break
        rows: list[tuple[Any, int]] = []
        for status in sorted({s for s in statuses if rank in ranks_of(s)}):
            rows.extend(_walk(session, urgency, status, rank, need, conditions))
        rows.sort(key=_newest_first, reverse=True)
        found.extend(item_id for _p, item_id in rows[:need])
    return found[offset:wanted]


def statuses_present(session: Session) -> list[Any]:
    """Every status some item has, one index seek each (a loose scan of the walked index):
    the "All" view's statuses, whatever a script may have written."""
    rows = session.execute(
        sa.text(
            "WITH RECURSIVE present(status) AS ("
            f" SELECT (SELECT min(status) FROM item INDEXED BY {WALK_INDEX})"
            " UNION ALL SELECT (SELECT min(status) FROM item INDEXED BY"
            f" {WALK_INDEX} WHERE status > present.status)"
            " FROM present WHERE present.status IS NOT NULL"
            ") SELECT status FROM present WHERE status IS NOT NULL"
        )
    )
    return [status for (status,) in rows]  # as stored: compared as stored


def _newest_first(row: tuple[Any, int]) -> tuple[Any, ...]:
    """Sort key (reversed) for (published, id) rows in SQLite's order of values: NULL <
    numbers < text < blobs, text by its bytes (which is code point order)."""
    value, item_id = row
    if value is None:
        return (0, 0, item_id)
    if isinstance(value, int | float):
        return (1, value, item_id)
    return (2 if isinstance(value, str) else 3, value, item_id)


def _walk(
    session: Session,
    urgency: Urgency,
    status: str,
    rank: int,
    need: int,
    conditions: Conditions,
) -> list[tuple[Any, int]]:
    """The newest `need` (published, id) of `status` at `rank`."""
    params = {
        "status": status,
        "breached": urgency.breached_before,
        "due": urgency.due_before,
        "awake": conditions.awake_at,
        "after": conditions.clock_after,
        "upto": conditions.clock_upto,
        "need": need,
        "cap": LARGE_RANK,
    }
    # Walked without counting: a rank that is its status's only one (nothing else lies on
    # its way), and "the rest" of the waiting, the newest, which the walk meets first.
    walk = rank not in _COUNTED or (
        session.execute(_statement("count", rank, _Shape()), params).scalar_one() >= LARGE_RANK
    )
    shape = _Shape(
        awake=conditions.awake_at is not None,
        matched=conditions.matched,
        after=conditions.clock_after is not None,
        upto=conditions.clock_upto is not None,
    )
    query = _statement("walk" if walk else "range", rank, shape)
    return [(p, int(i)) for p, i in session.execute(query, params)]


@dataclass(frozen=True)
class _Shape:
    """Which optional conditions a statement has (its parameters come at each run)."""

    awake: bool = False
    matched: bool = False
    after: bool = False
    upto: bool = False


_PARAMETERS = Urgency(
    breached_before=sa.bindparam("breached", type_=_ITEM.c.clock_started_at.type),
    due_before=sa.bindparam("due", type_=_ITEM.c.clock_started_at.type),
)


_COUNTED = (1, 2)
"""The ranks that are a range of clocks among others of their status: breached, due soon."""
_CLOCK_ORDER = sa.text("item INDEXED BY ix_item_queue")
"""The queue index (status, clock, the times, snooze): a rank's range of clocks, read alone."""


@cache
def _statement(kind: str, rank: int, shape: _Shape) -> sa.Select[Any]:
    """One of the walk's statements, built once (building costs more than running them):
    "walk" reads the status's items newest first along the index (index only) and stops at
    `need`; "range" reads a small rank's range of clocks from the queue index and sorts it;
    "count" counts a rank's items there, up to LARGE_RANK."""
    t = _Bare
    terms = [t.c.status == sa.bindparam("status"), _PARAMETERS.rank(t) == rank]
    if kind != "walk":
        terms.extend(_PARAMETERS.clock_range(t, rank))
    if kind == "count":
        counted = (
            sa.select(sa.literal(1))
            .select_from(_CLOCK_ORDER)
            .where(*terms)
            .limit(sa.bindparam("cap", type_=sa.Integer))
            .subquery()
        )
        return sa.select(sa.func.count()).select_from(counted)
    moment = _ITEM.c.clock_started_at.type
    if shape.awake:
        awake_at = sa.bindparam("awake", type_=moment)
        terms.append(sa.or_(t.c.snoozed_until.is_(None), t.c.snoozed_until <= awake_at))
    if shape.after:
        terms.append(t.c.clock_started_at > sa.bindparam("after", type_=moment))
    if shape.upto:
        terms.append(t.c.clock_started_at <= sa.bindparam("upto", type_=moment))
    if shape.matched:
        terms.append(t.c.id.in_(sa.select(MATCH.c.id)))
    newest = published(t)
    source = sa.text(f"item INDEXED BY {WALK_INDEX}") if kind == "walk" else _CLOCK_ORDER
    return (
        sa.select(sa.type_coerce(newest, sa.String), t.c.id)
        .select_from(source)
        .where(*terms)
        .order_by(newest.desc(), t.c.id.desc())
        .limit(sa.bindparam("need", type_=sa.Integer))
    )


class _Bare:
    """The item table's columns unqualified, for a query whose FROM is written out (SQLAlchemy
    has no SQLite `INDEXED BY`)."""

    c = SimpleNamespace(
        **{name: sa.column(name, _ITEM.c[name].type) for name in _WALKED},
    )
