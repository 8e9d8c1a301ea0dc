"""The response SLA, counted in working time, computed in SQL from items and their replies.

Working time between two instants is W(b) − W(a), where W(t) is the working time elapsed from
a fixed origin to t. W is piecewise linear: it grows only inside working intervals. So the
calendar (zone, split shifts, weekdays, holidays, closed and open dates) becomes a small table
of intervals with the working time before each (`work_interval`), and W(t) is one indexed
lookup in it. Every figure is then plain SQL over the items, for SQLite and PostgreSQL alike,
and changing the calendar recomputes all history. The definitions are in docs/sla.md.
"""

from __future__ import annotations

import calendar as calendar_module
import enum
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from inbox.calendar import WorkingCalendar
from inbox.config import Config
from inbox.models import Item, ItemStatus, Reply, ReplyState, SourceAccount, Tag, TagOrigin, utcnow

Clock = Callable[[], datetime]
SLACK_DAYS = 3  # calendar margin around the period, for clocks started just before it


class Dimension(enum.StrEnum):
    PLATFORM = "platform"
    ACCOUNT = "account"
    AGENT = "agent"
    THEME = "theme"


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, with the label the user asked for."""

    start: datetime
    end: datetime
    label: str


def parse_period(
    text: str | None,
    *,
    zone: Any,
    now: datetime,
    week: bool = False,
    start: date | None = None,
    end: date | None = None,
) -> Period:
    """`2026-10` (a month), `2026-W43` (an ISO week), `--week` (this week so far),
    `--from/--to` dates (inclusive), or nothing (this month so far); in the calendar's zone."""
    local_now = now.astimezone(zone)
    if start or end:
        if not (start and end):
            raise ValueError("give both --from and --to")
        if end < start:
            raise ValueError("--to is before --from")
        return _local(start, end + timedelta(days=1), zone, f"{start} – {end}")
    if week:
        monday = local_now.date() - timedelta(days=local_now.weekday())
        return _local(monday, monday + timedelta(days=7), zone, f"week of {monday}")
    if text is None:
        first = local_now.date().replace(day=1)
        return _local(first, _next_month(first), zone, first.strftime("%Y-%m"))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", text.strip()):
        first = date(int(m[1]), int(m[2]), 1)
        return _local(first, _next_month(first), zone, first.strftime("%Y-%m"))
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", text.strip(), re.IGNORECASE):
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return _local(monday, monday + timedelta(days=7), zone, f"{m[1]}-W{m[2]}")
    raise ValueError(f"period {text!r}: use YYYY-MM (a month) or YYYY-Www (an ISO week)")


def _next_month(first: date) -> date:
    days = calendar_module.monthrange(first.year, first.month)[1]
    return first + timedelta(days=days)


def _local(a: date, b: date, zone: Any, label: str) -> Period:
    start = datetime.combine(a, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(b, datetime.min.time(), zone).astimezone(UTC)
    return Period(start, end, label)


@dataclass
class SlaFigures:
    """SLA figures for one group of items (all, one platform, one agent…)."""

    group: str
    items: int = 0  # clocks started in the period, excluding no-reply-needed
    responded: int = 0
    within_target: int = 0
    late: int = 0  # responded after the target
    open_breached: int = 0  # not responded, already past the target: counts as a miss
    open_due_soon: int = 0  # not responded, due within `due_soon_hours`
    open_pending: int = 0  # not responded, not yet due
    no_reply_needed: int = 0  # excluded from every rate, counted apart
    mean_hours: float | None = None
    median_hours: float | None = None
    p90_hours: float | None = None

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.items if self.items else None

    @property
    def percent_within_target(self) -> float | None:
        """Answered in time among items whose outcome is known: answered, or already late."""
        decided = self.within_target + self.late + self.open_breached
        return 100.0 * self.within_target / decided if decided else None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["response_rate"] = self.response_rate
        out["percent_within_target"] = self.percent_within_target
        return out


@dataclass
class SlaReport:
    period: Period
    target_hours: float
    overall: SlaFigures
    groups: list[SlaFigures] = field(default_factory=list)
    dimension: Dimension | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "target_hours": self.target_hours,
            "overall": self.overall.as_dict(),
            "by": self.dimension.value if self.dimension else None,
            "groups": [g.as_dict() for g in self.groups],
        }


