"""Claims: which agent is working on an item and until when, taken without waiting on others.

A claim is `assignee` + `claimed_until` on the item row. Taking one is a guarded UPDATE (the
row must still be free and at the version we read) inside a transaction that holds the row:
`FOR UPDATE SKIP LOCKED` to pick the next item on PostgreSQL, a short lock timeout to claim
a given one, and BEGIN IMMEDIATE on SQLite (`inbox.db.write_scope`). A claim lasts
`[agent] claim_minutes` (15 by default); the composer renews it every third of that; a claim
nobody renews (a crashed TUI) simply lapses and the item is free again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col

from inbox.db import write_scope
from inbox.errors import ConflictError, NotFoundError
from inbox.models import (
    NEEDS_REPLY,
    Event,
    EventKind,
    Item,
    ItemStatus,
    Reply,
    ReplyState,
    SourceAccount,
)

CLAIM_MINUTES = 15.0  # the default of `[agent] claim_minutes`


def renew_every_seconds(claim_minutes: float) -> float:
    """A third of a claim: two missed heartbeats (a laptop asleep for a minute) still keep it."""
    return claim_minutes * 60 / 3


# How long claiming one item waits for a row another transaction holds. Agents, the poller
# and the sender hold rows for milliseconds; only a stuck process holds one longer, and a
# person should hear about that at once rather than watch a frozen screen.
LOCK_WAIT_MS = 1000
# Replies on their way: an item with one is being answered, whoever holds it.
IN_FLIGHT = (ReplyState.QUEUED, ReplyState.SENDING)
_LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: NOWAIT or lock_timeout gave up


def holder(item: Item, agent: str | None, now: datetime) -> str | None:
    """The other agent with a live claim on `item`, if any."""
    live = item.claimed_until is not None and item.claimed_until > now
    if live and item.assignee not in (None, agent):
        return item.assignee
    return None


def held_message(item: Item) -> str:
    assert item.claimed_until is not None
    return f"{item.assignee} is working on this item until {item.claimed_until:%H:%M} UTC"


def free_clause(agent: str | None, now: datetime) -> sa.ColumnElement[bool]:
    """SQL for "nobody else holds a live claim on this row"."""
    return sa.or_(
        col(Item.claimed_until).is_(None),
        col(Item.claimed_until) <= now,
        col(Item.assignee).is_(None),
        col(Item.assignee) == agent,
    )


def unanswered_clause() -> sa.ColumnElement[bool]:
    """SQL for "still waits for a reply": a needs-reply status and no reply on its way."""
    in_flight = sa.exists().where(
        col(Reply.item_id) == col(Item.id), col(Reply.state).in_(IN_FLIGHT)
    )
    return sa.and_(col(Item.status).in_([s.value for s in NEEDS_REPLY]), ~in_flight)


def lock_item(session: Session, item_id: int, agent: str | None, now: datetime) -> Item:
    """Load the item with its row lock. On PostgreSQL wait at most `LOCK_WAIT_MS`, then say
    who holds it (ConflictError) instead of hanging behind a stuck transaction."""
    bind = session.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        session.execute(sa.select(sa.func.set_config("lock_timeout", f"{LOCK_WAIT_MS}ms", True)))
    try:
        item = session.get(Item, item_id, with_for_update=True, populate_existing=True)
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
            raise
        raise ConflictError(_busy_message(bind, item_id, agent, now)) from None
    if item is None:
        raise NotFoundError(f"no item with id {item_id}")
    return item


def _busy_message(bind: Any, item_id: int, agent: str | None, now: datetime) -> str:
    # The failed statement aborted our transaction: read who holds it on a fresh one.
    with Session(bind) as fresh:
        item = fresh.get(Item, item_id)
        if item is not None and holder(item, agent, now):
            return held_message(item)
    return "someone else is changing this item right now; try again in a moment"


def _take(session: Session, item: Item, agent: str | None, now: datetime, minutes: float) -> bool:
    """Write the claim if the row is still free and unchanged since we read it."""
    taken = session.execute(
        sa.update(Item)
        .where(col(Item.id) == item.id, col(Item.version) == item.version, free_clause(agent, now))
        .values(
            assignee=agent,
            claimed_until=now + timedelta(minutes=minutes),
            version=col(Item.version) + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.refresh(item)
    return True


def _log(session: Session, item: Item, agent: str | None, now: datetime) -> None:
    assert item.claimed_until is not None
    data = {"assignee": agent, "claim": True, "until": item.claimed_until.isoformat()}
    session.add(Event(item_id=item.id, kind=EventKind.ASSIGNED, actor=agent, at=now, data=data))


def claim(engine: Engine, item_id: int, agent: str | None, now: datetime, minutes: float) -> Item:
    """Take one item (or extend our own claim); ConflictError while another agent holds it."""
    return _hold(engine, item_id, agent, now, minutes, log_extension=True)


def _hold(
    engine: Engine,
    item_id: int,
    agent: str | None,
    now: datetime,
    minutes: float,
    *,
    log_extension: bool,
) -> Item:
    """Claim the item until `now + minutes`. A new claim is always logged; extending our own
    live claim is logged only when `log_extension` (a person's claim, not a heartbeat)."""
    with write_scope(engine) as session:
        item = lock_item(session, item_id, agent, now)
        if holder(item, agent, now):
            raise ConflictError(held_message(item))
        until = item.claimed_until
        live = item.assignee == agent and until is not None and until > now
        if not _take(session, item, agent, now, minutes):
            raise ConflictError(f"item {item_id} was claimed by someone else; reload it")
        if log_extension or not live:
            _log(session, item, agent, now)
        session.flush()
        session.expunge(item)
        return item


def claim_next(
    engine: Engine,
    agent: str | None,
    now: datetime,
    minutes: float,
    *,
    where: Sequence[sa.ColumnElement[bool]],
    order: Sequence[Any],
    join_account: bool = False,
) -> Item | None:
    """Claim the first item in `order` matching `where` that needs a reply and that no other
    agent holds; None when there is none. Rows other transactions hold are skipped, not
    waited for, so any number of agents can pull from one queue at once."""
    skipped: list[int] = []
    with write_scope(engine) as session:
        while True:
            query = sa.select(Item).where(
                *where, unanswered_clause(), free_clause(agent, now), col(Item.id).not_in(skipped)
            )
            if join_account:
                query = query.join(SourceAccount, col(SourceAccount.id) == col(Item.account_id))
            query = (
                query.order_by(*order)
                .limit(1)
                .with_for_update(skip_locked=True, of=Item)
                .execution_options(populate_existing=True)
            )
            item: Item | None = session.execute(query).scalars().first()
            if item is None:
                return None
            # PostgreSQL re-checks a row it had to wait for against its new version, but the
            # reply subquery against the statement's older snapshot: ask again, afresh.
            if not _still_unanswered(session, item) or not _take(
                session, item, agent, now, minutes
            ):
                assert item.id is not None
                skipped.append(item.id)
                continue
            _log(session, item, agent, now)
            session.flush()
            session.expunge(item)
            return item


def _still_unanswered(session: Session, item: Item) -> bool:
    found = session.execute(
        sa.select(col(Item.id)).where(col(Item.id) == item.id, unanswered_clause())
    ).first()
    return found is not None


def renew(engine: Engine, item_id: int, agent: str | None, now: datetime, minutes: float) -> Item:
    """The heartbeat of an open composer: push our claim's end to `now + minutes`. Silent
    while our claim is live; a lapsed one is taken again (and logged) if nobody else has;
    ConflictError when someone else took the item meanwhile."""
    return _hold(engine, item_id, agent, now, minutes, log_extension=False)


def refuse_if_answered(session: Session, item: Item, replaces: int | None) -> None:
    """ConflictError when queueing a reply would answer the item a second time: it already
    shows as replied (our sent reply or one seen on the platform). Editing a sent reply
    (`replaces`) is not a second answer. Call with the item's row locked."""
    if replaces is None and item.status == ItemStatus.REPLIED:
        sent = session.execute(
            sa.select(col(Reply.id))
            .where(col(Reply.item_id) == item.id, col(Reply.state) == ReplyState.SENT)
            .order_by(col(Reply.id).desc())
        ).first()
        hint = f"; edit reply {sent[0]} instead" if sent else ""
        raise ConflictError(f"this item has already been answered{hint}")
