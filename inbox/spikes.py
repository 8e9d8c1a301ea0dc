"""Theme spikes: a theme whose volume today exceeds k × its 4-week daily median.

Counted in SQL per theme and local day (the working-hours zone; the zone's offset now is used
for the whole window, so a DST change inside it can move an item by an hour at most).
`[export] spike_factor` (k, default 3) and `spike_min_count` (default 5) tune it: a theme
needs both to be a spike, so a quiet theme going from 0 to 2 is not one.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from inbox.config import Config
from inbox.models import Item, Tag
from inbox.sla import effective_tag

WINDOW_DAYS = 28


@dataclass(frozen=True)
class Spike:
    theme: str
    day: date
    count: int
    median: float
    factor: float

    def sentence(self) -> str:
        usual = f"{self.median:g} a day" if self.median else "almost none"
        return (
            f"{self.theme}: {self.count} items on {self.day:%a %d %b} "
            f"(usually {usual} over the last 4 weeks)"
        )


def spike_baseline(
    by_day: Mapping[int, int],
    day: int,
    *,
    factor: float,
    min_count: int,
    history_from: int | None,
) -> float | None:
    """The 4-week median daily count if `day` is a spike for this theme, else None.

    The one rule of the live alert and the reports. Days are consecutive integers.
    `history_from`: the first day with any data; a day whose four-week baseline reaches
    before it is no spike, since zeros from before the inbox existed are no baseline."""
    if history_from is not None and day - WINDOW_DAYS < history_from:
        return None
    current = by_day.get(day, 0)
    if current < min_count:
        return None
    median = float(statistics.median(by_day.get(day - k, 0) for k in range(1, WINDOW_DAYS + 1)))
    return median if current > factor * median else None


def _as_utc(value: datetime | str) -> datetime:
    """A stored time (SQLite gives text without a zone, meaning UTC) as an aware datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _local_day(column: Any, offset_minutes: int, dialect: str) -> sa.ColumnElement[Any]:
    if dialect == "sqlite":
        return sa.func.date(column, f"{offset_minutes:+d} minutes")
    return sa.func.date(column + sa.text(f"interval '{offset_minutes} minutes'"))


def find_spikes(engine: Engine, config: Config, now: datetime) -> list[Spike]:
    """Themes spiking today (local day of `now`), biggest first."""
    zone = config.working_hours.zone()
    local_now = now.astimezone(zone)
    offset = local_now.utcoffset()
    offset_minutes = int(offset.total_seconds() // 60) if offset else 0
    today = local_now.date()
    since = datetime.combine(today - timedelta(days=WINDOW_DAYS), datetime.min.time(), zone)
    item = Item.__table__  # type: ignore[attr-defined]
    tag = Tag.__table__  # type: ignore[attr-defined]
    when = sa.func.coalesce(item.c.created_at, item.c.updated_at, item.c.first_seen_at)
    day = _local_day(when, offset_minutes, engine.dialect.name).label("day")
    # Items per theme and day, an item counted once per theme however many of its tag rows
    # give it that theme. (Counted from each item's tag rows, not from every item's
    # effective themes worked out first, and grouped by day first: SQLite then reads the tag
    # table in order instead of by theme. 320 -> 180 ms at 100,000 items.)
    query = (
        sa.select(tag.c.theme, day, sa.func.count(sa.distinct(item.c.id)).label("n"))
        .select_from(item.join(tag, tag.c.item_id == item.c.id))
        .where(when >= since, effective_tag(tag))
        .group_by(day, tag.c.theme)
    )
    counts: dict[str, dict[int, int]] = {}
    with engine.connect() as conn:
        for theme, day_value, n in conn.execute(query):
            d = day_value if isinstance(day_value, date) else date.fromisoformat(str(day_value))
            counts.setdefault(theme, {})[d.toordinal()] = int(n)
        first = conn.execute(sa.select(sa.func.min(when))).scalar_one()
    history_from = None if first is None else _as_utc(first).astimezone(zone).date().toordinal()
    factor, minimum = config.export.spike_factor, config.export.spike_min_count
    spikes = []
    for theme, by_day in counts.items():
        median = spike_baseline(
            by_day,
            today.toordinal(),
            factor=factor,
            min_count=minimum,
            history_from=history_from,
        )
        if median is not None:
            spikes.append(Spike(theme, today, by_day[today.toordinal()], median, factor))
    spikes.sort(key=lambda s: (-(s.count - s.median), s.theme))
    return spikes
