"""The queue operations the TUI and CLI call; the only place (with ingest) that touches SQL."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session

from inbox.calendar import WorkingCalendar
from inbox.config import Config
from inbox.db import session_scope
from inbox.errors import ConflictError, NotFoundError
from inbox.models import (
    NEEDS_REPLY,
    Escalation,
    Event,
    EventKind,
    Item,
    ItemStatus,
    Reply,
    SourceAccount,
    Tag,
    TagOrigin,
    utcnow,
)

Clock = Callable[[], datetime]


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

    def _sla_cutoffs(self, within_hours: float) -> tuple[datetime, datetime]:
        """Clock starts at or before the first are breached; up to the second, due soon."""
        now = self.clock()
        breached = self.calendar.subtract(now, self._target_seconds)
        due_soon = self.calendar.subtract(now + timedelta(hours=within_hours), self._target_seconds)
        return breached, due_soon

    # ----- listing -----------------------------------------------------------------
    def _effective_theme_clause(self, theme: str) -> sa.ColumnElement[bool]:
        """Item has `theme`, unless a person removed it; a person's add always counts."""
        human = aliased(Tag)
        return sa.exists().where(
            Tag.item_id == Item.id,  # type: ignore[arg-type]
            Tag.theme == theme,  # type: ignore[arg-type]
            Tag.active.is_(True),  # type: ignore[attr-defined]
            sa.or_(
                Tag.origin == TagOrigin.HUMAN,  # type: ignore[arg-type]
                ~sa.exists().where(
                    human.item_id == Item.id,  # type: ignore[arg-type]
                    human.theme == theme,  # type: ignore[arg-type]
                    human.origin == TagOrigin.HUMAN,  # type: ignore[arg-type]
                ),
            ),
        )

    def _where(self, f: ItemFilter) -> list[sa.ColumnElement[bool]]:
        c: list[sa.ColumnElement[bool]] = []
        if f.platforms:
            c.append(Item.platform.in_(f.platforms))  # type: ignore[attr-defined]
        if f.accounts:
            c.append(SourceAccount.name.in_(f.accounts))  # type: ignore[attr-defined]
        if f.statuses:
            c.append(Item.status.in_(f.statuses))  # type: ignore[attr-defined]
        if f.languages:
            c.append(Item.language.in_(f.languages))  # type: ignore[union-attr]
        if f.themes:
            c.append(sa.or_(*(self._effective_theme_clause(t) for t in f.themes)))
        escalated = sa.exists().where(Escalation.item_id == Item.id)  # type: ignore[arg-type]
        if f.escalated is True:
            c.append(escalated)
        elif f.escalated is False:
            c.append(~escalated)
        if f.min_rating is not None:
            c.append(Item.rating >= f.min_rating)  # type: ignore[operator]
        if f.max_rating is not None:
            c.append(Item.rating <= f.max_rating)  # type: ignore[operator]
        if f.text:
            pattern = f"%{_escape_like(f.text.strip())}%"
            c.append(
                sa.or_(
                    Item.body.ilike(pattern, escape="\\"),  # type: ignore[attr-defined]
                    Item.title.ilike(pattern, escape="\\"),  # type: ignore[union-attr]
                    Item.author.ilike(pattern, escape="\\"),  # type: ignore[union-attr]
                )
            )
        if f.assignee is not None:
            c.append(Item.assignee == f.assignee)  # type: ignore[arg-type]
        if f.since is not None:
            c.append(Item.created_at >= f.since)  # type: ignore[operator]
        if f.until is not None:
            c.append(Item.created_at < f.until)  # type: ignore[operator]
        if not f.include_snoozed:
            c.append(
                sa.or_(
                    Item.snoozed_until.is_(None),  # type: ignore[union-attr]
                    Item.snoozed_until <= self.clock(),  # type: ignore[operator]
                )
            )
        if f.sla is not None or f.due_within_hours is not None:
            within = f.due_within_hours or self.config.sla.due_soon_hours
            breached_before, due_before = self._sla_cutoffs(within)
            c.append(Item.status.in_([s.value for s in NEEDS_REPLY]))  # type: ignore[attr-defined]
            if f.sla is SlaState.BREACHED:
                c.append(Item.clock_started_at <= breached_before)  # type: ignore[operator]
            elif f.sla is SlaState.DUE_SOON or f.due_within_hours is not None:
                c.append(Item.clock_started_at > breached_before)  # type: ignore[operator]
                c.append(Item.clock_started_at <= due_before)  # type: ignore[operator]
        return c

    def _order(self, sort: Sort) -> list[Any]:
        newest = sa.func.coalesce(Item.created_at, Item.first_seen_at)
        if sort is Sort.NEWEST:
            return [newest.desc(), Item.id.desc()]  # type: ignore[union-attr]
        if sort is Sort.OLDEST:
            return [newest.asc(), Item.id.asc()]  # type: ignore[union-attr]
        if sort is Sort.RATING:
            return [Item.rating.asc().nulls_last(), newest.desc()]  # type: ignore[union-attr]
        needs = Item.status.in_([s.value for s in NEEDS_REPLY])  # type: ignore[attr-defined]
        breached_before, due_before = self._sla_cutoffs(self.config.sla.due_soon_hours)
        urgency = sa.case(
            (Item.status == ItemStatus.ESCALATED, 0),  # type: ignore[arg-type]
            (sa.and_(needs, Item.clock_started_at <= breached_before), 1),  # type: ignore[operator]
            (sa.and_(needs, Item.clock_started_at <= due_before), 2),  # type: ignore[operator]
            (needs, 3),
            else_=4,
        )
        return [urgency.asc(), newest.desc(), Item.id.desc()]  # type: ignore[union-attr]

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
            sa.select(Item, SourceAccount.name, SourceAccount.display_name)
            .join(SourceAccount, SourceAccount.id == Item.account_id)  # type: ignore[arg-type]
            .where(*self._where(f))
            .order_by(*self._order(sort))
            .limit(limit)
            .offset(offset)
        )
        with Session(self.engine) as session:
            rows = session.execute(query).all()
            ids = [row[0].id for row in rows]
            themes = _themes_for(session, ids)
            escalated = _escalated_ids(session, ids)
        return [
            ItemRow(
                id=item.id,
                platform=item.platform,
                account=name,
                account_display=display,
                external_id=item.external_id,
                author=item.author,
                rating=item.rating,
                title=item.title,
                body=item.body,
                language=item.language,
                created_at=item.created_at,
                clock_started_at=item.clock_started_at,
                status=item.status,
                assignee=item.assignee,
                snoozed_until=item.snoozed_until,
                escalated=item.id in escalated,
                themes=themes.get(item.id, ()),
                due_at=self.due_at(item.clock_started_at)
                if item.status in NEEDS_REPLY
                else None,
            )
            for item, name, display in rows
        ]

    def count_items(self, f: ItemFilter | None = None) -> int:
        query = (
            sa.select(sa.func.count())
            .select_from(Item)
            .join(SourceAccount, SourceAccount.id == Item.account_id)  # type: ignore[arg-type]
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
                sa.select(Tag).where(Tag.item_id == item_id).order_by(Tag.theme, Tag.origin)  # type: ignore[arg-type]
            ).scalars()
            tag_views = tuple(
                TagView(t.theme, t.score, t.origin, t.active, t.created_by) for t in tags
            )
            escalations = tuple(
                session.execute(
                    sa.select(Escalation)
                    .where(Escalation.item_id == item_id)  # type: ignore[arg-type]
                    .order_by(Escalation.created_at)  # type: ignore[arg-type]
                ).scalars()
            )
            replies = tuple(
                session.execute(
                    sa.select(Reply).where(Reply.item_id == item_id).order_by(Reply.id)  # type: ignore[arg-type]
                ).scalars()
            )
            events = tuple(
                session.execute(
                    sa.select(Event)
                    .where(Event.item_id == item_id)  # type: ignore[arg-type]
                    .order_by(Event.at, Event.id)  # type: ignore[arg-type]
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
        with session_scope(self.engine) as session:
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

    def set_status(self, item_id: int, status: ItemStatus | str, *, note: str | None = None) -> Item:
        status = ItemStatus(status)

        def apply(_s: Session, item: Item) -> None:
            item.status = status

        detail = self.get_item(item_id)
        return self._change(
            item_id,
            EventKind.STATUS,
            {"from": detail.item.status, "to": status.value, "note": note},
            apply,
        )

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

    def claim(self, item_id: int, minutes: float = 15) -> Item:
        """Take the item for `minutes`; refused while another agent's claim is live."""
        now = self.clock()

        def apply(_s: Session, item: Item) -> None:
            held = item.claimed_until is not None and item.claimed_until > now
            if held and item.assignee not in (None, self.agent):
                raise ConflictError(
                    f"{item.assignee} is working on this item until "
                    f"{item.claimed_until:%H:%M} UTC"  # type: ignore[union-attr]
                )
            item.assignee = self.agent
            item.claimed_until = now + timedelta(minutes=minutes)

        return self._change(item_id, EventKind.ASSIGNED, {"assignee": self.agent, "claim": True}, apply)

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
                    Tag.item_id == item_id,  # type: ignore[arg-type]
                    Tag.theme == theme,  # type: ignore[arg-type]
                    Tag.origin == TagOrigin.HUMAN,  # type: ignore[arg-type]
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
        """A person says `theme` does not apply: hides model tags for it, kept as a negative label."""
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

    # ----- accounts & stats --------------------------------------------------------
    def accounts(self) -> list[SourceAccount]:
        with Session(self.engine) as session:
            return list(
                session.execute(sa.select(SourceAccount).order_by(SourceAccount.name)).scalars()  # type: ignore[arg-type]
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

            by_platform = grouped(Item.platform)
            by_status = grouped(Item.status)
            by_account = {
                str(name): int(n)
                for name, n in session.execute(
                    sa.select(SourceAccount.name, sa.func.count(Item.id))  # type: ignore[arg-type]
                    .join(Item, Item.account_id == SourceAccount.id)  # type: ignore[arg-type]
                    .group_by(SourceAccount.name)
                    .order_by(SourceAccount.name)
                )
            }
            escalated = session.execute(
                sa.select(sa.func.count(sa.distinct(Escalation.item_id)))
            ).scalar_one()
            quarantined = session.execute(
                sa.select(sa.func.count()).select_from(sa.table("quarantine"))
            ).scalar_one()
            all_ids = [r[0] for r in session.execute(sa.select(Item.id))]  # type: ignore[call-overload]
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
            sa.select(Tag.item_id, Tag.theme, Tag.origin, Tag.active).where(  # type: ignore[call-overload]
                Tag.item_id.in_(chunk)  # type: ignore[attr-defined]
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
        sa.select(Escalation.item_id).where(Escalation.item_id.in_(list(item_ids)))  # type: ignore[call-overload,attr-defined]
    )
    return {r[0] for r in rows}