# ----- the calendar as a table ------------------------------------------------------------
_intervals = sa.table(
    "work_interval",
    sa.column("start_s", sa.BigInteger),
    sa.column("end_s", sa.BigInteger),
    sa.column("cum_s", sa.BigInteger),
)


def interval_rows(calendar: WorkingCalendar, first: date, last: date) -> list[dict[str, int]]:
    """Working intervals from `first` to `last` (local dates), as epoch seconds, each with the
    working time before it (from `first`)."""
    rows: list[dict[str, int]] = []
    cum = 0
    day = first
    while day <= last:
        for a, b in calendar.spans(day):
            start, end = int(a.timestamp()), int(b.timestamp())
            if end <= start:
                continue
            if rows and start < rows[-1]["end_s"]:  # overlapping hours: merge
                start = rows[-1]["end_s"]
                if end <= start:
                    continue
            rows.append({"start_s": start, "end_s": end, "cum_s": cum})
            cum += end - start
        day += timedelta(days=1)
    return rows


def _load_calendar(conn: Connection, rows: list[dict[str, int]]) -> None:
    conn.execute(sa.text("DROP TABLE IF EXISTS work_interval"))
    conn.execute(
        sa.text(
            "CREATE TEMPORARY TABLE work_interval "
            "(start_s BIGINT PRIMARY KEY, end_s BIGINT NOT NULL, cum_s BIGINT NOT NULL)"
        )
    )
    if rows:
        conn.execute(
            sa.text("INSERT INTO work_interval VALUES (:start_s, :end_s, :cum_s)"),
            rows,
        )


def epoch(column: Any, dialect: str) -> sa.ColumnElement[Any]:
    """Seconds since 1970 of a UTC timestamp column, as an integer, in either database."""
    if dialect == "sqlite":
        return sa.cast(sa.func.strftime("%s", column), sa.BigInteger)
    return sa.cast(sa.func.floor(sa.extract("epoch", column)), sa.BigInteger)


