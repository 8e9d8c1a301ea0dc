"""The `inbox` command line: one readable line per error, exit 0 ok / 1 failure / 2 usage."""

from __future__ import annotations

import json
import sys
import time
import traceback
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from click.core import ParameterSource
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table
from sqlalchemy.engine import Engine

from inbox import __version__, heap
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
from inbox.service import InboxService, ItemFilter

if TYPE_CHECKING:
    from classifier.predict import Classifier
    from inbox.poll import PollOutcome
    from inbox.sender import ConfiguredSources
from sources.formats import FORMATS

# soft_wrap: long lines (paths, reasons) stay whole, so they can be grepped and copied.
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class State:
    """Global options, resolved lazily so `--help` never touches the database."""

    db: str | None
    db_from_command_line: bool
    config_path: Path | None
    debug: bool
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config, _found = load_config(self.config_path)
        return self._config

    def engine(self) -> Engine:
        engine = create_db_engine(database_url(self.config, self.db))
        ensure_schema(engine)
        return engine

    def service(self) -> InboxService:
        return InboxService(self.engine(), self.config)


pass_state = click.make_pass_decorator(State)


@click.group(
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    envvar="INBOX_DATABASE_URL",
    show_envvar=True,
    metavar="URL|PATH",
    help="Database: a SQLAlchemy URL or a SQLite file path.",
)
@click.option(
    "--config",
    "config_path",
    envvar="INBOX_CONFIG",
    show_envvar=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (TOML).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.version_option(__version__, prog_name="review-inbox")
@click.pass_context
def app(ctx: click.Context, db: str | None, config_path: Path | None, debug: bool) -> None:
    """A terminal inbox for Google Play, App Store and Business Profile reviews and
    Instagram comments."""
    from_cli = ctx.get_parameter_source("db") is ParameterSource.COMMANDLINE
    ctx.obj = State(db=db, db_from_command_line=from_cli, config_path=config_path, debug=debug)
    if ctx.invoked_subcommand is None:
        if not _interactive():
            # No terminal to draw in (a pipe, cron, CI): explain the commands instead.
            out.print(ctx.get_help(), markup=False)
            return
        state = ctx.obj
        config = state.config
        sources = None
        if any(s.enabled and s.kind == "api" for s in config.sources):
            from inbox.sender import ConfiguredSources

            sources = ConfiguredSources(config)
        open_inbox(state.engine(), config, sources)


@app.command()
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@pass_state
def init(state: State, force: bool) -> None:
    """Write a commented example configuration file."""
    target = (state.config_path or default_config_path()).expanduser()
    if target.exists() and not force:
        raise ConfigError(f"{target} already exists (use --force to overwrite it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    example = (Path(__file__).parent / "example_config.toml").read_text(encoding="utf-8")
    target.write_text(example, encoding="utf-8")
    out.print(f"Wrote {target}. Edit it, then run `inbox doctor`.", markup=False)


@app.command()
@pass_state
def doctor(state: State) -> None:
    """Check the configuration, the database and every source's credentials; change nothing."""
    from inbox.doctor import run_checks

    problems = 0
    for check in run_checks(state.config_path, state.db):
        if check.ok:
            mark = "[green]ok  [/]"
        elif check.warning:
            mark = "[yellow]warn[/]"
        else:
            mark = "[red]FAIL[/]"
            problems += 1
        out.print(f"{mark} {check.subject}: ", end="")
        out.print(check.message, markup=False)
        if not check.ok and check.fix:
            out.print(f"     fix: {check.fix}", markup=False)
    if problems:
        sys.exit(1)


@app.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def stats(state: State, as_json: bool) -> None:
    """Counts by platform, account, status, theme and escalation."""
    figures = state.service().stats()
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    out.print(
        f"[bold]{figures['total']}[/] items, {figures['needs_reply']} need a reply, "
        f"{figures['escalated']} escalated, {figures['quarantined']} quarantined"
    )
    sections = (
        ("by_platform", "platform"),
        ("by_account", "account"),
        ("by_status", "status"),
        ("by_theme", "theme"),
    )
    for key, title in sections:
        if not figures[key]:
            continue
        table = Table(show_edge=False, box=None, pad_edge=False)
        table.add_column(title)
        table.add_column("items", justify="right")
        for name, count in figures[key].items():
            table.add_row(name, str(count))
        out.print()
        out.print(table)


def _zone(name: str | None, config: Config) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else config.working_hours.zone()
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f"'{name}' is not an IANA time zone such as Asia/Kolkata", param_hint="--tz"
        ) from None


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


def _classifier(state: State) -> Classifier:
    """The classifier, trained on first use (about 10 s, once) and then loaded from disk."""
    from inbox.classify import get_classifier, model_path

    if not model_path(state.config).is_file():
        err.print("Training the classifier on the seed corpus (first use only)...")
    classifier = get_classifier(state.config)
    heap.settle()  # the model lives as long as the process
    return classifier


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


@app.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(list(FORMATS)),
    help="The payload shape; detected from the content when omitted.",
)
@click.option("--account", help="Source name the records belong to.")
@click.option("--tz", help="Zone for timestamps without one (default: working_hours.timezone).")
@click.option(
    "--own-username",
    help="Instagram: your account's handle, so your replies count as responses.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when any record is rejected.")
