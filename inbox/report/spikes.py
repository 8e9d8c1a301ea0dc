"""Spikes in a period: days when a theme's volume exceeded k × its median daily volume over the
four weeks before, with a minimum count.

The rule of the live alert (inbox.spikes.spike_baseline, with the same `[export]
spike_factor` and `spike_min_count` defaults), applied to every day of the period. Pure: the
daily counts come from one GROUP BY (inbox.report.queries.daily_themes).
"""

from __future__ import annotations

from collections.abc import Mapping

from inbox.report.model import Spike
from inbox.report.periods import day_of
from inbox.spikes import WINDOW_DAYS, spike_baseline

__all__ = ["WINDOW_DAYS", "find_spikes"]


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
            baseline = spike_baseline(
                by_day, day, factor=factor, min_count=min_count, history_from=history_from
            )
            if baseline is not None:
                spikes.append(
                    Spike(theme, names.get(theme, theme), day_of(day), by_day[day], baseline)
                )
    spikes.sort(key=lambda s: (-(s.count - s.baseline), s.day, s.theme))
    return spikes
