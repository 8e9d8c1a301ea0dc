"""Assembling a report: run the queries on one window of items, add the SLA figures, and turn
the aggregated rows into the dataclasses the templates read."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from classifier.taxonomy import Taxonomy, TaxonomyError, load_taxonomy
from inbox.config import Config
from inbox.errors import ConfigError
from inbox.models import utcnow
from inbox.report import queries as q
from inbox.report import shape
from inbox.report.model import (
    AgentRow,
    Quote,
    Report,
    ThemeRow,
    Volume,
)
from inbox.report.observations import Thresholds, observe
from inbox.report.periods import (
    Buckets,
    day_number,
    day_of,
    local_dates,
    month_period,
    previous_periods,
    week_period,
)
from inbox.report.quotes import pick_quotes
from inbox.report.spikes import WINDOW_DAYS, find_spikes
from inbox.report.window import open_window
from inbox.sla import Dimension, Period, SlaCalculator, SlaFigures, SlaReport

Clock = Callable[[], datetime]
EARLIER_PERIODS = 2  # before the previous one: a theme absent from all three is "new"


@dataclass(frozen=True)
class Options:
    """What a report looks for; the defaults follow the config (spikes as in `[export]`)."""

    spike_factor: float = 3.0
    spike_min_count: int = 5
    thresholds: Thresholds = field(default_factory=Thresholds)
    quoted_themes: int = 5
    quotes_per_theme: int = 3
    notable: int = 5
    # Quoting spam would spread its links and promotions further.
    unquoted: frozenset[str] = frozenset({"spam"})

    @classmethod
    def from_config(cls, config: Config, **changes: Any) -> Options:
        base = cls(
            spike_factor=config.export.spike_factor,
            spike_min_count=config.export.spike_min_count,
        )
        return cls(**{**base.__dict__, **{k: v for k, v in changes.items() if v is not None}})


def _taxonomy(config: Config) -> Taxonomy:
    try:
        return load_taxonomy(config.classifier.taxonomy)
    except TaxonomyError as exc:
        raise ConfigError(str(exc)) from None


@dataclass(frozen=True)
class _Plan:
    """The periods and names a report is about, resolved once."""

    kind: str
    zone: Any
    period: Period
    previous: Period
    earliest: Period  # the oldest of the periods checked for "new" themes
    buckets: Buckets
    days: list[int]  # the period's local days (days since 1970)
    history_start: int  # four weeks before the period: spike baselines
    theme_names: dict[str, str]
    reason_names: dict[str, str]
    model_names: dict[str, str]  # escalation reason name, lowercased → id


@dataclass
class _Read:
    """What one pass over the window returned (aggregated rows only)."""

    cells: list[q.ItemCell]
    theme_cells: list[q.ThemeCell]
    daily: dict[int, int]
    daily_themes: dict[str, dict[int, int]]
    first_at: datetime | None
    reasons: list[q.ReasonCell]
    escalated: dict[int, int]
    agents: list[tuple[str, int, int]]
    tag_versions: list[tuple[str, str, str, int]]
    volume: list[Volume]
    total: Volume
    themes: list[ThemeRow]
    candidates: list[q.QuoteCandidate]
    older: set[tuple[str, str]]
    notable: list[q.NotableRow]


def _plan(config: Config, kind: str, period_text: str | None, now: datetime) -> _Plan:
    zone = config.working_hours.zone()
    try:
        period = (month_period if kind == "monthly" else week_period)(period_text, zone, now)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    before = previous_periods(period, kind, zone, 1 + EARLIER_PERIODS)
    taxonomy = _taxonomy(config)
    history = period.start - timedelta(days=WINDOW_DAYS)
    return _Plan(
        kind=kind,
        zone=zone,
        period=period,
        previous=before[0],
        earliest=before[-1],
        buckets=Buckets((period, before[0]), since=history),
        days=[day_number(d) for d in local_dates(period, zone)],
        history_start=day_number(history.astimezone(zone).date()),
        theme_names={t.id: t.name for t in taxonomy.themes},
        reason_names={r.id: r.name for r in taxonomy.escalation},
        model_names={r.name.lower(): r.id for r in taxonomy.escalation},
    )


def _read(engine: Engine, plan: _Plan, options: Options) -> _Read:
    """Every query of the report on one window of items (one connection, one snapshot)."""
    with open_window(engine, plan.buckets, plan.zone) as w:
        cells = q.item_cells(w)
        theme_cells = q.theme_cells(w)
        volume = shape.volumes(cells)
        total = Volume(
            "all", "All channels", sum(v.count for v in volume), sum(v.previous for v in volume)
        )
        themes = shape.theme_rows(cells, theme_cells, plan.theme_names)
        absent = [t.theme for t in themes if t.previous == 0 and t.count]
        seen = q.themes_seen(w.conn, absent, plan.earliest.start, plan.previous.start)
        themes = shape.with_statuses(themes, seen, options.thresholds, total)
        quoted = [t.theme for t in themes if t.theme not in options.unquoted]
        versions = sorted(
            {(c.platform, c.app_version) for c in cells if c.app_version and c.bucket == 0}
        )
        start = plan.buckets.start
        return _Read(
            cells=cells,
            theme_cells=theme_cells,
            daily=q.daily_items(w, plan.days[0]),
            daily_themes=q.daily_themes(w, plan.history_start),
            first_at=q.first_item_at(w.conn),
            reasons=q.escalation_reasons(w, plan.model_names, list(plan.reason_names)),
            escalated=q.escalated_items(w),
            agents=q.agent_replies(w, plan.period.start, plan.period.end),
            tag_versions=q.tag_versions(w),
            volume=volume,
            total=total,
            themes=themes,
            candidates=q.quote_candidates(w, quoted[: options.quoted_themes]),
            older=q.versions_seen(w.conn, start - timedelta(days=WINDOW_DAYS), start, versions),
            notable=q.notable_escalations(w, options.notable) if plan.kind == "weekly" else [],
        )


def _sla(
    engine: Engine, config: Config, clock: Clock, plan: _Plan, read: Callable[[], _Read]
) -> tuple[SlaReport, SlaFigures | None, _Read]:
    """The SLA figures are the slowest part (working time per item, in SQL) and independent of
    the rest: they run on their own connections while `read` runs here. SQLite and
    PostgreSQL both work while Python waits, so two cores finish in about half the time.
    Last week's SLA belongs in a weekly update; a month compares channels instead."""
    calc = SlaCalculator(engine, config, clock)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="report-sla") as pool:
        current = pool.submit(calc.report, plan.period, Dimension.PLATFORM)
        previous = pool.submit(calc.report, plan.previous, None) if plan.kind == "weekly" else None
        data = read()
        sla = current.result()
        sla_previous = previous.result().overall if previous else None
    sla.groups.sort(key=lambda g: shape.platform_key(g.group))
    return sla, sla_previous, data