@click.option("--no-classify", is_flag=True, help="Store only; tag later with `inbox classify`.")
@pass_state
def import_(
    state: State,
    files: tuple[Path, ...],
    fmt: str | None,
    account: str | None,
    tz: str | None,
    own_username: str | None,
    strict: bool,
    no_classify: bool,
) -> None:
    """Ingest files of raw platform payloads (backfill, exports, recorded API responses).

    \b
    Formats:
    """
    zone = _zone(tz, state.config)
    engine = state.engine()
    classifier = None if no_classify else _classifier(state)
    results: list[ImportResult] = []
    with _progress() as progress:
        task = progress.add_task("importing", total=len(files))
        for path in files:
            progress.update(task, description=f"importing {path.name}")
            results.append(
                import_file(
                    engine,
                    state.config,
                    path,
                    fmt=fmt,
                    account=account,
                    naive_tz=zone,
                    own_username=own_username,
                    classifier=classifier,
                )
            )
            progress.advance(task)
    for result in results:
        _print_import(result)
    if strict and any(r.rejected for r in results):
        sys.exit(1)


assert import_.help is not None
import_.help += "\n".join(f"  {name:13} {spec.description}" for name, spec in FORMATS.items())


@app.command()
@click.option("--no-tui", is_flag=True, help="Load the data, do not open the inbox.")
@pass_state
def demo(state: State, no_tui: bool) -> None:
    """Load the bundled demo data into a fresh demo database and open the inbox.

    The demo never touches your real database: it uses a demo file in the data dir, or the
    database given with --db on the command line, which must be empty.
    """
    from inbox.demo import demo_sandbox

    if state.db_from_command_line and state.db:
        url = state.db
    else:
        path = demo_database_path()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = str(path)
    engine = create_db_engine(url)
    ensure_schema(engine)
    service = InboxService(engine, state.config)
    if service.count_items(ItemFilter(include_snoozed=True)) or service.accounts():
        raise InboxError(
            f"{describe(engine)} already holds data; the demo loads only into an empty database"
        )
    classifier = _classifier(state)
    with ExitStack() as stack:
        with _progress() as progress:
            progress.add_task("loading demo data through the sandbox", total=None)
            imports, outcomes, running = stack.enter_context(
                demo_sandbox(engine, datetime.now(UTC), classifier=classifier)
            )
        _demo_summary(engine, url, service, imports, outcomes)
        if no_tui:
            return
        if not _interactive():
            out.print("(No terminal here: run `inbox demo` in one to open the inbox.)")
            return
        from inbox.sender import ConfiguredSources

        # The inbox posts replies to the sandbox, which runs until the window closes.
        sources = ConfiguredSources(running.config, environ=running.environ)
        open_inbox(engine, demo_config(state.config), sources)


def _demo_summary(
    engine: Engine,
    url: str,
    service: InboxService,
    imports: list[ImportResult],
    outcomes: list[PollOutcome],
) -> None:
    for outcome in outcomes:
        (err if outcome.error else out).print("  poll " + outcome.summary(), markup=False)
    figures = service.stats()
    rejected = sum(len(r.rejected) for r in imports) + sum(len(o.report.rejected) for o in outcomes)
    platforms = ", ".join(f"{k} {v}" for k, v in figures["by_platform"].items())
    out.print(
        f"Demo database {describe(engine)}: {figures['total']} items ({platforms}), "
        f"{figures['needs_reply']} need a reply, {figures['escalated']} escalated, "
        f"{rejected} rejected.",
        markup=False,
    )
    if any(o.error for o in outcomes):
        raise InboxError("some demo sources failed to poll (see above)")
    out.print(f"Try: inbox --db {url} stats", markup=False)


