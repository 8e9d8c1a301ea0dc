"""`inbox sla` (the response-time KPI for a period) and `inbox export` (escalations for the CX
team). Registered on `inbox` by inbox.cli."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from inbox.cli import State, app, err, out, pass_state
from inbox.sla import Dimension, SlaCalculator, SlaFigures, parse_period
from inbox.textsafe import for_terminal


def _hours(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _row(f: SlaFigures) -> list[Text | str]:
    rate = f.response_rate
    return [
        Text(f.group),
        str(f.items),
        str(f.responded),
        _percent(None if rate is None else 100 * rate),
        _percent(f.percent_within_target),
        _hours(f.mean_hours),
        _hours(f.median_hours),
        _hours(f.p90_hours),
        str(f.open_breached),
        str(f.open_due_soon),
        str(f.no_reply_needed),
    ]


@app.command()
@click.option("--period", metavar="YYYY-MM|YYYY-Www", help="A month or an ISO week.")
@click.option("--week", is_flag=True, help="This week (Monday to Sunday, working-hours zone).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day (inclusive).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day (inclusive).")
@click.option(
    "--by",
    type=click.Choice([d.value for d in Dimension]),
    help="Also break the figures down by platform, account, agent or theme.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def sla(
    state: State,
    period: str | None,
    week: bool,
    start: datetime | None,
    end: datetime | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Response SLA in working hours for items that arrived in a period (default: this month).

    % in target counts answered-in-time among items whose outcome is known (answered, or open
    and already past the target); see docs/sla.md for every definition."""
    config = state.config
    calc = SlaCalculator(state.engine(), config)
    try:
        chosen = parse_period(
            period,
            zone=config.working_hours.zone(),
            now=calc.clock(),
            week=week,
            start=_day(start),
            end=_day(end),
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    report = calc.report(chosen, Dimension(by) if by else None)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return
    target = f"{config.sla.target_hours:g} working hours"
    out.print(
        f"Response SLA, {chosen.label} ({config.working_hours.timezone}), target {target}; "
        "times in working hours; late = open past the target, soon = due within "
        f"{config.sla.due_soon_hours:g} h, skip = marked no reply needed",
        markup=False,
    )
    table = Table(show_edge=False, box=None, pad_edge=False)
    headers = (
        by or "",
        "items",
        "replied",
        "rate",
        "in target",
        "mean",
        "median",
        "p90",
        "late",
        "soon",
        "skip",
    )
    for n, header in enumerate(headers):
        table.add_column(
            header, justify="left" if n == 0 else "right", no_wrap=True, min_width=len(header)
        )
    table.add_row(*_row(report.overall))
    for group in report.groups:
        table.add_row(*_row(group))
    out.print(table)


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


# ----- exports -------------------------------------------------------------------------------
@app.group()
def export() -> None:
    """Hand escalations to the CX team: files, webhook, Google Sheet; each exactly once."""


@export.command("escalations")
@click.option(
    "--to",
    "channel",
    type=click.Choice(["file", "webhook", "sheets"]),
    default="file",
    show_default=True,
    help="Where they go. Each channel gets every escalation exactly once.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(path_type=Path),
    help="File or folder (default: [export] folder, or exports/ in the data dir).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be exported; change nothing.")
@click.option("--again", "again", metavar="BATCH", help="Write an earlier file batch again.")
@pass_state
def export_escalations(
    state: State,
    channel: str,
    fmt: str,
    out_path: Path | None,
    dry_run: bool,
    again: str | None,
) -> None:
    """Export escalations not yet exported to this channel, as one batch.

    Exit 1 when a delivery failed (the batch is kept and goes with the next export)."""
    from inbox.export import Exporter

    exporter = Exporter(state.engine(), state.config)
    if again:
        result = exporter.again(again, fmt, out_path)
    elif channel == "webhook":
        result = exporter.to_webhook(dry_run=dry_run)
    elif channel == "sheets":
        result = exporter.to_sheets(dry_run=dry_run)
    else:
        result = exporter.to_file(fmt, out_path, dry_run=dry_run)
    if dry_run:
        out.print(f"{len(result.would_export)} escalations would be exported:", markup=False)
        for row in result.would_export:
            reasons = ", ".join(row.reasons)
            line = f"  #{row.escalation_id} {row.platform} {row.author or '?'}: {reasons}"
            out.print(for_terminal(line, one_line=True), markup=False)
        return
    for error in result.errors:
        err.print(f"{channel}: {error}", markup=False)
    if not result.batches and not result.errors:
        out.print(f"Nothing new to export to {channel}.", markup=False)
    for path in result.paths:
        out.print(f"Wrote {path}", markup=False)
    if result.batches:
        covered = f", {result.covered} covered by an earlier ticket" if result.covered else ""
        out.print(
            f"Exported {result.exported} escalations to {channel} in batch "
            f"{', '.join(result.batches)}{covered}.",
            markup=False,
        )
    if result.errors:
        sys.exit(1)


@export.command("batches")
@click.option("-n", "limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@pass_state
def export_batches(state: State, limit: int) -> None:
    """The latest export batches, newest first."""
    from inbox.export import Exporter

    table = Table(show_edge=False, box=None, pad_edge=False)
    for column in ("batch", "channel", "state", "count", "created", "file / error"):
        table.add_column(column, no_wrap=column != "file / error")
    for b in Exporter(state.engine(), state.config).batches(limit):
        table.add_row(
            b.id,
            b.channel + (f" ({b.format})" if b.format else ""),
            Text(b.state, style="green" if b.state == "delivered" else "yellow"),
            str(b.count),
            f"{b.created_at:%Y-%m-%d %H:%M}",
            Text(b.last_error or b.path or ""),
        )
    out.print(table)


@export.command("spikes")
@click.option("--dry-run", is_flag=True, help="Show today's spikes; post nothing.")
@pass_state
def export_spikes(state: State, dry_run: bool) -> None:
    """Post today's theme spikes (volume > k × the 4-week daily median) to the CX webhook,
    each theme once a day."""
    from inbox.export import Exporter
    from inbox.spikes import find_spikes

    exporter = Exporter(state.engine(), state.config)
    if dry_run:
        spikes = find_spikes(exporter.engine, state.config, exporter.clock())
        for spike in spikes:
            out.print(f"Spike: {spike.sentence()}", markup=False)
        if not spikes:
            out.print("No theme is spiking today.", markup=False)
        return
    sent = exporter.alert_spikes()
    for line in sent:
        out.print(f"Posted: {line}", markup=False)
    if not sent:
        out.print("No new spike to post.", markup=False)