def _ranked_quotes(data: _Read, options: Options) -> dict[str, list[Quote]]:
    """Quotes per theme, in the order of the theme ranking."""
    picked = pick_quotes(data.candidates, options.quotes_per_theme)
    return {t.theme: picked[t.theme] for t in data.themes if picked.get(t.theme)}


def build_report(
    engine: Engine,
    config: Config,
    kind: str,
    period_text: str | None = None,
    *,
    clock: Clock = utcnow,
    options: Options | None = None,
) -> Report:
    """The monthly (`kind="monthly"`, period `2026-10`) or weekly (`2026-W43`) report; with no
    period, the last complete month or week in the working-hours zone."""
    options = options or Options.from_config(config)
    now = clock()
    plan = _plan(config, kind, period_text, now)
    sla, sla_previous, data = _sla(
        engine, config, clock, plan, lambda: _read(engine, plan, options)
    )
    zone = plan.zone
    report = Report(
        kind=kind,
        title=shape.title(kind, plan.period, zone),
        period=plan.period,
        previous=plan.previous,
        name=shape.period_name(kind, plan.period, zone),
        previous_name=shape.period_name(kind, plan.previous, zone),
        generated_at=now,
        zone=config.working_hours.timezone,
        target_hours=config.sla.target_hours,
        total=data.total,
        volume=data.volume,
        ratings=shape.channel_ratings(data.cells),
        sla=sla,
        sla_previous=sla_previous,
        escalations=shape.reason_rows(data.reasons, plan.reason_names),
        escalated_items=data.escalated.get(0, 0),
        escalated_previous=data.escalated.get(1, 0),
        agents=[AgentRow(a, n, i) for a, n, i in sorted(data.agents, key=lambda r: (-r[1], r[0]))],
        replies_sent=sum(n for _a, n, _i in data.agents),
        daily=[(day_of(d), data.daily.get(d, 0)) for d in plan.days],
        themes=data.themes,
        version_ratings=shape.version_ratings(data.cells, data.older),
        quotes=_ranked_quotes(data, options),
        versions=shape.versions_used(data.tag_versions),
        notable=[shape.notable(r, plan.reason_names) for r in data.notable],
        thresholds={
            "spike_factor": options.spike_factor,
            "spike_min_count": float(options.spike_min_count),
            **options.thresholds.as_dict(),
        },
    )
    first_day = None if data.first_at is None else day_number(data.first_at.astimezone(zone).date())
    report.spikes = find_spikes(
        data.daily_themes,
        plan.days,
        plan.theme_names,
        factor=options.spike_factor,
        min_count=options.spike_min_count,
        history_from=first_day,
    )
    facts = shape.version_facts(data.cells, data.theme_cells, data.older)
    report.observations = observe(report, facts, options.thresholds)
    return report