@app.command()
@click.option("--once", is_flag=True, help="Poll once and exit (the default).")
@click.option(
    "--watch",
    "watch",
    type=click.IntRange(min=10),
    metavar="SECONDS",
    help="Poll again every SECONDS until interrupted.",
)
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option(
    "--base-url",
    help="Send every source's requests to this host instead (e.g. `inbox sandbox`).",
)
@click.option("--no-classify", is_flag=True, help="Store only; tag later with `inbox classify`.")
@pass_state
def poll(
    state: State,
    once: bool,
    watch: int | None,
    sources: tuple[str, ...],
    base_url: str | None,
    no_classify: bool,
) -> None:
    """Fetch new and edited reviews and comments from every configured source.

    Exit 1 when a source failed (the others are still polled and saved)."""
    from inbox.poll import poll_all

    if once and watch is not None:
        raise click.UsageError("--once and --watch exclude each other")
    engine = state.engine()
    if not state.config.sources:
        raise ConfigError("no [[sources]] configured; run `inbox init` and edit the file")
    classifier = None if no_classify else _classifier(state)
    while True:
        with _progress() as progress:
            progress.add_task("polling", total=None)
            outcomes = poll_all(
                engine, state.config, only=sources, base_url=base_url, classifier=classifier
            )
        for outcome in outcomes:
            (err if outcome.error else out).print(outcome.summary(), markup=False)
            for note in outcome.notes:
                out.print(f"  note: {note}", markup=False)
        if watch is None:
            if any(o.error for o in outcomes):
                sys.exit(1)
            return
        time.sleep(watch)


