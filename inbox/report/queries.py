"""The report's SQL: every figure is a GROUP BY, never a Python loop over items.

Most queries read the report's window (inbox.report.window: the period's items and effective
themes in temporary tables); each returns a few hundred aggregated rows at most. Grouping
expressions are computed in a subquery and grouped on by name outside it: PostgreSQL does not
recognise two copies of an expression holding bound parameters as one GROUP BY key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from inbox.models import Escalation, Item, Reply, ReplyOrigin, ReplyState, Tag
from inbox.report.window import Window, from_epoch

item_t = Item.__table__  # type: ignore[attr-defined]
tag_t = Tag.__table__  # type: ignore[attr-defined]
reply_t = Reply.__table__  # type: ignore[attr-defined]
escalation_t = Escalation.__table__  # type: ignore[attr-defined]


def _group(inner: Any, *keys: str, extra: Sequence[Any] = ()) -> Any:
    """SELECT keys…, COUNT(*), extra… FROM inner GROUP BY keys…"""
    columns = [inner.c[k] for k in keys]
    return sa.select(*columns, sa.func.count(), *extra).group_by(*columns)


# ----- items -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemCell:
    """Items of one period × platform × app version × rating."""

    bucket: int
    platform: str
    app_version: str | None
    rating: int | None
    count: int
    first: datetime | None


def item_cells(w: Window) -> list[ItemCell]:
    """Volume per channel, rating distributions and when each app version first appeared."""
    i = w.items
    query = sa.select(
        i.c.bucket,
        i.c.platform,
        i.c.app_version,
        i.c.rating,
        sa.func.count(),
        sa.func.min(i.c.started_s),
    ).group_by(i.c.bucket, i.c.platform, i.c.app_version, i.c.rating)
    return [
        ItemCell(int(b), str(p), v, None if r is None else int(r), int(n), from_epoch(first))
        for b, p, v, r, n, first in w.conn.execute(query)
    ]


def daily_items(w: Window, first_day: int) -> dict[int, int]:
    """Items per local day (days since 1970) from `first_day` to the end of the window."""
    i = w.items
    query = sa.select(i.c.day, sa.func.count()).where(i.c.day >= first_day).group_by(i.c.day)
    return {int(day): int(n) for day, n in w.conn.execute(query)}


def first_item_at(conn: Connection) -> datetime | None:
    """When the oldest item's clock started: days before it give spikes no baseline."""
    value = conn.execute(sa.select(sa.func.min(item_t.c.clock_started_at))).scalar()
    if value is None or isinstance(value, datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)  # SQLite: MIN() gives text


def themes_seen(
    conn: Connection, themes: Sequence[str], start: datetime, end: datetime
) -> set[str]:
    """Which of `themes` any item of [start, end) carried (any tag origin): whether a theme is
    new. Asked only for the few themes absent from the previous period, through the index on
    tag.theme, so it reads their rare rows and not months of items."""
    found: set[str] = set()
    for theme in themes:
        hit = conn.execute(
            sa.select(tag_t.c.item_id)
            .select_from(tag_t.join(item_t, item_t.c.id == tag_t.c.item_id))
            .where(
                tag_t.c.theme == theme,
                tag_t.c.active.is_(True),
                item_t.c.clock_started_at >= start,
                item_t.c.clock_started_at < end,
            )
            .limit(1)
        ).first()
        if hit is not None:
            found.add(theme)
    return found


def versions_seen(
    conn: Connection, start: datetime, end: datetime, versions: Sequence[tuple[str, str]]
) -> set[tuple[str, str]]:
    """Which (platform, app version) pairs some item of [start, end) carried: a version seen
    before the window is not a new release, whatever its first review inside the window."""
    if not versions:
        return set()
    wanted = sorted({v for _p, v in versions})
    inner = (
        sa.select(item_t.c.platform, item_t.c.app_version)
        .where(
            item_t.c.clock_started_at >= start,
            item_t.c.clock_started_at < end,
            item_t.c.app_version.in_(wanted),
        )
        .subquery("seen")
    )
    rows = conn.execute(sa.select(inner.c.platform, inner.c.app_version).distinct())
    return {(str(p), str(v)) for p, v in rows} & set(versions)


# ----- themes ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ThemeCell:
    bucket: int
    theme: str
    platform: str
    app_version: str | None
    count: int


def theme_cells(w: Window) -> list[ThemeCell]:
    """Items per (period, theme, platform, app version): ranking, change, on which channel
    and after which release a theme grew."""
    i, t = w.items, w.themes
    query = (
        sa.select(i.c.bucket, t.c.theme, i.c.platform, i.c.app_version, sa.func.count())
        .select_from(t.join(i, i.c.id == t.c.item_id))
        .group_by(i.c.bucket, t.c.theme, i.c.platform, i.c.app_version)
    )
    return [
        ThemeCell(int(b), str(th), str(p), v, int(n)) for b, th, p, v, n in w.conn.execute(query)
    ]


