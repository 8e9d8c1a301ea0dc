"""`inbox templates`, `inbox reply`, `inbox outbox` and `inbox send`: replying from the shell.

Registered on the main `inbox` group by inbox.cli (imported at its end).
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from inbox.cli import State, app, err, out, pass_state
from inbox.compose import Composer, known_themes, library_from_config, lint_rules
from inbox.errors import ConfigError
from inbox.models import Reply
from inbox.outbox import LintBlocked, Outbox
from replies import Problem, approve, lint_library, list_templates


def _print_problems(problems: list[Problem]) -> None:
    for p in problems:
        (err if p.severity == "error" else out).print(
            f"  {p.severity}: {p.message} [{p.code}]", markup=False
        )


# ----- templates ---------------------------------------------------------------------------
@app.group()
def templates() -> None:
    """Reply templates: list, lint, approve, suggest."""


@templates.command("list")
@pass_state
def templates_list(state: State) -> None:
    """Every template with its status: only approved ones are offered in the inbox."""
    library = library_from_config(state.config)
    table = Table(show_edge=False, box=None, pad_edge=False)
    for column in ("id", "status", "themes", "platforms", "languages", "note"):
        table.add_column(column)
    summaries = list_templates(library)
    for s in summaries:
        table.add_row(
            Text(s.id),
            Text(s.status, style="green" if s.status == "approved" else "yellow"),
            Text(", ".join(s.themes) or "(any)"),
            Text(", ".join(s.platforms)),
            Text(", ".join(s.languages)),
            Text(s.note),
        )
    out.print(table)
    approved = sum(1 for s in summaries if s.status == "approved")
    out.print(f"{len(summaries)} templates in {library.origin}, {approved} approved", markup=False)


@templates.command("lint")
@pass_state
def templates_lint(state: State) -> None:
    """Render every template for every platform it targets and check the text.

    Exit 1 when any template has an error."""
    library = library_from_config(state.config)
    problems = lint_library(library.templates, lint_rules(state.config))
    errors = [p for p in problems if p.problem.severity == "error"]
    for p in problems:
        (err if p.problem.severity == "error" else out).print(
            f"{p.problem.severity}: {p}", markup=False
        )
    out.print(
        f"{len(library.templates)} templates checked: {len(errors)} errors, "
        f"{len(problems) - len(errors)} warnings",
        markup=False,
    )
    if errors:
        sys.exit(1)


@templates.command("approve")
@click.argument("template_id")
@click.option("--by", "approver", required=True, help="Who approves (name recorded in the file).")
@pass_state
def templates_approve(state: State, template_id: str, approver: str) -> None:
    """Approve a template in your templates folder: records who, when and the body's SHA-256.

    Editing the body later turns it back into a draft until approved again."""
    folder = state.config.templates.folder
    if folder is None:
        raise ConfigError(
            "approving writes to your templates folder: set [templates] folder in the config "
            "(copy the bundled starter set there to start from it)"
        )
    template = approve(
        Path(folder).expanduser(),
        template_id,
        approver,
        datetime.now(UTC).date(),
        rules=lint_rules(state.config),
        known_themes=known_themes(state.config),
    )
    out.print(
        f"Approved {template.id} by {template.approved_by} on {template.approved_on} "
        f"(body sha256 {template.body_sha256 and template.body_sha256[:12]}…) in {template.path}",
        markup=False,
    )


@templates.command("suggest")
@click.argument("item_id", type=int)
@click.option("-n", "count", type=click.IntRange(1, 10), default=3, show_default=True)
@pass_state
def templates_suggest(state: State, item_id: int, count: int) -> None:
    """The best approved templates for an item, rendered for it."""
    composer = Composer(state.engine(), state.config)
    suggestions = composer.suggestions(item_id, count)
    if not suggestions:
        out.print("No approved template fits this item.", markup=False)
        return
    for n, s in enumerate(suggestions, 1):
        why = "; ".join(s.reasons)
        out.print(f"{n}. {s.template.id}  score {s.score:.2f}  ({why})", markup=False)
        out.print(Text(s.text or "", style="dim"))


# ----- reply & outbox ----------------------------------------------------------------------
def _queued_line(reply: Reply) -> str:
    when = reply.send_after.strftime("%H:%M:%S UTC") if reply.send_after else "now"
    return (
        f"Queued reply {reply.id} to item {reply.item_id}: sent after {when} by `inbox send` "
        f"(cancel: inbox outbox cancel {reply.id})"
    )


@app.command()
@click.argument("item_id", type=int)
@click.option("--template", "template_id", help="An approved template id (rendered for the item).")
@click.option("--text", help="The reply text (or the edited template text).")
@click.option(
    "--edit-sent",
    "edit_sent",
    type=int,
    metavar="REPLY_ID",
    help="Replace this already-sent reply with the new text.",
)
@pass_state
def reply(
    state: State,
    item_id: int,
    template_id: str | None,
    text: str | None,
    edit_sent: int | None,
) -> None:
    """Queue a public reply to an item. Lint errors refuse it; warnings are shown."""
    engine = state.engine()
    outbox = Outbox(engine, state.config)
    template_hash = None
    if template_id and text is None:
        text, template_hash = Composer(engine, state.config).render(item_id, template_id)
    if text is None:
        raise click.UsageError("give --text, or --template to use an approved template")
    problems = outbox.check(item_id, text)
    try:
        if edit_sent is not None:
            queued = outbox.edit_sent(edit_sent, text)
        else:
            queued = outbox.queue(
                item_id, text, template_id=template_id, template_hash=template_hash
            )
    except LintBlocked as exc:
        _print_problems(exc.problems)
        raise
    _print_problems(problems)
    out.print(_queued_line(queued), markup=False)


@app.group(invoke_without_command=True)
@click.pass_context
def outbox(ctx: click.Context) -> None:
    """Replies waiting to be sent, being sent, or failed."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(outbox_list)


