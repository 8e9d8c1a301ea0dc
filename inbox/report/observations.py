"""Observations: a few sentences a reader would otherwise have to work out from the tables.

Each rule states a claim only when the numbers carry it: a minimum number of items, a minimum
relative and absolute change, a clear majority before saying "mostly on", a version that is
new *and* over-represented before saying "after version". Below the thresholds a rule says
nothing, so a quiet month gets fewer sentences, never invented ones. Thresholds are
parameters (`Thresholds`), and every figure quoted is also in the report's tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from inbox.report.model import Observation, Ratings, Report, ThemeRow, platform_name


@dataclass(frozen=True)
class Thresholds:
    min_items: int = 10  # the larger of the two periods' counts, for any change claim
    min_change_pct: float = 25.0
    min_abs_change: int = 5
    volume_change_pct: float = 20.0
    volume_min_abs: int = 20
    emerging_change_pct: float = 50.0
    share_lift: float = 1.2  # a theme's change must outpace the volume's by this factor
    mostly_share: float = 0.6  # "mostly on Google Play": at least this share of the items
    version_share: float = 0.5  # "after version X": X holds this share of the theme's items…
    version_lift: float = 1.5  # …the theme is this much more frequent on X than on others…
    version_min_items: int = 5  # …with at least this many items on X
    rating_min_n: int = 20
    rating_change: float = 0.3
    version_rating_n: int = 15
    version_rating_gap: float = 0.5
    sla_min_decided: int = 10
    sla_gap_points: float = 15.0
    breached_min: int = 5
    breached_share: float = 0.1
    new_theme_min: int = 3
    escalation_change_pct: float = 50.0
    max_observations: int = 5
    max_per_kind: int = 2

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class VersionFacts:
    """The period's items per (platform, version), and per (theme, platform, version)."""

    items: Mapping[tuple[str, str], int] = field(default_factory=dict)
    theme_items: Mapping[tuple[str, str, str], int] = field(default_factory=dict)
    first_seen: Mapping[tuple[str, str], datetime] = field(default_factory=dict)


def _pct(value: float) -> str:
    return f"{abs(value):.0f}%"


def _span(report: Report) -> str:
    return "month on month" if report.kind == "monthly" else "week on week"


def _mostly(counts: Mapping[str, int], total: int, t: Thresholds) -> str:
    """ ", mostly on Google Play (31 of 44)" when one channel holds a clear majority."""
    if not counts or total < t.min_abs_change:
        return ""
    platform, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if n == total:
        return f", all on {platform_name(platform)}"
    if n >= t.mostly_share * total:
        return f", mostly on {platform_name(platform)} ({n} of {total})"
    return ""


def _after_version(row: ThemeRow, report: Report, facts: VersionFacts, t: Thresholds) -> str:
    """ ", after version 5.5.3 (…)" when one new version carries the growth: it first appeared
    in this period or the previous one, holds most of the theme's items on its channel, and
    the theme is clearly more frequent among its reviews than among other versions'."""
    best: tuple[float, str] | None = None
    for (platform, version), first in facts.first_seen.items():
        if first < report.previous.start:
            continue
        on_version = facts.theme_items.get((row.theme, platform, version), 0)
        if on_version < t.version_min_items:
            continue
        theme_on_platform = sum(
            n for (th, p, _v), n in facts.theme_items.items() if th == row.theme and p == platform
        )
        if on_version < t.version_share * theme_on_platform:
            continue
        items_on_version = facts.items.get((platform, version), 0)
        other_items = sum(n for (p, v), n in facts.items.items() if p == platform and v != version)
        other_theme = theme_on_platform - on_version
        if not items_on_version or not other_items:
            continue
        rate, other_rate = on_version / items_on_version, other_theme / other_items
        if rate < t.version_lift * other_rate:
            continue
        text = (
            f", after version {version} on {platform_name(platform)} "
            f"(first seen {first:%d %b}; {on_version} of the theme's {theme_on_platform} "
            f"items there, {100 * rate:.0f}% of that version's reviews against "
            f"{100 * other_rate:.0f}% on other versions)"
        )
        if best is None or on_version > best[0]:
            best = (on_version, text)
    return best[1] if best else ""


