"""`inbox report monthly | weekly`: the report files. Registered on `inbox` by inbox.cli."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from inbox.cli import State, app, out, pass_state
from inbox.report import Options, build_report, write_report


def _options(state: State, factor: float | None, minimum: int | None) -> Options:
    return Options.from_config(state.config, spike_factor=factor, spike_min_count=minimum)


def _run(
    state: State, kind: str, period: str | None, folder: Path | None, options: Options
) -> None:
    report = build_report(state.engine(), state.config, kind, period, options=options)
    paths = write_report(report, folder)
    out.print(f"{report.title}: {len(paths)} files", markup=False)
    for path in paths:
        out.print(str(path), markup=False)


def _pattern(regex: str, example: str) -> Any:
    def check(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(regex, value.strip(), re.IGNORECASE):
            raise click.BadParameter(f"{value!r}: use {example}", param=param)
        return value.strip().upper() if value else value

    return check


_out_option = click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files (default: <data dir>/reports/<kind>-<period>).",
)
_factor_option = click.option(
    "--spike-factor",
    type=click.FloatRange(min=1, min_open=True),
    help="A spike is a day above this many times the theme's 4-week median "
    "(default [export] spike_factor, 3).",
)
_minimum_option = click.option(
    "--spike-min",
    type=click.IntRange(min=1),
    help="…with at least this many items (default [export] spike_min_count, 5).",
)


@app.group()
def report() -> None:
    """Monthly and weekly reports: report.html (one self-contained file), report.md, CSVs."""


@report.command()
@click.option(
    "--month",
    metavar="YYYY-MM",
    callback=_pattern(r"\d{4}-(0[1-9]|1[0-2])", "YYYY-MM, e.g. 2026-10"),
    help="Default: the last complete month.",
)
@_out_option
@_factor_option
@_minimum_option
@pass_state
def monthly(
    state: State,
    month: str | None,
    folder: Path | None,
    spike_factor: float | None,
    spike_min: int | None,
) -> None:
    """The month's reviews and comments: volume, ratings, themes with quotes, spikes, SLA,
    escalations, replies per agent, and observations drawn from the numbers."""
    _run(state, "monthly", month, folder, _options(state, spike_factor, spike_min))


@report.command()
@click.option(
    "--week",
    metavar="YYYY-Www",
    callback=_pattern(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])", "YYYY-Www, e.g. 2026-W43"),
    help="An ISO week. Default: last week.",
)
@_out_option
@_factor_option
@_minimum_option
@pass_state
def weekly(
    state: State,
    week: str | None,
    folder: Path | None,
    spike_factor: float | None,
    spike_min: int | None,
) -> None:
    """The "community & reviews" part of the weekly update (also as Markdown for Slack or
    email): volume, replies, SLA, notable items, escalations."""
    _run(state, "weekly", week, folder, _options(state, spike_factor, spike_min))