def worked(t: Any) -> sa.ColumnElement[Any]:
    """W(t): working seconds from the table's origin to `t` (epoch seconds)."""
    last = (
        sa.select(
            sa.case(
                (
                    t >= _intervals.c.end_s,
                    _intervals.c.cum_s + _intervals.c.end_s - _intervals.c.start_s,
                ),
                else_=_intervals.c.cum_s + t - _intervals.c.start_s,
            )
        )
        .where(_intervals.c.start_s <= t)
        .order_by(_intervals.c.start_s.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(last, 0)


# ----- figures -------------------------------------------------------------------------------
@dataclass
class SlaCalculator:
    engine: Engine
    config: Config = field(default_factory=Config)
    clock: Clock = utcnow

    def __post_init__(self) -> None:
        self.calendar = WorkingCalendar.from_config(self.config.working_hours)

    @property
    def target_seconds(self) -> int:
        return round(self.config.sla.target_hours * 3600)

    def report(self, period: Period, by: Dimension | None = None) -> SlaReport:
        overall = self._figures(period, None)
        groups = self._figures(period, by) if by else []
        total = overall[0] if overall else SlaFigures("all")
        total.group = "all"
        return SlaReport(period, self.config.sla.target_hours, total, groups, by)

    def _published_account_ids(self) -> list[int]:
        names = [s.name for s in self.config.sources if s.sla_clock_stops == "published"]
        if not names:
            return []
        account = SourceAccount.__table__  # type: ignore[attr-defined]
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(account.c.id).where(account.c.name.in_(names)))
            return [int(r[0]) for r in rows]

    def _figures(self, period: Period, by: Dimension | None) -> list[SlaFigures]:
        dialect = self.engine.dialect.name
        now = self.clock()
        first = (period.start - timedelta(days=SLACK_DAYS)).astimezone(self.calendar.zone).date()
        last = (
            (max(period.end, now) + timedelta(days=SLACK_DAYS))
            .astimezone(self.calendar.zone)
            .date()
        )
        # Clocks may have started long before the period only for items created before it:
        # those are outside the cohort, so this window covers every W(t) the query needs.
        with self.engine.begin() as conn:
            _load_calendar(conn, interval_rows(self.calendar, first, last))
            query = self._query(period, by, dialect, now)
            rows = conn.execute(query).mappings().all()
            percentiles = self._percentiles(conn, period, by, dialect, now)
            conn.execute(sa.text("DROP TABLE IF EXISTS work_interval"))
        out = []
        for row in rows:
            figures = SlaFigures(
                group=str(row["grp"]) if by else "all",
                items=int(row["items"] or 0),
                responded=int(row["responded"] or 0),
                within_target=int(row["within_target"] or 0),
                late=int(row["late"] or 0),
                open_breached=int(row["open_breached"] or 0),
                open_due_soon=int(row["open_due_soon"] or 0),
                open_pending=int(row["open_pending"] or 0),
                no_reply_needed=int(row["no_reply_needed"] or 0),
                mean_hours=_hours(row["mean_s"]),
            )
            median, p90 = percentiles.get(row["grp"] if by else "all", (None, None))
            figures.median_hours, figures.p90_hours = median, p90
            out.append(figures)
        out.sort(key=lambda f: (-f.items, f.group))
        return out

    def _cohort(self, period: Period, by: Dimension | None, dialect: str, now: datetime) -> Any:
        """One row per item whose clock started in the period (per group member for `by`):
        its group, status, response time and elapsed working time, in seconds."""
        item, reply = Item.__table__, Reply.__table__  # type: ignore[attr-defined]
        account = SourceAccount.__table__  # type: ignore[attr-defined]
        stop_time: Any = reply.c.sent_at
        published = self._published_account_ids()
        if published:
            # App Store replies go live after review: for such sources the clock stops then.
            stop_time = sa.case(
                (item.c.account_id.in_(published), reply.c.published_at), else_=reply.c.sent_at
            )
        answered = sa.and_(
            reply.c.item_id == item.c.id,
            reply.c.state.in_((ReplyState.SENT, ReplyState.REPLACED)),
            reply.c.sent_at >= item.c.clock_started_at,
        )
        first_stop = (
            sa.select(sa.func.min(epoch(stop_time, dialect))).where(answered).scalar_subquery()
        )
        started = epoch(item.c.clock_started_at, dialect)
        columns: list[Any] = [
            item.c.id.label("item_id"),
            item.c.status.label("status"),
            started.label("started_s"),
            first_stop.label("stopped_s"),
        ]
        frm: Any = item
        if by is Dimension.PLATFORM:
            columns.append(item.c.platform.label("grp"))
        elif by is Dimension.ACCOUNT:
            frm = item.join(account, account.c.id == item.c.account_id)
            columns.append(account.c.name.label("grp"))
        elif by is Dimension.AGENT:
            first_agent = (
                sa.select(sa.func.coalesce(reply.c.agent, "(on the platform)"))
                .where(answered)
                .order_by(reply.c.sent_at, reply.c.id)
                .limit(1)
                .scalar_subquery()
            )
            columns.append(sa.func.coalesce(first_agent, "(nobody yet)").label("grp"))
        elif by is Dimension.THEME:
            tags = _effective_tags()
            frm = item.join(tags, tags.c.item_id == item.c.id)
            columns.append(tags.c.theme.label("grp"))
        else:
            columns.append(sa.literal("all").label("grp"))
        return (
            sa.select(*columns)
            .select_from(frm)
            .where(
                item.c.clock_started_at >= period.start,
                item.c.clock_started_at < period.end,
            )
            .subquery("cohort")
        )

    def _timed(self, period: Period, by: Dimension | None, dialect: str, now: datetime) -> Any:
        cohort = self._cohort(period, by, dialect, now)
        start_w = worked(cohort.c.started_s)
        return (
            sa.select(
                cohort.c.grp,
                cohort.c.status,
                (worked(cohort.c.stopped_s) - start_w).label("response_s"),
                cohort.c.stopped_s,
                (worked(sa.literal(int(now.timestamp()))) - start_w).label("elapsed_s"),
                (worked(sa.literal(int((now + self._due_soon()).timestamp()))) - start_w).label(
                    "elapsed_soon_s"
                ),
            )
            .select_from(cohort)
            .subquery("timed")
        )

    def _due_soon(self) -> timedelta:
        return timedelta(hours=self.config.sla.due_soon_hours)

    def _query(self, period: Period, by: Dimension | None, dialect: str, now: datetime) -> Any:
        t = self._timed(period, by, dialect, now)
        target = self.target_seconds
        excluded = t.c.status == ItemStatus.NO_REPLY_NEEDED
        counted = ~excluded
        responded = sa.and_(counted, t.c.stopped_s.is_not(None))
        unanswered = sa.and_(counted, t.c.stopped_s.is_(None))

        def count(condition: Any) -> Any:
            return sa.func.sum(sa.case((condition, 1), else_=0))

        return sa.select(
            t.c.grp.label("grp"),
            count(counted).label("items"),
            count(responded).label("responded"),
            count(sa.and_(responded, t.c.response_s <= target)).label("within_target"),
            count(sa.and_(responded, t.c.response_s > target)).label("late"),
            count(sa.and_(unanswered, t.c.elapsed_s > target)).label("open_breached"),
            count(sa.and_(unanswered, t.c.elapsed_s <= target, t.c.elapsed_soon_s > target)).label(
                "open_due_soon"
            ),
            count(sa.and_(unanswered, t.c.elapsed_s <= target)).label("open_pending"),
            count(excluded).label("no_reply_needed"),
            sa.func.avg(sa.case((responded, t.c.response_s), else_=None)).label("mean_s"),
        ).group_by(t.c.grp)

    def _percentiles(
        self, conn: Connection, period: Period, by: Dimension | None, dialect: str, now: datetime
    ) -> dict[Any, tuple[float | None, float | None]]:
        """Median and p90 response time per group, by rank in SQL (nearest-rank method)."""
        t = self._timed(period, by, dialect, now)
        responded = sa.and_(t.c.status != ItemStatus.NO_REPLY_NEEDED, t.c.stopped_s.is_not(None))
        ranked = (
            sa.select(
                t.c.grp,
                t.c.response_s,
                sa.func.row_number()
                .over(partition_by=t.c.grp, order_by=t.c.response_s)
                .label("rank"),
                sa.func.count().over(partition_by=t.c.grp).label("n"),
            )
            .where(responded)
            .subquery("ranked")
        )
        out: dict[Any, tuple[float | None, float | None]] = {}
        rows = conn.execute(
            sa.select(ranked.c.grp, ranked.c.response_s, ranked.c.rank, ranked.c.n).where(
                sa.or_(_is_rank(ranked, 1, 2), _is_rank(ranked, 9, 10))
            )
        ).all()
        for grp, value, rank, n in rows:
            key = grp if by else "all"
            median, p90 = out.get(key, (None, None))
            if int(rank) == math.ceil(int(n) / 2):
                median = _hours(value)
            if int(rank) == math.ceil(int(n) * 9 / 10):
                p90 = _hours(value)
            out[key] = (median, p90)
        return out


def _is_rank(ranked: Any, num: int, den: int) -> sa.ColumnElement[bool]:
    """rank == ceil(n × num / den), in integers: the nearest-rank percentile."""
    return sa.and_(
        ranked.c.rank * den >= ranked.c.n * num, (ranked.c.rank - 1) * den < ranked.c.n * num
    )


def _hours(seconds: Any) -> float | None:
    return None if seconds is None else round(float(seconds) / 3600, 2)


def effective_tag(tag: Any) -> sa.ColumnElement[bool]:
    """A `tag` row that gives its item its theme: active, and a person's, or of a theme no
    person has set on that item (a person's removal wins over the model's tag)."""
    human = tag.alias("human")
    return sa.and_(
        tag.c.active.is_(True),
        sa.or_(
            tag.c.origin == TagOrigin.HUMAN,
            ~sa.exists().where(
                human.c.item_id == tag.c.item_id,
                human.c.theme == tag.c.theme,
                human.c.origin == TagOrigin.HUMAN,
            ),
        ),
    )


def _effective_tags() -> Any:
    """(item_id, theme) for every theme an item has: a person's add counts, a person's
    removal wins over the model's tag."""
    tag = Tag.__table__  # type: ignore[attr-defined]
    return (
        sa.select(tag.c.item_id, tag.c.theme)
        .where(effective_tag(tag))
        .distinct()
        .subquery("themes")
    )


def working_hours_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
    """The reference computation in Python (docs and tests compare SQL against it)."""
    return calendar.working_seconds(start, end) / 3600


__all__: Sequence[str] = (
    "Dimension",
    "Period",
    "SlaCalculator",
    "SlaFigures",
    "SlaReport",
    "parse_period",
)