def share_moved(row: ThemeRow, report: Report, t: Thresholds) -> bool:
    """Did the theme's share of all items move with its count? When volume rises 60%, a theme
    up 60% is no news: it must outpace (or, falling, undershoot) the volume by `share_lift`."""
    if not report.total.previous or not row.previous:
        return True
    before = row.previous / report.total.previous
    now = row.count / report.total.count if report.total.count else 0.0
    return (
        now >= t.share_lift * before if row.count > row.previous else now * t.share_lift <= before
    )


def theme_changes(report: Report, facts: VersionFacts, t: Thresholds) -> list[Observation]:
    out = []
    for row in report.themes:
        if row.status == "new" or row.change is None:
            continue
        delta = row.count - row.previous
        if (
            max(row.count, row.previous) < t.min_items
            or abs(delta) < t.min_abs_change
            or abs(row.change) < t.min_change_pct
            or not share_moved(row, report, t)
        ):
            continue
        direction = "up" if delta > 0 else "down"
        before = 100 * row.previous / report.total.previous if report.total.previous else 0
        text = (
            f"{row.name} {direction} {_pct(row.change)} {_span(report)} "
            f"({row.previous} → {row.count} items; {before:.0f}% → {row.share:.0f}% of all items)"
        )
        if delta > 0:
            text += _mostly(row.by_platform, row.count, t) + _after_version(row, report, facts, t)
        out.append(Observation("theme", text + ".", abs(delta) * (1 + abs(row.change) / 100)))
    return out


def new_themes(report: Report, t: Thresholds) -> list[Observation]:
    span = "3 months" if report.kind == "monthly" else "3 weeks"
    return [
        Observation(
            "new_theme",
            f"New theme: {row.name}, {row.count} items"
            f"{_mostly(row.by_platform, row.count, t)}, none in the {span} before.",
            2.0 * row.count,
        )
        for row in report.themes
        if row.status == "new" and row.count >= t.new_theme_min
    ]


def volume_change(report: Report, t: Thresholds) -> list[Observation]:
    total = report.total
    delta = total.count - total.previous
    if (
        total.change is None
        or abs(delta) < t.volume_min_abs
        or abs(total.change) < t.volume_change_pct
    ):
        return []
    direction = "up" if delta > 0 else "down"
    text = (
        f"Volume {direction} {_pct(total.change)} {_span(report)} "
        f"({total.previous} → {total.count} reviews and comments)"
    )
    movers = sorted(report.volume, key=lambda v: -abs(v.count - v.previous))
    if movers:
        top = movers[0]
        change = top.count - top.previous
        if change * delta > 0 and abs(change) >= 0.5 * abs(delta):
            text += f"; {top.label} {change:+d}"
    return [Observation("volume", text + ".", abs(delta) / 2)]


def rating_changes(report: Report, t: Thresholds) -> list[Observation]:
    out = []
    for r in report.ratings:
        avg, before = r.average, r.previous_average
        if avg is None or before is None or r.rated < t.rating_min_n:
            continue
        if abs(avg - before) < t.rating_change:
            continue
        verb = "rose" if avg > before else "fell"
        out.append(
            Observation(
                "rating",
                f"{r.label} average rating {verb} from {before:.1f}★ to {avg:.1f}★ "
                f"({r.rated} ratings).",
                10 * abs(avg - before) * r.rated**0.5,
            )
        )
    out.extend(version_ratings(report.version_ratings, t))
    return out


