"""The queue operations the TUI and CLI call; the only place (with ingest) that touches SQL."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from inbox import claims, queue_walk
from inbox.calendar import WorkingCalendar
from inbox.config import Config
from inbox.db import TEXT_SEARCH_TABLE, write_scope
from inbox.errors import ConflictError, NotFoundError
from inbox.models import (
    NEEDS_REPLY,
    Escalation,
    Event,
    EventKind,
    Item,
    ItemStatus,
    Reply,
    ReplyOrigin,
    ReplyState,
    SourceAccount,
    Tag,
    TagOrigin,
    utcnow,
)
from inbox.queue_walk import Urgency
from inbox.spikes import Spike, find_spikes
from inbox.textindex import has_text_index, not_indexed

Clock = Callable[[], datetime]
TRIGRAM = 3
"""The shortest search the trigram index can answer."""


class SlaState(enum.StrEnum):
    BREACHED = "breached"
    DUE_SOON = "due_soon"


class Sort(enum.StrEnum):
    URGENT = "urgent"  # escalated, then breached/oldest-due, then newest
    NEWEST = "newest"
    OLDEST = "oldest"
    RATING = "rating"


@dataclass(frozen=True)
class ItemFilter:
    """What the queue shows. Empty fields do not filter."""

    platforms: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    escalated: bool | None = None
    min_rating: int | None = None
    max_rating: int | None = None
    text: str | None = None
    sla: SlaState | None = None
    due_within_hours: float | None = None
    assignee: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    include_snoozed: bool = False
    replied_since: datetime | None = None
    """Only items that got a public response (tool or platform) at or after this time."""


@dataclass(frozen=True)
class ItemRow:
    """One line of the queue."""

    id: int
    platform: str
    account: str
    account_display: str | None
    external_id: str
    author: str | None
    rating: int | None
    title: str | None
    body: str
    language: str | None
    created_at: datetime | None
    clock_started_at: datetime | None
    status: str
    assignee: str | None
    snoozed_until: datetime | None
    escalated: bool
    themes: tuple[str, ...]
    due_at: datetime | None
    claimed_until: datetime | None = None
    """End of the assignee's claim: while it is ahead, they are working on the item."""


@dataclass(frozen=True)
class TagView:
    theme: str
    score: float | None
    origin: str
    active: bool
    created_by: str | None


@dataclass(frozen=True)
class ItemDetail:
    """Everything about one item: the record, its themes, escalations, replies and history."""

    item: Item
    account: SourceAccount
    themes: tuple[str, ...]
    tags: tuple[TagView, ...]
    escalations: tuple[Escalation, ...]
    replies: tuple[Reply, ...]
    events: tuple[Event, ...]
    due_at: datetime | None


@dataclass(frozen=True)
class WeekSla:
    """This week's response SLA for the status bar (the full report comes with `inbox.sla`).

    `responded` counts items whose first public response since their clock started fell in
    this week; `within_target` those answered within the target in working time.
    """

    week_start: datetime
    responded: int
    within_target: int
    breached_open: int
    due_soon_open: int

    @property
    def percent(self) -> float | None:
        """Share answered within target, 0–100; None before the first response of the week."""
        return 100.0 * self.within_target / self.responded if self.responded else None