@app.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port (0: any free one).")
@click.option(
    "--synthetic",
    type=click.IntRange(min=1),
    help="Serve N generated items per platform instead of the demo data.",
)
def sandbox(port: int, synthetic: int | None) -> None:
    """Run the local platform sandbox on 127.0.0.1 until interrupted (for manual trials)."""
    from inbox.config import data_dir
    from inbox.demo import start_sandbox

    folder = data_dir() / "sandbox"
    with start_sandbox(port=port, synthetic=synthetic, folder=folder) as running:
        out.print(f"Sandbox listening on {running.url}", markup=False)
        out.print(f"Credentials for it are in {running.credentials_dir}", markup=False)
        out.print(
            f"Instagram token: export {running.token_env}={running.instagram_token}", markup=False
        )
        out.print("Example: inbox --config " + str(running.config_path) + " poll", markup=False)
        out.print("Ctrl-C stops it.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            out.print("stopped")


@app.command()
@click.option("--force", is_flag=True, help="Replace the model even if held-out quality drops.")
@click.option("--rollback", is_flag=True, help="Put the previous model back.")
@pass_state
def train(state: State, force: bool, rollback: bool) -> None:
    """Retrain the classifier on the seed corpus plus every human retag in the database.

    Prints held-out quality before and after, and refuses to replace the current model when
    macro-F1 on the held-out split drops by more than 2 points (unless --force)."""
    from inbox.training import retrain, roll_back

    if rollback:
        out.print(roll_back(state.config), markup=False)
        return
    result = retrain(state.engine(), state.config, force=force)
    for line in result.lines:
        out.print(line, markup=False)
    if not result.replaced:
        sys.exit(1)


@app.command()
@click.option("--all", "everything", is_flag=True, help="Every item, not only untagged ones.")
@pass_state
def classify(state: State, everything: bool) -> None:
    """Tag items with themes and raise escalations (new items are classified on arrival)."""
    from inbox.classify import classify_items, get_classifier, unclassified_ids

    engine = state.engine()
    ids = unclassified_ids(engine, everything=everything)
    with _progress() as progress:
        progress.add_task(f"classifying {len(ids)} items", total=None)
        report = classify_items(engine, get_classifier(state.config), ids)
    out.print(f"{report.classified} items classified, {report.escalated} escalated.")


@app.group()
def classifier() -> None:
    """Classifier tools."""


@classifier.command("evaluate")
@click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Labeled CSV or JSONL to cross-validate on (default: the shipped seed corpus).",
)
@click.option(
    "--test",
    "test",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Score on this file after training on --data (no cross-validation).",
)
@click.option("--heldout", is_flag=True, help="Train on the seed corpus, score the held-out split.")
@click.option("--text-column", default="text", show_default=True)
@click.option(
    "--label-column",
    default="themes",
    show_default=True,
    help="Label column(s), comma-separated; labels inside a cell split on |.",
)
@click.option("--title-column")
@click.option("--rating-column")
@click.option("--folds", type=click.IntRange(2, 20), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_state
def classifier_evaluate(
    state: State,
    data: Path | None,
    test: Path | None,
    heldout: bool,
    text_column: str,
    label_column: str,
    title_column: str | None,
    rating_column: str | None,
    folds: int,
    as_json: bool,
) -> None:
    """Per-label precision, recall, F1 and support, macro/micro averages and timing."""
    from inbox.training import evaluate_command

    report = evaluate_command(
        state.config,
        data=data,
        test=test,
        heldout=heldout,
        text_column=text_column,
        label_column=label_column,
        title_column=title_column,
        rating_column=rating_column,
        folds=folds,
    )
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    table = Table(show_edge=False, box=None, pad_edge=False)
    for name in ("label", "precision", "recall", "f1", "support"):
        table.add_column(name, justify="left" if name == "label" else "right")
    for m in report.labels:
        table.add_row(
            m.label, f"{m.precision:.3f}", f"{m.recall:.3f}", f"{m.f1:.3f}", str(m.support)
        )
    out.print(table)
    out.print(
        f"macro-F1 {report.macro_f1:.3f} · micro P {report.micro_precision:.3f} "
        f"R {report.micro_recall:.3f} F1 {report.micro_f1:.3f} · {report.examples} examples"
        + (f" · {report.folds}-fold CV" if report.folds else " · held-out")
    )
    if report.escalation:
        e = report.escalation
        out.print(
            f"escalation (any reason): precision {e['precision']:.3f} recall {e['recall']:.3f} "
            f"F1 {e['f1']:.3f} support {int(e['support'])}"
        )
    out.print(
        f"train {report.train_seconds:.1f} s per model · predict {report.predict_per_second:.0f} "
        "items/s"
    )


@app.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@pass_state
def db_upgrade(state: State) -> None:
    """Apply database migrations (other commands do this automatically when needed)."""
    engine = create_db_engine(database_url(state.config, state.db))
    upgrade(engine)
    out.print(f"{describe(engine)} is up to date.", markup=False)


def _interactive() -> bool:
    """Whether a person is at a terminal (the inbox needs one to draw in)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def demo_config(config: Config) -> Config:
    """The demo's brand, unless the user's config names one: templates sign as Resello."""
    if config.brand.name != Config().brand.name:
        return config
    brand = config.brand.model_copy(
        update={"name": "Resello", "app_name": "Resello", "support_email": "care@resello.in"}
    )
    return config.model_copy(update={"brand": brand})


def open_inbox(engine: Engine, config: Config, sources: ConfiguredSources | None) -> None:
    """Run the Textual inbox until it is closed. With `sources`, it also posts due replies in
    the background (so `inbox send --watch` is only needed while no inbox is open)."""
    from inbox.tui import InboxContext, background_sender, make_app

    send_due = background_sender(engine, config, lambda: sources) if sources else None
    try:
        make_app(InboxContext(engine, config, send_due=send_due)).run()
    finally:
        if sources is not None:
            sources.close()


def _fail(message: str, code: int = 1) -> NoReturn:
    err.print(message, markup=False)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: maps errors to one line on stderr and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    heap.enable()
    try:
        app.main(args=args, prog_name="inbox", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _fail("Aborted.")
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except InboxError as exc:
        if debug:
            traceback.print_exc()
        _fail(f"{exc.title}: {exc}")
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        _fail(f"Unexpected error: {type(exc).__name__}: {exc} (run with --debug for details)")


# Commands defined in their own modules register themselves on `app` when imported.
from inbox import cli_admin, cli_replies, cli_report, cli_reports  # noqa: E402, F401
