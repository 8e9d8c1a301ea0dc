"""From aggregated rows to the rows a report shows: sums over cells, ratings, theme statuses,
reason labels. Pure functions of what the queries returned."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from inbox.models import TagOrigin
from inbox.report import queries as q
from inbox.report.model import (
    Notable,
    Ratings,
    ReasonRow,
    ThemeRow,
    Versions,
    Volume,
    platform_name,
)
from inbox.report.observations import Thresholds, VersionFacts
from inbox.report.text import mask_contacts, one_line, short_author
from inbox.sla import Period

PLATFORM_ORDER = ("google_play", "app_store", "gbp", "instagram")


def platform_key(platform: str) -> tuple[int, str]:
    order = PLATFORM_ORDER.index(platform) if platform in PLATFORM_ORDER else len(PLATFORM_ORDER)
    return order, platform


def title(kind: str, period: Period, zone: Any) -> str:
    start = period.start.astimezone(zone)
    if kind == "monthly":
        return f"Reviews & comments — {start:%B %Y}"
    last = (period.end - timedelta(seconds=1)).astimezone(zone)
    return f"Community & reviews — week {period.label[-2:]} ({start:%d %b} – {last:%d %b %Y})"


def period_name(kind: str, period: Period, zone: Any) -> str:
    start = period.start.astimezone(zone)
    if kind == "monthly":
        return f"{start:%b %Y}"
    return f"Week {start.isocalendar()[1]}"


def volumes(cells: Sequence[q.ItemCell]) -> list[Volume]:
    now: dict[str, int] = defaultdict(int)
    before: dict[str, int] = defaultdict(int)
    for c in cells:
        if c.bucket == 0:
            now[c.platform] += c.count
        elif c.bucket == 1:
            before[c.platform] += c.count
    platforms = sorted(set(now) | set(before), key=platform_key)
    return [Volume(p, platform_name(p), now[p], before[p]) for p in platforms]


def count_stars(cells: Sequence[q.ItemCell]) -> tuple[tuple[int, int, int, int, int], int]:
    stars = [0, 0, 0, 0, 0]
    unrated = 0
    for c in cells:
        if c.rating is not None and 1 <= c.rating <= 5:
            stars[c.rating - 1] += c.count
        else:
            unrated += c.count
    return (stars[0], stars[1], stars[2], stars[3], stars[4]), unrated


def channel_ratings(cells: Sequence[q.ItemCell]) -> list[Ratings]:
    """Per channel with ratings (Instagram comments have none), plus all channels."""
    out = []
    groups: dict[str, list[q.ItemCell]] = defaultdict(list)
    for c in cells:
        if c.bucket in (0, 1):
            groups[c.platform].append(c)
    for platform in sorted(groups, key=platform_key):
        stars, unrated = count_stars([c for c in groups[platform] if c.bucket == 0])
        prev_stars, _u = count_stars([c for c in groups[platform] if c.bucket == 1])
        prev = Ratings(platform, "", prev_stars)
        if sum(stars) or sum(prev_stars):
            label = platform_name(platform)
            out.append(Ratings(platform, label, stars, unrated, prev.average))
    if len(out) > 1:
        stars, unrated = count_stars([c for c in cells if c.bucket == 0])
        prev_all = Ratings("all", "", count_stars([c for c in cells if c.bucket == 1])[0])
        out.append(Ratings("all", "All rated channels", stars, unrated, prev_all.average))
    return out


def first_seen(
    cells: Sequence[q.ItemCell], older: set[tuple[str, str]]
) -> dict[tuple[str, str], datetime]:
    """When each app version's first review arrived, for versions not seen before the window
    (those are older releases: no date)."""
    firsts: dict[tuple[str, str], datetime] = {}
    for c in cells:
        if c.app_version is None or c.first is None or (c.platform, c.app_version) in older:
            continue
        key = (c.platform, c.app_version)
        if key not in firsts or c.first < firsts[key]:
            firsts[key] = c.first
    return firsts


def version_ratings(cells: Sequence[q.ItemCell], older: set[tuple[str, str]]) -> list[Ratings]:
    """Per (channel, app version) in the period, newest version first, with the version's
    first review when it appeared inside the window."""
    groups: dict[tuple[str, str], list[q.ItemCell]] = defaultdict(list)
    firsts = first_seen(cells, older)
    for c in cells:
        if c.app_version is not None and c.bucket == 0:
            groups[(c.platform, c.app_version)].append(c)
    out = []
    for (platform, version), rows in groups.items():
        stars, unrated = count_stars(rows)
        if not sum(stars):
            continue
        out.append(
            Ratings(
                f"{platform}/{version}",
                f"{platform_name(platform)} {version}",
                stars,
                unrated,
                first_seen=firsts.get((platform, version)),
            )
        )
    out.sort(key=lambda r: (platform_key(r.group.split("/")[0]), version_key(r.group), r.group))
    return out


def version_key(group: str) -> tuple[Any, ...]:
    """Newest first: 5.10.0 after 5.9.1, by numeric parts."""
    version = group.split("/", 1)[1]
    parts = [int(p) if p.isdigit() else 0 for p in version.replace("-", ".").split(".")]
    return tuple(-p for p in parts)


def theme_rows(
    cells: Sequence[q.ItemCell], theme_cells: Sequence[q.ThemeCell], names: dict[str, str]
) -> list[ThemeRow]:
    total = sum(c.count for c in cells if c.bucket == 0)
    now: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    before: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in theme_cells:
        if c.bucket == 0:
            now[c.theme][c.platform] += c.count
        elif c.bucket == 1:
            before[c.theme][c.platform] += c.count
    rows = []
    for theme in set(now) | set(before):
        count = sum(now[theme].values())
        rows.append(
            ThemeRow(
                theme=theme,
                name=names.get(theme, theme),
                count=count,
                previous=sum(before[theme].values()),
                share=100.0 * count / total if total else 0.0,
                by_platform=dict(now[theme]),
                previous_by_platform=dict(before[theme]),
            )
        )
    rows.sort(key=lambda r: (-r.count, -r.previous, r.name))
    return rows


def with_statuses(
    rows: list[ThemeRow], seen_earlier: set[str], t: Thresholds, total: Volume
) -> list[ThemeRow]:
    """New: in the period, absent from the previous one and the two before it. Emerging:
    grew by `emerging_change_pct` and `min_abs_change` items or more, faster than the
    volume did (its share of all items rose by `share_lift`)."""
    out = []
    for r in rows:
        before_share = r.previous / total.previous if total.previous else 0.0
        outpaced = r.count / total.count >= t.share_lift * before_share if total.count else False
        status = ""
        if r.count and r.previous == 0 and r.theme not in seen_earlier:
            status = "new"
        elif (
            r.change is not None
            and r.count >= t.min_items
            and r.count - r.previous >= t.min_abs_change
            and r.change >= t.emerging_change_pct
            and outpaced
        ):
            status = "emerging"
        out.append(ThemeRow(**{**r.__dict__, "status": status}))
    return out


def reason_rows(cells: Sequence[q.ReasonCell], names: dict[str, str]) -> list[ReasonRow]:
    now = {c.reason: c for c in cells if c.bucket == 0}
    before = {c.reason: c.items for c in cells if c.bucket == 1}
    rows = [
        ReasonRow(
            reason=reason,
            label=names.get(reason, one_line(reason, 80)),
            count=c.items,
            previous=before.get(reason, 0),
            high=c.high,
        )
        for reason, c in now.items()
    ]
    rows.sort(key=lambda r: (-r.count, r.label))
    return rows


def versions_used(rows: Sequence[tuple[str, str, str, int]]) -> Versions:
    model: dict[str, int] = defaultdict(int)
    taxonomy: dict[str, int] = defaultdict(int)
    human = 0
    for origin, model_version, taxonomy_version, n in rows:
        if origin == TagOrigin.HUMAN:
            human += n
            continue
        model[model_version or "(none recorded)"] += n
        taxonomy[taxonomy_version or "(none recorded)"] += n
    return Versions(
        taxonomy=sorted(taxonomy.items(), key=lambda kv: (-kv[1], kv[0])),
        model=sorted(model.items(), key=lambda kv: (-kv[1], kv[0])),
        human_tags=human,
    )


def version_facts(
    cells: Sequence[q.ItemCell],
    theme_cells: Sequence[q.ThemeCell],
    older: set[tuple[str, str]],
) -> VersionFacts:
    items: dict[tuple[str, str], int] = defaultdict(int)
    for c in cells:
        if c.app_version is not None and c.bucket == 0:
            items[(c.platform, c.app_version)] += c.count
    first = first_seen(cells, older)
    themed: dict[tuple[str, str, str], int] = defaultdict(int)
    for t in theme_cells:
        if t.bucket == 0 and t.app_version is not None:
            themed[(t.theme, t.platform, t.app_version)] += t.count
    return VersionFacts(dict(items), dict(themed), {k: v for k, v in first.items() if k in items})


_RULE = re.compile(r"rule (\w+) matched (.*)", re.DOTALL)
_MODEL = re.compile(r"model: (.*?) (\d(?:\.\d+)?)$")


def reason_text(reason: str, names: dict[str, str]) -> str:
    """A reason as a person reads it: "rule legal_threat matched 'consumer court'" →
    "Legal threat: 'consumer court'", "model: money not received 0.91" → "Money not received
    (model, 0.91)", "repeated_complaint: 3 complaints…" → "Repeated complaint: 3 complaints…"."""
    reason = one_line(reason, 160)
    if m := _RULE.fullmatch(reason):
        return f"{names.get(m[1], m[1])}: {m[2]}"
    if m := _MODEL.fullmatch(reason):
        return f"{m[1][:1].upper()}{m[1][1:]} (model, {m[2]})"
    head, sep, rest = reason.partition(":")
    if sep and head in names:
        return f"{names[head]}:{rest}"
    return reason


def notable(r: q.NotableRow, names: dict[str, str]) -> Notable:
    text = mask_contacts(one_line(f"{r.title} — {r.body}" if r.title else r.body, 280))
    return Notable(
        item_id=r.item_id,
        platform=r.platform,
        author=short_author(r.author),
        rating=r.rating,
        text=text,
        reasons=[reason_text(x, names) for x in r.reasons],
        severity=r.severity,
        permalink=r.permalink,
        at=r.at,
    )
