"""Spikes in a period: days when a theme's volume exceeded k × its median daily volume over the
four weeks before, with a minimum count.

The same rule as the live alert in inbox.spikes (and the same `[export] spike_factor` and
`spike_min_count` defaults), applied to every day of the period instead of today. Pure: the
daily counts come from one GROUP BY (inbox.report.queries.daily_themes).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping

from inbox.report.model import Spike
from inbox.report.periods import day_of

WINDOW_DAYS = 28


def find_spikes(
    daily: Mapping[str, Mapping[int, int]],
    days: list[int],
    names: Mapping[str, str],
    *,
    factor: float = 3.0,
    min_count: int = 5,
    history_from: int | None = None,
) -> list[Spike]:
    """Spikes on `days` (day numbers), biggest excess over the baseline first.

    `history_from`: the first day with any data. A day whose four-week baseline reaches
    before it is skipped: zeros from before the inbox existed are no baseline."""
    spikes: list[Spike] = []
    for theme, by_day in daily.items():
        for day in days:
            if history_from is not None and day - WINDOW_DAYS < history_from:
                continue
            current = by_day.get(day, 0)
            if current < min_count:
                continue
            history = [by_day.get(day - k, 0) for k in range(1, WINDOW_DAYS + 1)]
            median = float(statistics.median(history))
            if current > factor * median:
                spikes.append(Spike(theme, names.get(theme, theme), day_of(day), current, median))
    spikes.sort(key=lambda s: (-(s.count - s.baseline), s.day, s.theme))
    return spikes