def version_ratings(rows: Sequence[Ratings], t: Thresholds) -> list[Observation]:
    """A version rated clearly below the other versions of the same app in the same period."""
    out = []
    for r in rows:
        if r.rated < t.version_rating_n or r.average is None:
            continue
        platform = r.group.split("/", 1)[0]
        others = [o for o in rows if o.group != r.group and o.group.startswith(platform + "/")]
        n = sum(o.rated for o in others)
        if n < t.version_rating_n:
            continue
        other_avg = sum((o.average or 0) * o.rated for o in others) / n
        if other_avg - r.average >= t.version_rating_gap:
            out.append(
                Observation(
                    "rating",
                    f"{r.label} averages {r.average:.1f}★ against {other_avg:.1f}★ for the "
                    f"other versions ({r.rated} and {n} ratings).",
                    10 * (other_avg - r.average) * r.rated**0.5,
                )
            )
    return out


def sla_gaps(report: Report, t: Thresholds) -> list[Observation]:
    out = []
    overall = report.sla.overall.percent_within_target
    for g in report.sla.groups:
        decided = g.within_target + g.late + g.open_breached
        pct = g.percent_within_target
        if overall is None or pct is None or decided < t.sla_min_decided:
            continue
        if overall - pct >= t.sla_gap_points:
            median = (
                "" if g.median_hours is None else f", median {g.median_hours:.1f} working hours"
            )
            out.append(
                Observation(
                    "sla",
                    f"{platform_name(g.group)} is behind on response time: {pct:.0f}% answered "
                    f"within target against {overall:.0f}% overall{median}.",
                    (overall - pct) * decided**0.5 / 2,
                )
            )
    o = report.sla.overall
    if o.open_breached >= t.breached_min and o.open_breached >= t.breached_share * max(o.items, 1):
        out.append(
            Observation(
                "sla",
                f"{o.open_breached} of the period's {o.items} items are still unanswered past "
                f"the {report.target_hours:g}-working-hour target.",
                o.open_breached / 2,
            )
        )
    return out


def spike_notes(report: Report) -> list[Observation]:
    out = []
    for s in report.spikes[:2]:
        usual = f"a usual {s.baseline:g} a day" if s.baseline else "almost none on a usual day"
        out.append(
            Observation(
                "spike",
                f"{s.name} spiked on {s.day:%a %d %b}: {s.count} items against {usual}.",
                float(s.count - s.baseline),
            )
        )
    return out


def escalation_change(report: Report, t: Thresholds) -> list[Observation]:
    now, before = report.escalated_items, report.escalated_previous
    delta = now - before
    if (
        max(now, before) < t.min_items
        or abs(delta) < t.min_abs_change
        or not before
        or 100 * abs(delta) / before < t.escalation_change_pct
    ):
        return []
    direction = "up" if delta > 0 else "down"
    lead = ""
    if report.escalations and delta > 0:
        top = report.escalations[0]
        lead = f", led by {top.label} ({top.count})"
    return [
        Observation(
            "escalation",
            f"Escalations {direction} {_pct(100 * delta / before)} {_span(report)} "
            f"({before} → {now} items){lead}.",
            float(abs(delta)),
        )
    ]


def observe(report: Report, facts: VersionFacts, t: Thresholds) -> list[Observation]:
    """At most `max_observations`, biggest effects first, at most `max_per_kind` of a kind so
    that one busy theme table does not crowd out the rest."""
    found = (
        theme_changes(report, facts, t)
        + new_themes(report, t)
        + volume_change(report, t)
        + rating_changes(report, t)
        + sla_gaps(report, t)
        + spike_notes(report)
        + escalation_change(report, t)
    )
    found.sort(key=lambda o: -o.weight)
    chosen: list[Observation] = []
    per_kind: dict[str, int] = {}
    for o in found:
        if per_kind.get(o.kind, 0) >= t.max_per_kind:
            continue
        per_kind[o.kind] = per_kind.get(o.kind, 0) + 1
        chosen.append(o)
        if len(chosen) >= t.max_observations:
            break
    return chosen