@dataclass
class InboxService:
    """Queue operations on one database, for one agent, with an injectable clock."""

    engine: Engine
    config: Config = field(default_factory=Config)
    clock: Clock = utcnow
    agent: str | None = None

    def __post_init__(self) -> None:
        self.calendar = WorkingCalendar.from_config(self.config.working_hours)
        if self.agent is None:
            self.agent = self.config.agent_name()

    # ----- SLA helpers -------------------------------------------------------------
    @property
    def _target_seconds(self) -> float:
        return self.config.sla.target_hours * 3600

    def due_at(self, clock_started_at: datetime | None) -> datetime | None:
        if clock_started_at is None:
            return None
        return self.calendar.add(clock_started_at, self._target_seconds)

    def _sla_cutoffs(
        self, within_hours: float, now: datetime | None = None
    ) -> tuple[datetime, datetime]:
        """Clock starts at or before the first are breached; up to the second, due soon."""
        now = now or self.clock()
        breached = self.calendar.subtract(now, self._target_seconds)
        due_soon = self.calendar.subtract(now + timedelta(hours=within_hours), self._target_seconds)
        return breached, due_soon

    # ----- listing -----------------------------------------------------------------
    def _effective_theme_clause(self, theme: str) -> sa.ColumnElement[bool]:
        """Item has `theme`, unless a person removed it; a person's add always counts."""
        human = aliased(Tag)
        return sa.exists().where(
            col(Tag.item_id) == col(Item.id),
            col(Tag.theme) == theme,
            col(Tag.active).is_(True),
            sa.or_(
                col(Tag.origin) == TagOrigin.HUMAN,
                ~sa.exists().where(
                    col(human.item_id) == col(Item.id),
                    col(human.theme) == theme,
                    col(human.origin) == TagOrigin.HUMAN,
                ),
            ),
        )

    def _where(self, f: ItemFilter) -> list[sa.ColumnElement[bool]]:
        c: list[sa.ColumnElement[bool]] = []
        if f.platforms:
            c.append(col(Item.platform).in_(f.platforms))
        if f.accounts:
            c.append(col(SourceAccount.name).in_(f.accounts))
        if f.statuses:
            c.append(col(Item.status).in_(f.statuses))
        if f.languages:
            c.append(col(Item.language).in_(f.languages))
        if f.themes:
            c.append(sa.or_(*(self._effective_theme_clause(t) for t in f.themes)))
        # IN (ids) rather than a correlated EXISTS: escalations are few, items many.
        escalated = col(Item.id).in_(sa.select(col(Escalation.item_id)))
        if f.escalated is True:
            c.append(escalated)
        elif f.escalated is False:
            c.append(~escalated)
        if f.min_rating is not None:
            c.append(col(Item.rating) >= f.min_rating)
        if f.max_rating is not None:
            c.append(col(Item.rating) <= f.max_rating)
        if f.text:
            c.append(self._text_clause(f.text.strip()))
        if f.assignee is not None:
            c.append(col(Item.assignee) == f.assignee)
        if f.since is not None:
            c.append(_published() >= f.since)
        if f.until is not None:
            c.append(_published() < f.until)
        if f.replied_since is not None:
            c.append(
                col(Item.id).in_(
                    sa.select(col(Event.item_id)).where(
                        col(Event.kind) == EventKind.REPLIED,
                        col(Event.at) >= f.replied_since,
                    )
                )
            )
        if not f.include_snoozed:
            c.append(
                sa.or_(
                    col(Item.snoozed_until).is_(None),
                    col(Item.snoozed_until) <= self.clock(),
                )
            )
        window = self._sla_window(f)
        if window is not None:
            after, upto = window
            c.append(col(Item.status).in_([s.value for s in NEEDS_REPLY]))
            if after is not None:
                c.append(col(Item.clock_started_at) > after)
            c.append(col(Item.clock_started_at) <= upto)
        return c

    def _sla_window(
        self, f: ItemFilter, now: datetime | None = None
    ) -> tuple[datetime | None, datetime] | None:
        """The response clocks `f`'s SLA state keeps, after (exclusive) and up to: breached
        is (None, breached cutoff), due soon (breached cutoff, due cutoff); None: no state."""
        if f.sla is None and f.due_within_hours is None:
            return None
        within = f.due_within_hours or self.config.sla.due_soon_hours
        breached_before, due_before = self._sla_cutoffs(within, now)
        if f.sla is SlaState.BREACHED:
            return None, breached_before
        return breached_before, due_before

    @cached_property
    def _text_index(self) -> bool:
        return has_text_index(self.engine)

    def _text_clause(self, needle: str) -> sa.ColumnElement[bool]:
        """`needle` as a case-insensitive substring of the title, body or author."""
        indexed = self._indexed_matches(needle)
        if indexed is not None:
            return col(Item.id).in_(indexed)
        return self._like(needle)

    def _like(self, needle: str) -> sa.ColumnElement[bool]:
        pattern = f"%{_escape_like(needle)}%"
        # SQLite's LIKE already ignores ASCII case, exactly as lower() does: the same
        # matches as ILIKE without a lower() call per row. Elsewhere, ILIKE (which the
        # trigram indexes of PostgreSQL serve as it is).
        sqlite = self.engine.dialect.name == "sqlite"
        return sa.or_(
            *(
                column.like(pattern, escape="\\") if sqlite else column.ilike(pattern, escape="\\")
                for column in (col(Item.body), col(Item.title), col(Item.author))
            )
        )

    def _indexed_matches(self, needle: str) -> sa.CompoundSelect[Any] | None:
        """The ids of the items LIKE would match, from SQLite's trigram index; None where
        that index cannot answer: no index, fewer than three characters, or a NUL (LIKE
        ends the pattern there). The index holds text lowered by SQLite's lower(), so the
        query is lowered by it too (migration 0005 says why that matches LIKE exactly)."""
        if not self._text_index or len(needle) < TRIGRAM or "\x00" in needle:
            return None
        phrase = sa.func.lower(sa.literal(fts_phrase(needle), sa.Text))
        indexed: sa.Select[Any] = (
            sa.select(sa.column("rowid"))
            .select_from(sa.table(TEXT_SEARCH_TABLE))
            .where(sa.column(TEXT_SEARCH_TABLE).match(phrase))
        )
        # Items written since the last ingest are not indexed yet: they are scanned.
        waiting = sa.select(col(Item.id)).where(not_indexed(col(Item.id)), self._like(needle))
        return sa.union_all(indexed, waiting)

    def _urgency(self, now: datetime | None = None) -> Urgency:
        return Urgency(*self._sla_cutoffs(self.config.sla.due_soon_hours, now))

    def _order(self, sort: Sort, urgency: Urgency | None = None) -> list[Any]:
        newest = _published()
        if sort is Sort.NEWEST:
            return [newest.desc(), col(Item.id).desc()]
        if sort is Sort.OLDEST:
            return [newest.asc(), col(Item.id).asc()]
        if sort is Sort.RATING:
            return [col(Item.rating).asc().nulls_last(), newest.desc()]
        rank = (urgency or self._urgency()).rank(Item.__table__)  # type: ignore[attr-defined]
        return [rank.asc(), newest.desc(), col(Item.id).desc()]

    def list_items(
        self,
        f: ItemFilter | None = None,
        *,
        sort: Sort = Sort.URGENT,
        limit: int = 100,
        offset: int = 0,
    ) -> list[ItemRow]:
        """One page of the queue, newest-and-most-urgent first by default."""
        f = f or ItemFilter()
        query = (
            sa.select(Item, col(SourceAccount.name), col(SourceAccount.display_name))
            .join(SourceAccount, col(SourceAccount.id) == col(Item.account_id))
            .where(*self._where(f))
            .order_by(*self._order(sort))
            .limit(limit)
            .offset(offset)
        )
        with Session(self.engine) as session:
            return self._item_rows(session, session.execute(query).all())

    def queue_page(
        self,
        f: ItemFilter | None = None,
        *,
        sort: Sort = Sort.URGENT,
        limit: int = 100,
        offset: int = 0,
    ) -> list[ItemRow]:
        """The same page as `list_items`, read in two steps: the ids in queue order first
        (from indexes, without reading whole rows; walked in order where `queue_walk` can),
        then those rows only. On a large inbox this is what keeps switching views and
        searching fast."""
        f = f or ItemFilter()
        columns = [col(getattr(Item, name)) for name in _ROW_COLUMNS]
        with Session(self.engine) as session:
            ids = self._page_ids(session, f, sort, limit, offset)
            if not ids:
                return []
            # Only the columns a row shows: no ORM objects, no raw payload to parse.
            found = {
                row.id: row
                for row in session.execute(
                    sa.select(*columns, col(SourceAccount.name), col(SourceAccount.display_name))
                    .join(SourceAccount, col(SourceAccount.id) == col(Item.account_id))
                    .where(col(Item.id).in_(ids))
                )
            }
            themes = _themes_for(session, ids)
            escalated = _escalated_ids(session, ids)
        return [
            self._row(found[i], found[i].name, found[i].display_name, themes, escalated)
            for i in ids
            if i in found  # not deleted between the two reads
        ]

    def _page_ids(
        self, session: Session, f: ItemFilter, sort: Sort, limit: int, offset: int
    ) -> list[int]:
        """The ids of one page, in order: walked along the queue order where `queue_walk`
        can (SQLite, urgent order, a view of statuses and SLA states with at most a
        search), else one query whose rows SQLite sorts."""
        if sort is Sort.URGENT and self.engine.dialect.name == "sqlite" and _walkable(f):
            return self._walked_ids(session, f, limit, offset)
        ids_query = sa.select(col(Item.id)).where(*self._queue_where(f))
        if f.accounts:
            ids_query = ids_query.join(SourceAccount, col(SourceAccount.id) == col(Item.account_id))
        ids_query = ids_query.order_by(*self._order(sort)).limit(limit).offset(offset)
        return [int(i) for i in session.execute(ids_query).scalars()]

    def _walked_ids(self, session: Session, f: ItemFilter, limit: int, offset: int) -> list[int]:
        now = self.clock()  # one moment for every cutoff, so that they compare as meant
        urgency = self._urgency(now)
        statuses = list(f.statuses)
        conditions = queue_walk.Conditions(awake_at=None if f.include_snoozed else now)
        window = self._sla_window(f, now)
        if window is not None:
            # As `_where`: waiting items whose clock lies in the state's range.
            needs = [s.value for s in NEEDS_REPLY]
            statuses = [s for s in statuses if s in needs] if statuses else needs
            after, upto = window
            if after is None:  # breached
                conditions = replace(conditions, clock_upto=upto, ranks=_BREACHED)
            else:
                # Due soon: escalated or due soon; the rest of the waiting too when "due
                # within" reaches past the queue's own due-soon cutoff.
                ranks = _DUE | (_REST if upto > urgency.due_before else frozenset())
                conditions = replace(conditions, clock_after=after, clock_upto=upto, ranks=ranks)
        elif not statuses:
            statuses = queue_walk.statuses_present(session)
        needle = (f.text or "").strip()
        if needle:
            if queue_walk.fill_matches(session, self._matching(needle)) <= queue_walk.FEW_MATCHES:
                # Few matches: each looked up by id, then sorted.
                query = (
                    sa.select(col(Item.id))
                    .where(*self._by_matches(sa.select(queue_walk.MATCH.c.id), statuses, f))
                    .order_by(*self._order(Sort.URGENT, urgency))
                    .limit(limit)
                    .offset(offset)
                )
                return [int(i) for i in session.execute(query).scalars()]
            conditions = replace(conditions, matched=True)
        return queue_walk.page_ids(
            session, urgency, statuses, conditions, limit=limit, offset=offset
        )

    def _queue_where(self, f: ItemFilter) -> list[sa.ColumnElement[bool]]:
        """`_where`, with a text search done as its own step: matching ids first, the other
        filters on those. (Left together, SQLite walks the status index and reads every
        row it points to in index order, twice as slow as one sequential scan.)"""
        if not f.text:
            return self._where(f)
        needle = f.text.strip()
        indexed = self._indexed_matches(needle)
        if indexed is None or not set(f.statuses) - {ItemStatus.ESCALATED}:
            matching = indexed if indexed is not None else self._matching(needle)
            return [col(Item.id).in_(matching), *self._where(replace(f, text=None))]
        # Statuses with many items: the index's matches drive, looked up by id, and the status
        # is checked on the row. Without statistics SQLite would rather walk the status index
        # (40,000 entries waiting for a reply at 100,000 items, each checked against the
        # matches): Needs reply searches 23 -> 18 ms on average (bench words). Escalated items
        # are few, and walking them stays cheaper.
        return self._by_matches(indexed, f.statuses, f)

    def _matching(self, needle: str) -> sa.Select[Any] | sa.CompoundSelect[Any]:
        """The ids of the items whose title, body or author holds `needle`."""
        indexed = self._indexed_matches(needle)
        return indexed if indexed is not None else sa.select(col(Item.id)).where(self._like(needle))

    def _by_matches(
        self, matching: Any, statuses: Sequence[str], f: ItemFilter
    ) -> list[sa.ColumnElement[bool]]:
        """`f`'s conditions for a plan driven by the ids `matching` selects, each looked up
        by id: the status is compared as `status || ''`, the same values, which keeps
        SQLite off the status index it would rather walk."""
        return [
            col(Item.id).in_(matching),
            col(Item.status).concat("").in_(statuses),
            *self._where(replace(f, text=None, statuses=())),
        ]

    def count_queue(self, f: ItemFilter | None = None) -> int:
        """`count_items`, planned like `queue_page`."""
        f = f or ItemFilter()
        query = sa.select(sa.func.count()).select_from(Item).where(*self._queue_where(f))
        if f.accounts:
            query = query.join(SourceAccount, col(SourceAccount.id) == col(Item.account_id))
        with Session(self.engine) as session:
            return int(session.execute(query).scalar_one())

    def _item_rows(self, session: Session, rows: Sequence[Any]) -> list[ItemRow]:
        ids = [row[0].id for row in rows]
        themes = _themes_for(session, ids)
        escalated = _escalated_ids(session, ids)
        return [self._row(item, name, display, themes, escalated) for item, name, display in rows]

    def _row(
        self,
        item: Any,
        account: str,
        display: str | None,
        themes: Mapping[int, tuple[str, ...]],
        escalated: Collection[int],
    ) -> ItemRow:
        """A queue row from anything with the item's `_ROW_COLUMNS` (an Item or a result row)."""
        return ItemRow(
            **{name: getattr(item, name) for name in _ROW_COLUMNS},
            account=account,
            account_display=display,
            escalated=item.id in escalated,
            themes=themes.get(item.id, ()),
            due_at=self.due_at(item.clock_started_at) if item.status in NEEDS_REPLY else None,
        )

    def count_items(self, f: ItemFilter | None = None) -> int:
        query = (
            sa.select(sa.func.count())
            .select_from(Item)
            .join(SourceAccount, col(SourceAccount.id) == col(Item.account_id))
            .where(*self._where(f or ItemFilter()))
        )
        with Session(self.engine) as session:
            return int(session.execute(query).scalar_one())

    # ----- one item ----------------------------------------------------------------
    def get_item(self, item_id: int) -> ItemDetail:
        with Session(self.engine) as session:
            item = session.get(Item, item_id)
            if item is None:
                raise NotFoundError(f"no item with id {item_id}")
            account = session.get(SourceAccount, item.account_id)
            assert account is not None
            tags = session.execute(
                sa.select(Tag)
                .where(col(Tag.item_id) == item_id)
                .order_by(col(Tag.theme), col(Tag.origin))
            ).scalars()
            tag_views = tuple(
                TagView(t.theme, t.score, t.origin, t.active, t.created_by) for t in tags
            )
            escalations = tuple(
                session.execute(
                    sa.select(Escalation)
                    .where(col(Escalation.item_id) == item_id)
                    .order_by(col(Escalation.created_at))
                ).scalars()
            )
            replies = tuple(
                session.execute(
                    sa.select(Reply).where(col(Reply.item_id) == item_id).order_by(col(Reply.id))
                ).scalars()
            )
            events = tuple(
                session.execute(
                    sa.select(Event)
                    .where(col(Event.item_id) == item_id)
                    .order_by(col(Event.at), col(Event.id))
                ).scalars()
            )
            themes = _themes_for(session, [item_id]).get(item_id, ())
        return ItemDetail(
            item=item,
            account=account,
            themes=themes,
            tags=tag_views,
            escalations=escalations,
            replies=replies,
            events=events,
            due_at=self.due_at(item.clock_started_at) if item.status in NEEDS_REPLY else None,
        )

    def _change(
        self,
        item_id: int,
        event: EventKind,
        data: dict[str, Any],
        apply: Callable[[Session, Item], None],
        expected_version: int | None = None,
    ) -> Item:
        """Load, check, change, log and bump the version in one transaction."""
        with write_scope(self.engine) as session:
            item = session.get(Item, item_id, with_for_update=True)
            if item is None:
                raise NotFoundError(f"no item with id {item_id}")
            if expected_version is not None and item.version != expected_version:
                raise ConflictError(
                    f"item {item_id} was changed by someone else; reload it and try again"
                )
            apply(session, item)
            item.version += 1
            session.add(item)
            session.add(
                Event(item_id=item_id, kind=event, actor=self.agent, at=self.clock(), data=data)
            )
            session.flush()
            return item

    def set_status(
        self, item_id: int, status: ItemStatus | str, *, note: str | None = None
    ) -> Item:
        status = ItemStatus(status)
        data: dict[str, Any] = {"from": None, "to": status.value, "note": note}

        def apply(_s: Session, item: Item) -> None:
            data["from"] = item.status  # read under the row lock, so the history is exact
            item.status = status

        return self._change(item_id, EventKind.STATUS, data, apply)

    def snooze(self, item_id: int, until: datetime | None) -> Item:
        """Hide the item from the queue until `until` (None wakes it now)."""
        if until is not None and until.tzinfo is None:
            raise ValueError("snooze time needs a time zone")

        def apply(_s: Session, item: Item) -> None:
            item.snoozed_until = until

        return self._change(
            item_id, EventKind.SNOOZED, {"until": until.isoformat() if until else None}, apply
        )

    def assign(self, item_id: int, agent: str | None) -> Item:
        def apply(_s: Session, item: Item) -> None:
            item.assignee = agent

        return self._change(item_id, EventKind.ASSIGNED, {"assignee": agent}, apply)

    @property
    def claim_minutes(self) -> float:
        """How long a claim lasts (`[agent] claim_minutes`)."""
        return self.config.agent.claim_minutes

    def claim(self, item_id: int, minutes: float | None = None) -> Item:
        """Take the item for `minutes` (default: the configured claim length); refused at
        once while another agent's claim is live."""
        minutes = self.claim_minutes if minutes is None else minutes
        return claims.claim(self.engine, item_id, self.agent, self.clock(), minutes)

    def claim_next(
        self,
        f: ItemFilter | None = None,
        *,
        minutes: float | None = None,
        sort: Sort = Sort.URGENT,
    ) -> Item | None:
        """Claim the next item in queue order that needs a reply and nobody else holds
        (None when the queue is done); safe with any number of agents pulling at once."""
        f = f or ItemFilter()
        return claims.claim_next(
            self.engine,
            self.agent,
            self.clock(),
            self.claim_minutes if minutes is None else minutes,
            where=self._queue_where(f),
            order=self._order(sort),
            join_account=bool(f.accounts),
        )

    def renew_claim(self, item_id: int, minutes: float | None = None) -> Item:
        """Keep our claim alive while we work on the item (the composer's heartbeat)."""
        minutes = self.claim_minutes if minutes is None else minutes
        return claims.renew(self.engine, item_id, self.agent, self.clock(), minutes)

    def release(self, item_id: int) -> Item:
        def apply(_s: Session, item: Item) -> None:
            if item.assignee == self.agent:
                item.claimed_until = None

        return self._change(item_id, EventKind.ASSIGNED, {"released": True}, apply)

    def _human_tag(self, item_id: int, theme: str, active: bool) -> Item:
        theme = theme.strip()
        if not theme:
            raise ValueError("theme is empty")

        def apply(session: Session, _item: Item) -> None:
            existing = session.execute(
                sa.select(Tag).where(
                    col(Tag.item_id) == item_id,
                    col(Tag.theme) == theme,
                    col(Tag.origin) == TagOrigin.HUMAN,
                )
            ).scalar_one_or_none()
            tag = existing or Tag(item_id=item_id, theme=theme, origin=TagOrigin.HUMAN)
            tag.active = active
            tag.score = 1.0 if active else 0.0
            tag.created_by = self.agent
            tag.created_at = self.clock()
            session.add(tag)

        return self._change(
            item_id,
            EventKind.RETAGGED,
            {"theme": theme, "action": "add" if active else "remove"},
            apply,
        )

    def add_tag(self, item_id: int, theme: str) -> Item:
        """A person says the item is about `theme`: wins over the model, becomes training data."""
        return self._human_tag(item_id, theme, True)

    def remove_tag(self, item_id: int, theme: str) -> Item:
        """A person says `theme` does not apply: hides model tags; kept as a negative label."""
        return self._human_tag(item_id, theme, False)

    def escalate(
        self,
        item_id: int,
        reasons: Sequence[str],
        *,
        severity: str = "normal",
        note: str | None = None,
    ) -> Item:
        """Hand the item to CX: an escalation row (exported later) and the escalated status."""
        clean = [r.strip() for r in reasons if r.strip()]
        if not clean:
            raise ValueError("an escalation needs at least one reason")

        def apply(session: Session, item: Item) -> None:
            session.add(
                Escalation(
                    item_id=item_id,
                    reasons=clean,
                    severity=severity,
                    note=note,
                    created_by=self.agent,
                    created_at=self.clock(),
                )
            )
            if item.status in (ItemStatus.NEW, ItemStatus.OPEN):
                item.status = ItemStatus.ESCALATED

        return self._change(
            item_id,
            EventKind.ESCALATED,
            {"reasons": clean, "severity": severity, "note": note},
            apply,
        )

    # ----- what the inbox screen needs at a glance -------------------------------------
    def count_many(self, filters: Mapping[str, ItemFilter]) -> dict[str, int]:
        """Counts for several filters (the views' counts). One query each: each can use its
        own index, which beats one pass that evaluates every filter on every row."""
        return {name: self.count_queue(f) for name, f in filters.items()}

    def week_start(self) -> datetime:
        """Monday 00:00 of the current week in the working-hours time zone."""
        zone = self.config.working_hours.zone()
        today = self.clock().astimezone(zone).date()
        monday = today - timedelta(days=today.weekday())
        return datetime.combine(monday, time(0, 0), tzinfo=zone)

    def today_start(self) -> datetime:
        """Midnight today in the working-hours time zone."""
        zone = self.config.working_hours.zone()
        return datetime.combine(self.clock().astimezone(zone).date(), time(0, 0), tzinfo=zone)

    def week_sla(self) -> WeekSla:
        """% answered within target among items first answered this week, and open breaches."""
        start = self.week_start()
        first = (
            sa.select(
                col(Event.item_id),
                sa.func.min(col(Event.at)).label("answered"),
                col(Item.clock_started_at),
            )
            .join(Item, col(Item.id) == col(Event.item_id))
            .where(
                col(Event.kind) == EventKind.REPLIED,
                col(Item.clock_started_at).is_not(None),
                col(Event.at) >= col(Item.clock_started_at),
                # Only items replied to this week can have their first answer this week;
                # their earlier replies still count for the minimum. (Every reply ever was
                # joined to its item before: the figure took 150 ms at 100,000 items, 26 now.)
                col(Event.item_id).in_(
                    sa.select(col(Event.item_id)).where(
                        col(Event.kind) == EventKind.REPLIED, col(Event.at) >= start
                    )
                ),
            )
            .group_by(col(Event.item_id), col(Item.clock_started_at))
            .having(sa.func.min(col(Event.at)) >= start)
        )
        with Session(self.engine) as session:
            rows = session.execute(first).all()
        target = self._target_seconds
        within = sum(
            1
            for _id, answered, started in rows
            if self.calendar.working_seconds(started, answered) <= target
        )
        counts = self.count_many(
            {
                "breached": ItemFilter(sla=SlaState.BREACHED, include_snoozed=True),
                "due": ItemFilter(sla=SlaState.DUE_SOON, include_snoozed=True),
            }
        )
        return WeekSla(start, len(rows), within, counts["breached"], counts["due"])

    def spikes(self) -> list[Spike]:
        """Themes whose volume today is over k × their 4-week daily median ([export] spike_*)."""
        return find_spikes(self.engine, self.config, self.clock())

    def unexported_escalations(self) -> int:
        """Escalations not yet handed to CX (exported_at is empty)."""
        with Session(self.engine) as session:
            return int(
                session.execute(
                    sa.select(sa.func.count())
                    .select_from(Escalation)
                    .where(col(Escalation.exported_at).is_(None))
                ).scalar_one()
            )

    def change_marker(self) -> tuple[int, int, int]:
        """Cheap fingerprint of the database: it moves whenever an item, tag, reply or poll
        changes (every change writes an event, and the outbox moves reply rows)."""
        with Session(self.engine) as session:
            event, reply, active = session.execute(
                sa.select(
                    sa.select(sa.func.max(col(Event.id))).scalar_subquery(),
                    sa.select(sa.func.max(col(Reply.id))).scalar_subquery(),
                    sa.select(sa.func.count())
                    .select_from(Reply)
                    .where(col(Reply.state).in_((ReplyState.QUEUED, ReplyState.SENDING)))
                    .scalar_subquery(),
                )
            ).one()
        return int(event or 0), int(reply or 0), int(active or 0)

    def reply_states(self, item_ids: Sequence[int]) -> dict[int, str]:
        """For each item with a reply of ours on its way or failed: that reply's state."""
        if not item_ids:
            return {}
        with Session(self.engine) as session:
            rows = session.execute(
                sa.select(col(Reply.item_id), col(Reply.state))
                .where(
                    col(Reply.item_id).in_(list(item_ids)),
                    col(Reply.origin) == ReplyOrigin.TOOL,
                    col(Reply.state).in_(
                        (ReplyState.QUEUED, ReplyState.SENDING, ReplyState.FAILED)
                    ),
                )
                .order_by(col(Reply.id))
            ).all()
        return {int(item_id): str(state) for item_id, state in rows}

    def languages(self) -> list[str]:
        """The languages items are written in, for the filter bar."""
        with Session(self.engine) as session:
            rows = session.execute(
                sa.select(col(Item.language))
                .distinct()
                .where(col(Item.language).is_not(None))
                .order_by(col(Item.language))
            ).scalars()
            return [str(r) for r in rows]

    def mark_viewed(self, item_id: int) -> Item | None:
        """Someone opened a new item: it becomes `open` (logged once); None if it was not new."""
        with Session(self.engine) as session:
            status = session.execute(
                sa.select(col(Item.status)).where(col(Item.id) == item_id)
            ).scalar_one_or_none()
        if status is None:
            raise NotFoundError(f"no item with id {item_id}")
        if status != ItemStatus.NEW:
            return None

        def apply(_s: Session, item: Item) -> None:
            if item.status == ItemStatus.NEW:
                item.status = ItemStatus.OPEN

        return self._change(item_id, EventKind.VIEWED, {"from": "new", "to": "open"}, apply)

    # ----- accounts & stats --------------------------------------------------------
    def accounts(self) -> list[SourceAccount]:
        with Session(self.engine) as session:
            return list(
                session.execute(
                    sa.select(SourceAccount).order_by(col(SourceAccount.name))
                ).scalars()
            )

    def stats(self) -> dict[str, Any]:
        """Counts by platform, status, theme and escalation, for `inbox stats`."""
        with Session(self.engine) as session:
            total = session.execute(sa.select(sa.func.count()).select_from(Item)).scalar_one()

            def grouped(column: Any) -> dict[str, int]:
                rows = session.execute(
                    sa.select(column, sa.func.count()).group_by(column).order_by(column)
                )
                return {str(key): int(n) for key, n in rows}

            by_platform = grouped(col(Item.platform))
            by_status = grouped(col(Item.status))
            by_account = {
                str(name): int(n)
                for name, n in session.execute(
                    sa.select(col(SourceAccount.name), sa.func.count(col(Item.id)))
                    .join(Item, col(Item.account_id) == col(SourceAccount.id))
                    .group_by(col(SourceAccount.name))
                    .order_by(col(SourceAccount.name))
                )
            }
            escalated = session.execute(
                sa.select(sa.func.count(sa.distinct(col(Escalation.item_id))))
            ).scalar_one()
            quarantined = session.execute(
                sa.select(sa.func.count()).select_from(sa.table("quarantine"))
            ).scalar_one()
            all_ids = [r[0] for r in session.execute(sa.select(col(Item.id)))]
            themes: Counter[str] = Counter()
            for item_themes in _themes_for(session, all_ids).values():
                themes.update(item_themes)
        needs = sum(by_status.get(s.value, 0) for s in NEEDS_REPLY)
        return {
            "total": int(total),
            "by_platform": by_platform,
            "by_account": by_account,
            "by_status": by_status,
            "by_theme": dict(sorted(themes.items())),
            "escalated": int(escalated),
            "needs_reply": needs,
            "quarantined": int(quarantined),
        }


