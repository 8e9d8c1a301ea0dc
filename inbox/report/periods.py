"""Report periods (a month, an ISO week), the ones before them, and local days in SQL.

Every report counts the items whose response clock started in the period, in the working-hours
time zone: the same cohort as `inbox sla`, so volume, themes and SLA figures add up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

import sqlalchemy as sa

from inbox.sla import Period, parse_period

EPOCH_DAY = date(1970, 1, 1)
_STEP = timedelta(minutes=15)  # every real zone changes its offset on a quarter hour


def month_period(text: str | None, zone: Any, now: datetime) -> Period:
    """`2026-10`, or the last complete month when None (a report is about a finished month)."""
    if text is None:
        first = now.astimezone(zone).date().replace(day=1)
        text = (first - timedelta(days=1)).strftime("%Y-%m")
    if len(text.strip()) != 7:
        raise ValueError(f"month {text!r}: use YYYY-MM, e.g. 2026-10")
    return parse_period(text, zone=zone, now=now)


def week_period(text: str | None, zone: Any, now: datetime) -> Period:
    """`2026-W43`, or the last complete ISO week when None (Monday's update is about last week)."""
    if text is None:
        last = now.astimezone(zone).date() - timedelta(days=7)
        year, week, _day = last.isocalendar()
        text = f"{year}-W{week:02d}"
    if "W" not in text.upper():
        raise ValueError(f"week {text!r}: use YYYY-Www, e.g. 2026-W43")
    return parse_period(text, zone=zone, now=now)


def previous_periods(period: Period, kind: str, zone: Any, count: int) -> list[Period]:
    """The `count` months or weeks before `period`, newest first."""
    out: list[Period] = []
    current = period
    for _ in range(count):
        local_start = current.start.astimezone(zone).date()
        if kind == "monthly":
            before = local_start - timedelta(days=1)
            label = before.strftime("%Y-%m")
        else:
            before = local_start - timedelta(days=7)
            year, week, _day = before.isocalendar()
            label = f"{year}-W{week:02d}"
        current = parse_period(label, zone=zone, now=current.start)
        out.append(current)
    return out


@dataclass(frozen=True)
class Buckets:
    """Consecutive periods, newest first: bucket 0 is the report's period, 1 the one before…;
    items from `since` up to the oldest period (history for spike baselines) get the bucket
    after the last period's."""

    periods: tuple[Period, ...]
    since: datetime

    @property
    def start(self) -> datetime:
        return min(self.since, self.periods[-1].start)

    @property
    def end(self) -> datetime:
        return self.periods[0].end

    @property
    def history(self) -> int:
        return len(self.periods)

    def expression(self, column: Any) -> sa.ColumnElement[int]:
        """The bucket number of a timestamp column already restricted to [start, end)."""
        whens = [(column >= p.start, index) for index, p in enumerate(self.periods)]
        return sa.case(*whens, else_=self.history)


def utc_offsets(zone: Any, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """(from epoch second, UTC offset in seconds) for each offset the zone has in the window."""
    moment = start.astimezone(UTC)
    offset = _offset(zone, moment)
    out = [(int(moment.timestamp()), offset)]
    while moment < end:
        moment += _STEP
        now_offset = _offset(zone, moment)
        if now_offset != offset:
            # the change happened in the last step: find its second
            low, high = moment - _STEP, moment
            while (high - low).total_seconds() > 1:
                mid = low + (high - low) / 2
                if _offset(zone, mid) == offset:
                    low = mid
                else:
                    high = mid
            out.append((int(high.timestamp()), now_offset))
            offset = now_offset
    return out


def _offset(zone: Any, moment: datetime) -> int:
    delta = moment.astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta else 0


def local_day(seconds: Any, zone: Any, start: datetime, end: datetime) -> sa.ColumnElement[int]:
    """Local calendar day of an epoch-seconds expression, as days since 1970-01-01.

    Integer arithmetic on each offset segment (one for India, two or three across a DST
    change), so grouping by day is plain SQL on SQLite and PostgreSQL alike."""
    segments = utc_offsets(zone, start, end)
    day = 86_400

    def days(offset: int) -> sa.ColumnElement[int]:
        return sa.cast((seconds + offset) // day, sa.BigInteger)

    if len(segments) == 1:
        return days(segments[0][1])
    whens = [(seconds < nxt[0], days(seg[1])) for seg, nxt in pairwise(segments)]
    return sa.case(*whens, else_=days(segments[-1][1]))


def day_of(number: int) -> date:
    return EPOCH_DAY + timedelta(days=int(number))


def day_number(day: date) -> int:
    return (day - EPOCH_DAY).days


def local_dates(period: Period, zone: Any) -> list[date]:
    """Every local date in the period."""
    first = period.start.astimezone(zone).date()
    last = (period.end - timedelta(seconds=1)).astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