def daily_themes(w: Window, first_day: int) -> dict[str, dict[int, int]]:
    """Items per theme per local day from `first_day`: the input of spike detection."""
    i, t = w.items, w.themes
    query = (
        sa.select(t.c.theme, i.c.day, sa.func.count())
        .select_from(t.join(i, i.c.id == t.c.item_id))
        .where(i.c.day >= first_day)
        .group_by(t.c.theme, i.c.day)
    )
    out: dict[str, dict[int, int]] = {}
    for theme, day, n in w.conn.execute(query):
        out.setdefault(str(theme), {})[int(day)] = int(n)
    return out


@dataclass(frozen=True)
class QuoteCandidate:
    theme: str
    item_id: int
    score: float
    title: str | None
    body: str
    author: str | None
    platform: str
    rating: int | None
    at: datetime | None


def quote_candidates(
    w: Window,
    themes: Sequence[str],
    *,
    per_theme: int = 15,
    min_length: int = 30,
    max_length: int = 320,
    ideal_length: int = 140,
) -> list[QuoteCandidate]:
    """The best-scored items of each theme in the period whose text is short to medium, ranked
    in SQL (score to one decimal, then closeness to a readable length); the caller picks
    distinct texts among them."""
    if not themes:
        return []
    i, t = w.items, w.themes
    length = sa.func.length(item_t.c.body)
    ranked = (
        sa.select(
            t.c.theme,
            t.c.item_id,
            t.c.score,
            item_t.c.title,
            item_t.c.body,
            item_t.c.author,
            item_t.c.platform,
            item_t.c.rating,
            i.c.started_s,
            sa.func.row_number()
            .over(
                partition_by=t.c.theme,
                order_by=(
                    sa.func.round(sa.cast(t.c.score, sa.Numeric), 1).desc(),
                    sa.func.abs(length - ideal_length),
                    t.c.item_id.desc(),
                ),
            )
            .label("rank"),
        )
        .select_from(t.join(i, i.c.id == t.c.item_id).join(item_t, item_t.c.id == t.c.item_id))
        .where(
            w.period(0),
            t.c.theme.in_(list(themes)),
            length >= min_length,
            length <= max_length,
        )
        .subquery("ranked")
    )
    rows = w.conn.execute(
        sa.select(ranked).where(ranked.c.rank <= per_theme).order_by(ranked.c.theme, ranked.c.rank)
    ).mappings()
    return [
        QuoteCandidate(
            theme=str(r["theme"]),
            item_id=int(r["item_id"]),
            score=float(r["score"]),
            title=r["title"],
            body=str(r["body"]),
            author=r["author"],
            platform=str(r["platform"]),
            rating=r["rating"],
            at=from_epoch(r["started_s"]),
        )
        for r in rows
    ]


def tag_versions(w: Window) -> list[tuple[str, str, str, int]]:
    """(origin, model version, taxonomy version, tags) over the tags of the period's items."""
    i = w.items
    inner = (
        sa.select(
            tag_t.c.origin,
            sa.func.coalesce(tag_t.c.model_version, "").label("model"),
            sa.func.coalesce(tag_t.c.taxonomy_version, "").label("taxonomy"),
        )
        .select_from(i.join(tag_t, tag_t.c.item_id == i.c.id))
        .where(w.period(0))
        .subquery("versions")
    )
    rows = w.conn.execute(_group(inner, "origin", "model", "taxonomy"))
    return [(str(o), str(m), str(t), int(n)) for o, m, t, n in rows]


# ----- escalations -----------------------------------------------------------------------
def _position(dialect: str, text: Any, needle: str) -> Any:
    return (sa.func.instr if dialect == "sqlite" else sa.func.strpos)(text, needle)


def _reasons_table(dialect: str) -> Any:
    """One row per reason string of an escalation (`reasons` is a JSON list)."""
    if dialect == "sqlite":
        return sa.func.json_each(escalation_t.c.reasons).table_valued("value")
    return sa.func.json_array_elements_text(escalation_t.c.reasons).table_valued("value")


def reason_key(
    value: Any, dialect: str, model_names: Mapping[str, str], reason_ids: Sequence[str]
) -> Any:
    """The reason a reason string stands for, in SQL, so an escalation counts once per reason
    even when both the rule and the model name it:

    - `rule legal_threat matched '…'` → `legal_threat`
    - `model: money not received 0.91` → `money_not_received` (by the taxonomy's names)
    - `repeated_complaint: 3 complaints by …` → `repeated_complaint` (a taxonomy id before ":")
    - anything else (a reason a person typed) → the text itself, cut at 80 characters."""
    matched = _position(dialect, value, " matched ")
    colon = _position(dialect, value, ":")
    model = sa.func.lower(
        sa.func.rtrim(sa.func.rtrim(sa.func.substr(value, 8), "0123456789."), " ")
    )
    model_key: Any = model
    if model_names:
        model_key = sa.case(
            *((model == name.lower(), rid) for name, rid in model_names.items()), else_=model
        )
    head = sa.func.substr(value, 1, colon - 1)
    return sa.case(
        (value.like("rule % matched %"), sa.func.substr(value, 6, matched - 6)),
        (value.like("model: %"), model_key),
        (sa.and_(colon > 1, head.in_(list(reason_ids) or [""])), head),
        else_=sa.func.substr(value, 1, 80),
    )