@outbox.command("list")
@pass_state
def outbox_list(state: State) -> None:
    """Queued, sending and failed replies, oldest first."""
    from inbox.sender import sender_stopped

    box = Outbox(state.engine(), state.config)
    pending = box.pending()
    table = Table(show_edge=False, box=None, pad_edge=False)
    for column in ("reply", "item", "state", "attempts", "send after (UTC)", "text", "error"):
        table.add_column(column, no_wrap=column in ("state", "send after (UTC)"))
    for r in pending:
        when = r.send_after.strftime("%Y-%m-%d %H:%M:%S") if r.send_after else ""
        if r.state == "sending" and r.attempted_at is not None:
            when = f"since {r.attempted_at:%H:%M:%S}"
            if sender_stopped(r.attempted_by):  # `inbox send` checks the platform after a wait
                when = f"held: sender stopped {r.attempted_at:%H:%M:%S}"
        table.add_row(
            str(r.id),
            str(r.item_id),
            Text(r.state, style="red" if r.state == "failed" else ""),
            str(r.attempts),
            Text(when),
            Text(" ".join(r.body.split())[:60]),
            Text(r.last_error or ""),
        )
    out.print(table)
    counts = box.counts()
    out.print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "Outbox empty.")


@outbox.command("cancel")
@click.argument("reply_id", type=int)
@pass_state
def outbox_cancel(state: State, reply_id: int) -> None:
    """Cancel a queued or failed reply."""
    Outbox(state.engine(), state.config).cancel(reply_id)
    out.print(f"Cancelled reply {reply_id}.", markup=False)


@outbox.command("retry")
@click.argument("reply_id", type=int)
@pass_state
def outbox_retry(state: State, reply_id: int) -> None:
    """Queue a failed reply again."""
    reply = Outbox(state.engine(), state.config).retry(reply_id)
    out.print(_queued_line(reply), markup=False)


@app.command()
@click.option(
    "--watch",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help="Keep sending: look for due replies every SECONDS.",
)
@click.option("--base-url", help="Send to this host instead of each platform (the sandbox).")
@pass_state
def send(state: State, watch: float | None, base_url: str | None) -> None:
    """Post the queued replies whose undo window is over.

    Exit 1 when a reply failed (its error is shown; `inbox outbox retry ID` queues it again)."""
    from inbox.sender import ConfiguredSources, Sender

    engine = state.engine()
    sources = ConfiguredSources(state.config, base_url=base_url)
    sender = Sender(engine, sources, state.config)
    try:
        while True:
            report = sender.run()
            for reply_id, error in report.failed:
                err.print(f"reply {reply_id} failed: {error}", markup=False)
            if watch is None or report.sent or report.found or report.failed:
                out.print(f"{datetime.now(UTC):%H:%M:%S} {report.summary()}", markup=False)
            if watch is None:
                if report.failed:
                    sys.exit(1)
                return
            time.sleep(watch)
    finally:
        sources.close()
