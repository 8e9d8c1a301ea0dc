"""Writing a report: one self-contained `report.html`, `report.md` and one CSV per section.

Templates are package files (inbox/report/templates). HTML is rendered with autoescape on, so
customer text is always text; charts are SVG strings built and escaped in inbox.report.charts.
Markdown goes through a `finalize` hook that escapes every value a template prints unless it
is `Markup` built here (a link), so a template cannot forget to escape a review.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from inbox.config import data_dir
from inbox.report import charts
from inbox.report.model import Report, platform_name
from inbox.report.tables import tables, write_csv
from inbox.report.text import md_escape, md_url, safe_url


def default_folder(report: Report) -> Path:
    """`<data dir>/reports/monthly-2026-10` (platformdirs), one folder per report."""
    return data_dir() / "reports" / f"{report.kind}-{report.period.label}"


# ----- formatting filters (shared by HTML and Markdown) ---------------------------------------
def _num(value: int | float | None) -> str:
    return "–" if value is None else f"{value:,}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _signed_pct(value: float | None) -> str:
    return "–" if value is None else f"{value:+.0f}%"


def _hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} h" if value % 1 else f"{value:.0f} h"


def _avg(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _g(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _stars(value: int | None) -> str:
    return "–" if not value else "★" * value + "☆" * (5 - value)


def _top_platform(counts: dict[str, int]) -> str:
    if not counts:
        return "–"
    platform, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return f"{platform_name(platform)} ({100 * n / sum(counts.values()):.0f}%)"


def _zone(context: Context) -> ZoneInfo:
    return ZoneInfo(context["report"].zone)


@pass_context
def _local_time(context: Context, value: datetime) -> str:
    return value.astimezone(_zone(context)).strftime("%d %b %Y %H:%M")


@pass_context
def _local_day(context: Context, value: datetime) -> str:
    return value.astimezone(_zone(context)).strftime("%d %b %Y")


@pass_context
def _last_day(context: Context, value: datetime) -> str:
    """The last local day of a period that ends (exclusive) at `value`."""
    return _local_day(context, value - timedelta(seconds=1))


def _day(value: date) -> str:
    return value.strftime("%a %d %b")


FILTERS: dict[str, Callable[..., Any]] = {
    "num": _num,
    "pct": _pct,
    "rate": _rate,
    "signed_pct": _signed_pct,
    "hours": _hours,
    "avg": _avg,
    "g": _g,
    "stars": _stars,
    "platform": platform_name,
    "top_platform": _top_platform,
    "local_time": _local_time,
    "local_day": _local_day,
    "last_day": _last_day,
    "day": _day,
    "safe_url": safe_url,
    "md_url": md_url,
}


# ----- environments ---------------------------------------------------------------------------
def _md_finalize(value: Any) -> Any:
    if isinstance(value, Markup):
        return str(value)
    if value is None:
        return "–"
    return md_escape(str(value))


def _md_link(text: str, url: str | None) -> Markup | str:
    target = md_url(url)
    return Markup(f"[{md_escape(text)}]({target})") if target else ""  # noqa: S704


@cache
def _environment(markdown: bool) -> Environment:
    options: dict[str, Any] = {
        "loader": PackageLoader("inbox.report", "templates"),
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "keep_trailing_newline": True,
    }
    if markdown:
        env = Environment(autoescape=False, finalize=_md_finalize, **options)  # noqa: S701
        env.globals["md_link"] = _md_link
    else:
        env = Environment(autoescape=True, finalize=lambda v: "–" if v is None else v, **options)
    env.filters.update(FILTERS)
    return env


def _render(report: Report, template: str, markdown: bool, **extra: Any) -> str:
    return _environment(markdown).get_template(template).render(report=report, **extra)


def render_html(report: Report) -> str:
    """The report as one HTML file: inline CSS, inline SVG charts, no script, no request."""
    return _render(report, f"{report.kind}.html.j2", False, charts=_charts(report))


def render_markdown(report: Report) -> str:
    """The report as Markdown (the weekly one is sized to paste into Slack or an email)."""
    return _render(report, f"{report.kind}.md.j2", True)


def _charts(report: Report) -> dict[str, Markup]:
    current, before = report.name, report.previous_name
    volume = charts.grouped_bars(
        f"Items per channel, {current} and {before}",
        [v.label for v in report.volume],
        [
            (current, [v.count for v in report.volume]),
            (before, [v.previous for v in report.volume]),
        ],
        width=480,
    )
    top = report.themes[:10]
    themes = charts.grouped_bars(
        f"Items per theme, {current} and {before}",
        [t.name for t in top],
        [(current, [t.count for t in top]), (before, [t.previous for t in top])],
    )
    ratings = charts.star_bars(
        "Star ratings per channel", [(r.label, r.stars) for r in report.ratings]
    )
    sla_rows = [g for g in report.sla.groups if g.percent_within_target is not None]
    sla = charts.grouped_bars(
        f"Answered within {report.target_hours:g} working hours, per channel",
        [platform_name(g.group) for g in sla_rows],
        [("in target", [round(g.percent_within_target or 0, 1) for g in sla_rows])],
        unit="%",
        maximum=100,
    )
    daily = charts.daily_columns(
        f"Items per day, {current}",
        report.daily,
        {s.day for s in report.spikes},
        width=640 if report.kind == "monthly" else 480,
    )
    return {"volume": volume, "themes": themes, "ratings": ratings, "sla": sla, "daily": daily}


def write_report(report: Report, folder: Path | None = None) -> list[Path]:
    """Write every file of the report into `folder` (created; files replaced) and return
    their paths: report.html, report.md, then the CSV tables."""
    target = folder or default_folder(report)
    target.mkdir(parents=True, exist_ok=True)
    html_path, md_path = target / "report.html", target / "report.md"
    html_path.write_text(render_html(report), encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    paths = [html_path, md_path]
    for name, table in tables(report).items():
        path = target / f"{_slug(name)}.csv"
        write_csv(path, table)
        paths.append(path)
    return paths


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", name.lower())