@dataclass(frozen=True)
class ReasonCell:
    bucket: int
    reason: str
    items: int
    high: int


def escalation_reasons(
    w: Window, model_names: Mapping[str, str], reason_ids: Sequence[str]
) -> list[ReasonCell]:
    """Escalated items per (period, reason); an item counts once per reason."""
    i = w.items
    reasons = _reasons_table(w.dialect)
    inner = (
        sa.select(
            i.c.bucket,
            reason_key(reasons.c.value, w.dialect, model_names, reason_ids).label("reason"),
            i.c.id.label("item_id"),
            escalation_t.c.severity,
        )
        .select_from(
            i.join(escalation_t, escalation_t.c.item_id == i.c.id).join(reasons, sa.true())
        )
        .where(i.c.bucket <= 1)
        .subquery("reasons")
    )
    high = sa.case((inner.c.severity == "high", inner.c.item_id), else_=None)
    query = sa.select(
        inner.c.bucket,
        inner.c.reason,
        sa.func.count(sa.distinct(inner.c.item_id)),
        sa.func.count(sa.distinct(high)),
    ).group_by(inner.c.bucket, inner.c.reason)
    return [ReasonCell(int(b), str(r), int(n), int(h)) for b, r, n, h in w.conn.execute(query)]


def escalated_items(w: Window) -> dict[int, int]:
    """Distinct escalated items per period."""
    i = w.items
    query = (
        sa.select(i.c.bucket, sa.func.count(sa.distinct(i.c.id)))
        .select_from(i.join(escalation_t, escalation_t.c.item_id == i.c.id))
        .group_by(i.c.bucket)
    )
    return {int(b): int(n) for b, n in w.conn.execute(query)}


@dataclass(frozen=True)
class NotableRow:
    item_id: int
    platform: str
    author: str | None
    rating: int | None
    title: str | None
    body: str
    permalink: str | None
    at: datetime | None
    severity: str
    reasons: list[str]


def notable_escalations(w: Window, limit: int) -> list[NotableRow]:
    """The period's escalated items, high severity first, then newest; one row per item."""
    i = w.items
    high_first = sa.case((escalation_t.c.severity == "high", 0), else_=1)
    rows = w.conn.execute(
        sa.select(
            item_t.c.id,
            item_t.c.platform,
            item_t.c.author,
            item_t.c.rating,
            item_t.c.title,
            item_t.c.body,
            item_t.c.permalink,
            i.c.started_s,
            escalation_t.c.severity,
            escalation_t.c.reasons,
        )
        .select_from(
            i.join(item_t, item_t.c.id == i.c.id).join(
                escalation_t, escalation_t.c.item_id == i.c.id
            )
        )
        .where(w.period(0))
        .order_by(high_first, i.c.started_s.desc(), i.c.id.desc(), escalation_t.c.id)
        .limit(limit * 4)
    )
    out: list[NotableRow] = []
    seen: set[int] = set()
    for r in rows:
        if r[0] in seen:
            continue
        seen.add(r[0])
        reasons = [str(x) for x in r[9]] if isinstance(r[9], list) else []
        out.append(
            NotableRow(
                r[0], r[1], r[2], r[3], r[4], r[5] or "", r[6], from_epoch(r[7]), r[8], reasons
            )
        )
    return out[:limit]


# ----- replies ---------------------------------------------------------------------------
def agent_replies(w: Window, start: datetime, end: datetime) -> list[tuple[str, int, int]]:
    """(agent, replies, distinct items) for replies sent from the inbox in [start, end),
    whenever the item arrived: an agent's work in the period."""
    inner = (
        sa.select(
            sa.func.coalesce(reply_t.c.agent, "(unknown)").label("agent"),
            reply_t.c.item_id,
        )
        .where(
            reply_t.c.origin == ReplyOrigin.TOOL,
            reply_t.c.state == ReplyState.SENT,
            reply_t.c.sent_at >= start,
            reply_t.c.sent_at < end,
        )
        .subquery("sent")
    )
    rows = w.conn.execute(
        _group(inner, "agent", extra=[sa.func.count(sa.distinct(inner.c.item_id))])
    )
    return [(str(a), int(n), int(i)) for a, n, i in rows]
