"""The report's CSV files: one table per section, numbers as numbers, text made safe for
spreadsheets (a cell starting with `=`, `+`, `-` or `@` is not run as a formula)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from inbox.report.model import Report
from inbox.report.text import csv_cell, safe_url

CSV_ENCODING = "utf-8-sig"  # with a BOM, so Excel reads Hindi as Hindi

Table = tuple[Sequence[str], Iterable[Sequence[Any]]]


def tables(report: Report) -> dict[str, Table]:
    """One table per section, as plain values (numbers stay numbers for spreadsheets)."""
    o = report.sla
    tables: dict[str, Table] = {
        "volume": (
            ["channel", "items", "previous", "change_pct"],
            [
                (v.platform, v.count, v.previous, _round(v.change))
                for v in [*report.volume, report.total]
            ],
        ),
        "daily": (["day", "items"], [(d.isoformat(), n) for d, n in report.daily]),
        "sla": (
            [
                "channel",
                "items",
                "replied",
                "response_rate_pct",
                "in_target_pct",
                "mean_hours",
                "median_hours",
                "p90_hours",
                "open_late",
                "due_soon",
                "no_reply_needed",
            ],
            [
                (
                    g.group,
                    g.items,
                    g.responded,
                    _round(_times100(g.response_rate)),
                    _round(g.percent_within_target),
                    g.mean_hours,
                    g.median_hours,
                    g.p90_hours,
                    g.open_breached,
                    g.open_due_soon,
                    g.no_reply_needed,
                )
                for g in [*o.groups, o.overall]
            ],
        ),
        "escalations": (
            ["reason", "label", "items", "high_severity", "previous", "change_pct"],
            [
                (r.reason, r.label, r.count, r.high, r.previous, _round(r.change))
                for r in report.escalations
            ],
        ),
        "agents": (
            ["agent", "replies", "items"],
            [(a.agent, a.replies, a.items) for a in report.agents],
        ),
        "themes": (
            ["theme", "name", "items", "share_pct", "previous", "change_pct", "status"]
            + [f"items_{p}" for p in _platforms(report)],
            [
                (
                    t.theme,
                    t.name,
                    t.count,
                    _round(t.share),
                    t.previous,
                    _round(t.change),
                    t.status,
                    *(t.by_platform.get(p, 0) for p in _platforms(report)),
                )
                for t in report.themes
            ],
        ),
        "spikes": (
            ["day", "theme", "name", "items", "baseline_median"],
            [(s.day.isoformat(), s.theme, s.name, s.count, s.baseline) for s in report.spikes],
        ),
        "observations": (["kind", "text"], [(ob.kind, ob.text) for ob in report.observations]),
    }
    if report.kind == "monthly":
        star_cols = ["stars_1", "stars_2", "stars_3", "stars_4", "stars_5"]
        tables["ratings"] = (
            ["channel", *star_cols, "ratings", "average", "previous_average"],
            [
                (r.group, *r.stars, r.rated, _round(r.average, 2), _round(r.previous_average, 2))
                for r in report.ratings
            ],
        )
        tables["ratings_by_version"] = (
            ["channel", "version", "first_seen", *star_cols, "ratings", "average"],
            [
                (
                    *r.group.split("/", 1),
                    r.first_seen.isoformat() if r.first_seen else "",
                    *r.stars,
                    r.rated,
                    _round(r.average, 2),
                )
                for r in report.version_ratings
            ],
        )
        tables["quotes"] = (
            ["theme", "author", "channel", "rating", "text"],
            [
                (q.theme, q.author, q.platform, q.rating, q.text)
                for quotes in report.quotes.values()
                for q in quotes
            ],
        )
        tables["model_versions"] = (
            ["kind", "version", "tags"],
            [("taxonomy", v, n) for v, n in report.versions.taxonomy]
            + [("model", v, n) for v, n in report.versions.model]
            if report.versions
            else [],
        )
    else:
        tables["notable"] = (
            ["item_id", "channel", "author", "rating", "severity", "reasons", "text", "link"],
            [
                (
                    n.item_id,
                    n.platform,
                    n.author,
                    n.rating,
                    n.severity,
                    "; ".join(n.reasons),
                    n.text,
                    safe_url(n.permalink) or "",
                )
                for n in report.notable
            ],
        )
    return tables


def _platforms(report: Report) -> list[str]:
    return [v.platform for v in report.volume]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _times100(value: float | None) -> float | None:
    return None if value is None else 100 * value


def write_csv(path: Path, table: Table) -> None:
    header, rows = table
    with path.open("w", encoding=CSV_ENCODING, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else csv_cell(v) for v in row])
