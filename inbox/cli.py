"""The `inbox` command line: one readable line per error, exit 0 ok / 1 failure / 2 usage."""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.engine import Engine

from inbox import __version__
from inbox.config import (
    Config,
    database_url,
    default_config_path,
    demo_database_path,
    load_config,
)
from inbox.db import create_db_engine, describe, ensure_schema, upgrade
from inbox.errors import ConfigError, InboxError
from inbox.importer import ImportResult, import_file
from inbox.service import InboxService
from sources.formats import FORMATS

app = typer.Typer(
    name="inbox",
    help="A terminal inbox for Google Play, App Store, Business Profile reviews and Instagram comments.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database maintenance.", rich_markup_mode=None)
app.add_typer(db_app, name="db")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


@dataclass
class State:
    """Global options, resolved lazily so `--help` never touches the database."""

    db: str | None
    config_path: Path | None
    debug: bool
    _config: Config | None = None
    _config_file: Path | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config, self._config_file = load_config(self.config_path)
        return self._config

    def engine(self) -> Engine:
        engine = create_db_engine(database_url(self.config, self.db))
        ensure_schema(engine)
        return engine

    def service(self) -> InboxService:
        return InboxService(self.engine(), self.config)


def _state(ctx: typer.Context) -> State:
    state = ctx.obj
    assert isinstance(state, State)
    return state


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="INBOX_DATABASE_URL",
            help="Database: a SQLAlchemy URL or a SQLite file path.",
            show_envvar=True,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", envvar="INBOX_CONFIG", help="Config file (TOML).", show_envvar=True),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """Open the inbox; the commands below do the rest."""
    if version:
        out.print(f"review-inbox {__version__}")
        raise typer.Exit(0)
    ctx.obj = State(db=db, config_path=config, debug=debug)
    if ctx.invoked_subcommand is None:
        # The Textual inbox arrives with issue #6; until then the bare command explains itself.
        out.print(ctx.get_help())


@app.command()
def init(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented example configuration file."""
    state = _state(ctx)
    target = (state.config_path or default_config_path()).expanduser()
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists (use --force to overwrite it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    example = (Path(__file__).parent / "example_config.toml").read_text(encoding="utf-8")
    target.write_text(example, encoding="utf-8")
    out.print(f"Wrote {target}. Edit it, then run `inbox doctor`.")


@app.command()
def doctor(ctx: typer.Context) -> None:
    """Check the configuration, the database and every source's credentials; change nothing."""
    from inbox.doctor import run_checks

    state = _state(ctx)
    checks = run_checks(state.config_path, state.db)
    problems = 0
    for check in checks:
        mark = "[green]ok[/]  " if check.ok else ("[yellow]warn[/]" if check.warning else "[red]FAIL[/]")
        out.print(f"{mark} {check.subject}: ", end="")
        out.print(check.message, markup=False)
        if not check.ok and check.fix:
            out.print("       fix: ", end="")
            out.print(check.fix, markup=False)
        problems += 0 if check.ok or check.warning else 1
    if problems:
        raise typer.Exit(1)


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts by platform, account, status, theme and escalation."""
    figures = _state(ctx).service().stats()
    if as_json:
        out.print_json(json.dumps(figures))
        return
    out.print(f"[bold]{figures['total']}[/] items, {figures['needs_reply']} need a reply, "
              f"{figures['escalated']} escalated, {figures['quarantined']} quarantined")
    for key, title in (("by_platform", "Platform"), ("by_account", "Account"),
                       ("by_status", "Status"), ("by_theme", "Theme")):
        if not figures[key]:
            continue
        table = Table(title=None, show_edge=False, box=None, pad_edge=False)
        table.add_column(title)
        table.add_column("items", justify="right")
        for name, count in figures[key].items():
            table.add_row(name, str(count))
        out.print(table)
        out.print()


def _zone(name: str | None, config: Config) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else config.working_hours.zone()
    except (ZoneInfoNotFoundError, ValueError):
        raise typer.BadParameter(f"'{name}' is not an IANA time zone such as Asia/Kolkata") from None


def _print_import(result: ImportResult) -> None:
    r = result.report
    rejected = result.rejected
    accounts = ", ".join(result.accounts) or "none"
    out.print(
        f"{result.path} ({result.format} → {accounts}): {r.new} new, {r.updated} updated, "
        f"{r.unchanged} unchanged, {len(rejected)} rejected",
        markup=False,
    )
    for note in result.notes:
        out.print(f"  note: {note}", markup=False)
    for rej in rejected[:50]:
        err.print(f"  rejected {rej.position}: {rej.reason}", markup=False)
    if len(rejected) > 50:
        err.print(f"  … and {len(rejected) - 50} more", markup=False)
    if rejected:
        err.print("  (rejected records are kept with their reason in the quarantine table)")


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Files of raw platform payloads.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="One of: " + ", ".join(FORMATS) + ". Detected from the content when omitted.",
            click_type=click.Choice(list(FORMATS)),
        ),
    ] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="Source name the records belong to.")
    ] = None,
    tz: Annotated[
        str | None,
        typer.Option("--tz", help="Zone for timestamps without one (default: working_hours)."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any record is rejected.")
    ] = False,
) -> None:
    """Ingest files of raw platform payloads (backfill, exports, recorded API responses)."""
    state = _state(ctx)
    zone = _zone(tz, state.config)
    engine = state.engine()
    results: list[ImportResult] = []
    with _progress() as progress:
        task = progress.add_task("importing", total=len(files))
        for path in files:
            progress.update(task, description=f"importing {path.name}")
            results.append(import_file(engine, state.config, path, fmt=fmt, account=account, naive_tz=zone))
            progress.advance(task)
    for result in results:
        _print_import(result)
    if strict and any(r.rejected for r in results):
        raise typer.Exit(1)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


@app.command()
def demo(
    ctx: typer.Context,
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Load the data, do not open the inbox.")] = False,
) -> None:
    """Load the bundled demo data into a fresh demo database and open the inbox.

    The demo never touches your real database: it uses a demo file in the data dir, or the
    database given with --db on the command line, which must be empty.
    """
    from inbox.demo import load_demo

    state = _state(ctx)
    explicit = _explicit_db(ctx)
    if explicit is None:
        path = demo_database_path()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = str(path)
    else:
        url = explicit
    engine = create_db_engine(url)
    ensure_schema(engine)
    service = InboxService(engine, state.config)
    if service.count_items() or service.accounts():
        raise InboxError(
            f"{describe(engine)} already holds data; the demo loads only into an empty database"
        )
    with _progress() as progress:
        progress.add_task("loading demo data", total=None)
        results = load_demo(engine, datetime.now(UTC))
    figures = service.stats()
    rejected = sum(len(r.rejected) for r in results)
    out.print(
        f"Demo database {describe(engine)}: {figures['total']} items "
        f"({', '.join(f'{k} {v}' for k, v in figures['by_platform'].items())}), "
        f"{figures['needs_reply']} need a reply, {rejected} rejected.",
        markup=False,
    )
    out.print(f"Try: inbox --db {url} stats", markup=False)
    if not no_tui:
        out.print("(The Textual inbox is not built yet; this loaded the data only.)")


def _explicit_db(ctx: typer.Context) -> str | None:
    """--db given on the command line (not the environment), for commands that must not
    fall back to the user's real database."""
    parent = ctx.parent
    if parent is None:
        return None
    source = parent.get_parameter_source("db")
    if source is click.core.ParameterSource.COMMANDLINE:
        value = parent.params.get("db")
        return str(value) if value else None
    return None


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply database migrations (other commands do this automatically when needed)."""
    state = _state(ctx.parent) if ctx.parent else None
    assert state is not None
    engine = create_db_engine(database_url(state.config, state.db))
    upgrade(engine)
    out.print(f"{describe(engine)} is up to date.", markup=False)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: maps errors to one line and exit codes."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        code = app(args=argv, standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InboxError as exc:
        if debug:
            traceback.print_exc()
        err.print(f"{exc.title}: {exc}", markup=False)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        err.print(f"Unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)",
                  markup=False)
        sys.exit(1)
