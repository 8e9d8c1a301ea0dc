"""Working time: the calendar the response SLA is counted in (zone, shifts, holidays)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from inbox.config import WEEKDAYS, WorkingHoursConfig

_MAX_DAYS = 3660  # a search that finds no working time in ten years has a broken calendar


@dataclass(frozen=True)
class WorkingCalendar:
    """Which instants count as working time. All public methods take and return aware UTC."""

    zone: ZoneInfo
    weekdays: frozenset[int]
    intervals: tuple[tuple[time, time], ...]
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    closed_dates: frozenset[date] = field(default_factory=frozenset)
    open_dates: frozenset[date] = field(default_factory=frozenset)
    # Each day's working intervals, worked out once: a page of the queue asks for the same
    # few weeks of days a hundred times (holiday lookups and zone conversions each time).
    _days: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @classmethod
    def from_config(cls, cfg: WorkingHoursConfig) -> WorkingCalendar:
        return cls(
            zone=cfg.zone(),
            weekdays=frozenset(WEEKDAYS.index(d) for d in cfg.days),
            intervals=tuple(sorted(cfg.intervals())),
            holiday_country=cfg.holiday_country,
            holiday_subdivision=cfg.holiday_subdivision,
            closed_dates=frozenset(cfg.closed_dates),
            open_dates=frozenset(cfg.open_dates),
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.open_dates:
            return True
        if day in self.closed_dates or day.weekday() not in self.weekdays:
            return False
        return not (
            self.holiday_country
            and day in _holidays(self.holiday_country, self.holiday_subdivision, day.year)
        )

    def spans(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working intervals of one local day, as UTC instants."""
        return self._spans(day)

    def _spans(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = tuple(self._work_out_spans(day))
        return found

    def _work_out_spans(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return
        for start, end in self.intervals:
            yield (
                datetime.combine(day, start, self.zone).astimezone(UTC),
                datetime.combine(day, end, self.zone).astimezone(UTC),
            )

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """Working time between two instants (0 when `end` is not after `start`)."""
        if end <= start:
            return 0.0
        total = 0.0
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date() + timedelta(days=1)
        while day <= last:
            for a, b in self._spans(day):
                lo, hi = max(a, start), min(b, end)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return total

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant at which `seconds` of working time have passed since `start`."""
        remaining = seconds
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        for _ in range(_MAX_DAYS):
            for a, b in self._spans(day):
                lo = max(a, start)
                if b <= lo:
                    continue
                span = (b - lo).total_seconds()
                if remaining <= span:
                    return lo + timedelta(seconds=remaining)
                remaining -= span
            day += timedelta(days=1)
        raise ValueError("the working-hours calendar has no working time in ten years")

    def subtract(self, end: datetime, seconds: float) -> datetime:
        """The latest instant from which `seconds` of working time reach `end`."""
        remaining = seconds
        day = end.astimezone(self.zone).date() + timedelta(days=1)
        for _ in range(_MAX_DAYS):
            for a, b in reversed(self._spans(day)):
                hi = min(b, end)
                if hi <= a:
                    continue
                span = (hi - a).total_seconds()
                if remaining <= span:
                    return hi - timedelta(seconds=remaining)
                remaining -= span
            day -= timedelta(days=1)
        raise ValueError("the working-hours calendar has no working time in ten years")


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, subdiv=subdivision, years=year)