_ROW_COLUMNS = (
    "id",
    "platform",
    "external_id",
    "author",
    "rating",
    "title",
    "body",
    "language",
    "created_at",
    "clock_started_at",
    "status",
    "assignee",
    "snoozed_until",
    "claimed_until",
)


def _published() -> sa.ColumnElement[datetime]:
    """When the item appeared: platform creation time, else its last edit (Play and the
    iTunes feed only give that), else when we first saw it."""
    return queue_walk.published(Item.__table__)  # type: ignore[attr-defined]


def _walkable(f: ItemFilter) -> bool:
    """A view of statuses or SLA states (or all items), with at most a search, snoozed
    items left out or in: conditions the walked index holds."""
    plain = replace(
        f, statuses=(), text=None, include_snoozed=False, sla=None, due_within_hours=None
    )
    return plain == ItemFilter()


# The ranks (queue_walk.Urgency) an item in the Breached or Due soon view can have: escalated
# and breached; escalated and due soon (and with a wider "due within", the rest).
_BREACHED = frozenset({0, 1})
_DUE = frozenset({0, 2})
_REST = frozenset({3})


def fts_phrase(text: str) -> str:
    """`text` as one FTS5 phrase, every character literal: inside double quotes FTS5 reads
    no operators (AND, NEAR, *, -, parentheses, column filters), and a quote is doubled.
    With the trigram tokenizer a phrase matches wherever `text` is a substring."""
    return '"' + text.replace('"', '""') + '"'


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _themes_for(session: Session, item_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """Effective themes per item: human rows win over model/rule rows for the same theme."""
    if not item_ids:
        return {}
    found: dict[int, dict[str, tuple[bool, bool]]] = {}
    for chunk_start in range(0, len(item_ids), 900):
        chunk = list(item_ids[chunk_start : chunk_start + 900])
        rows = session.execute(
            sa.select(col(Tag.item_id), col(Tag.theme), col(Tag.origin), col(Tag.active)).where(
                col(Tag.item_id).in_(chunk)
            )
        )
        for item_id, theme, origin, active in rows:
            per_item = found.setdefault(item_id, {})
            is_human = origin == TagOrigin.HUMAN
            current = per_item.get(theme)
            if current is None or (is_human and not current[0]):
                per_item[theme] = (is_human, bool(active))
    return {
        item_id: tuple(sorted(t for t, (_h, active) in themes.items() if active))
        for item_id, themes in found.items()
    }


def _escalated_ids(session: Session, item_ids: Sequence[int]) -> set[int]:
    if not item_ids:
        return set()
    rows = session.execute(
        sa.select(col(Escalation.item_id)).where(col(Escalation.item_id).in_(list(item_ids)))
    )
    return {r[0] for r in rows}
