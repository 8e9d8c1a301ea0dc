"""Modal screens: the reply composer, escalation, snooze, retag, the view picker, sources and
the list of every key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    OptionList,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option

from inbox.errors import InboxError
from inbox.outbox import LintBlocked
from inbox.service import ItemDetail
from inbox.tui.format import PLATFORM_NAME, Palette, short_span, stars
from inbox.tui.report import ReportsWorkerErrors
from inbox.tui.safe import clean, one_line, plain
from replies import LIMITS, Problem, blocking, strip_html
from sources.base import Platform

if TYPE_CHECKING:
    from inbox.models import SourceAccount
    from inbox.tui.context import InboxContext
    from replies import Suggestion

LINT_PAUSE = 0.25  # seconds of no typing before the reply is linted again


# ----- reply composer -------------------------------------------------------------------
ResultT = TypeVar("ResultT")


class Dialog(ModalScreen[ResultT]):
    """A modal that Esc, or its button `#cancel`, closes with no answer (None). Its first
    focusable widget has focus when it opens (Textual's AUTO_FOCUS)."""

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


class SuggestionList(OptionList):
    """The top approved templates for the item; 1–3 (or Enter) puts one in the editor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "pick(0)", "Template 1", id="composer.pick1", tooltip="Use suggestion 1"),
        Binding("2", "pick(1)", "Template 2", id="composer.pick2", tooltip="Use suggestion 2"),
        Binding("3", "pick(2)", "Template 3", id="composer.pick3", tooltip="Use suggestion 3"),
    ]

    def action_pick(self, index: int) -> None:
        if index < self.option_count:
            self.highlighted = index
            self.action_select()


def measure(text: str, platform: str) -> tuple[int, int, str]:
    """(size, limit, unit) of a reply as the platform counts it."""
    limit = LIMITS[Platform(platform)]
    measured = strip_html(text) if platform == Platform.GOOGLE_PLAY else text
    size = len(measured.encode("utf-8")) if limit.unit == "bytes" else len(measured)
    return size, limit.size, limit.unit


class ComposerScreen(ReportsWorkerErrors, Dialog[int | None]):
    """Write a reply: pick a suggested template, edit it, see lint as you type, send.

    Sending queues the reply in the outbox (it waits out the undo window); the screen returns
    the reply's id, or None when cancelled.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+s",
            "send",
            "Send",
            id="composer.send",
            tooltip="Queue the reply; it is posted after the undo window",
            priority=True,
        ),
        Binding("escape", "cancel", "Cancel", id="composer.cancel", tooltip="Close, keep nothing"),
        Binding(
            "ctrl+t",
            "focus_suggestions",
            "Templates",
            id="composer.templates",
            tooltip="Back to the suggested templates",
        ),
    ]

    def __init__(
        self, context: InboxContext, detail: ItemDetail, palette: Palette, *, editing: int | None
    ) -> None:
        super().__init__()
        self.context = context
        self.detail = detail
        self.palette = palette
        self.editing = editing  # a queued reply of ours being edited
        self.suggestions: list[Suggestion] = []
        self.template_id: str | None = None
        self.template_hash: str | None = None
        self.problems: list[Problem] = []
        self._lint_timer: Timer | None = None
        self._checked_text: str | None = None

    def compose(self) -> ComposeResult:
        item = self.detail.item
        with Vertical(id="composer"):
            head = Text(end="")
            head.append("Reply to ", style="bold")
            head.append_text(plain(item.author or "(anonymous)", style="bold"))
            head.append(f" · {PLATFORM_NAME.get(item.platform, item.platform)}")
            if item.rating is not None:
                head.append(f" · {stars(item.rating)}")
            if self.editing:
                head.append(f" · editing queued reply #{self.editing}", style=self.palette.warning)
            yield Static(head, id="composer-head")
            quote = plain(one_line(item.title, 80) + (" — " if item.title else ""))
            quote.append_text(plain(item.body))
            yield Static(quote, id="composer-quote")
            yield Label("Suggested templates (1–3 to use one)", classes="composer-label")
            yield SuggestionList(Option("loading suggestions…", disabled=True), id="suggestions")
            yield TextArea(id="reply-text", soft_wrap=True, show_line_numbers=False)
            yield Static(id="lint")
            with Horizontal(id="composer-buttons"):
                yield Static(id="counter")
                yield Button("Send  ctrl+s", id="send", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        area = self.query_one("#reply-text", TextArea)
        if self.editing:
            reply = next(r for r in self.detail.replies if r.id == self.editing)
            area.text = reply.body
            self.template_id, self.template_hash = reply.template_id, reply.template_hash
            area.focus()
        else:
            self.query_one(SuggestionList).focus()
        self._update_counter()
        self.load_suggestions()
        self._schedule_lint()

    @work(thread=True, exclusive=True, group="suggest")
    def load_suggestions(self) -> None:
        assert self.detail.item.id is not None
        found = self.context.composer.suggestions(self.detail.item.id, 3)
        self.app.call_from_thread(self._show_suggestions, found)

    def _show_suggestions(self, found: list[Suggestion]) -> None:
        self.suggestions = found
        options = self.query_one(SuggestionList)
        options.clear_options()
        if not found:
            options.add_option(Option("no approved template fits: write the reply", disabled=True))
            return
        for index, suggestion in enumerate(found, start=1):
            line = Text(end="", no_wrap=True, overflow="ellipsis")
            line.append(f"{index} ", style="bold")
            line.append_text(plain(suggestion.template.title or suggestion.template.id))
            line.append(f"  {suggestion.score:.2f}", style=self.palette.muted)
            line.append("  ")
            line.append_text(plain(one_line(suggestion.text or "", 200), style=self.palette.muted))
            options.add_option(Option(line, id=suggestion.template.id))
        options.highlighted = 0

    @on(OptionList.OptionSelected, "#suggestions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        index = event.option_index
        if index >= len(self.suggestions):
            return
        self.use_suggestion(index)

    def use_suggestion(self, index: int) -> None:
        """Put suggestion `index` (0-based) in the editor."""
        suggestion = self.suggestions[index]
        assert self.detail.item.id is not None
        text, body_hash = self.context.composer.render(self.detail.item.id, suggestion.template.id)
        self.template_id, self.template_hash = suggestion.template.id, body_hash
        area = self.query_one("#reply-text", TextArea)
        area.text = text
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one("#reply-text", TextArea).text

    def _update_counter(self) -> None:
        size, limit, unit = measure(self.text, self.detail.item.platform)
        style = self.palette.error if size > limit else self.palette.muted
        counter = Text(f"{size} / {limit} {unit}", style=style)
        undo = self.context.config.outbox.undo_seconds
        counter.append(f" · undo {undo:.0f} s", style=self.palette.muted)
        self.query_one("#counter", Static).update(counter)

    @on(TextArea.Changed, "#reply-text")
    def _edited(self) -> None:
        self._update_counter()
        self._schedule_lint()

    def _schedule_lint(self) -> None:
        if self._lint_timer is not None:
            self._lint_timer.stop()
        self._lint_timer = self.set_timer(LINT_PAUSE, self.run_lint)

    @work(thread=True, exclusive=True, group="lint")
    def run_lint(self) -> None:
        text = self.text
        assert self.detail.item.id is not None
        problems = self.context.outbox.check(self.detail.item.id, text)
        self.app.call_from_thread(self._show_lint, text, problems)

    def _show_lint(self, text: str, problems: list[Problem]) -> None:
        self._checked_text = text
        self.problems = problems
        out = Text(end="")
        if not problems:
            out.append("✓ lint: no problems", style=self.palette.success)
        for index, problem in enumerate(problems):
            if index:
                out.append("\n")
            error = problem.severity == "error"
            out.append(
                "✗ " if error else "! ", style=self.palette.error if error else self.palette.warning
            )
            out.append_text(plain(problem.message))
        self.query_one("#lint", Static).update(out)
        self.query_one("#send", Button).disabled = bool(blocking(problems))

    def action_focus_suggestions(self) -> None:
        self.query_one(SuggestionList).focus()

    @on(Button.Pressed, "#send")
    def _send_pressed(self) -> None:
        self.action_send()

    def action_send(self) -> None:
        if self._checked_text == self.text and blocking(self.problems):
            self.notify(
                "; ".join(p.message for p in blocking(self.problems)),
                title="Reply not sent: fix the errors",
                severity="error",
                markup=False,
            )
            return
        self.send()

    @work(thread=True, exclusive=True, group="send")
    def send(self) -> None:
        item_id = self.detail.item.id
        assert item_id is not None
        try:
            if self.editing:
                reply = self.context.outbox.edit(self.editing, self.text)
            else:
                reply = self.context.outbox.queue(
                    item_id,
                    self.text,
                    template_id=self.template_id,
                    template_hash=self.template_hash,
                )
        except LintBlocked as exc:
            self.app.call_from_thread(self._show_lint, self.text, exc.problems)
            self.app.call_from_thread(
                self.notify, str(exc), title=exc.title, severity="error", markup=False
            )
            return
        except InboxError as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title=exc.title, severity="error", markup=False
            )
            return
        self.app.call_from_thread(self.dismiss, reply.id)


# ----- escalate, snooze, retag ------------------------------------------------------------
@dataclass(frozen=True)
class EscalationChoice:
    reasons: list[str]
    severity: str
    note: str | None


class EscalateScreen(Dialog[EscalationChoice | None]):
    """Pick one or more escalation reasons from the taxonomy and add an optional note."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="escalate.cancel"),
        Binding("ctrl+s", "submit", "Escalate", id="escalate.submit", priority=True),
    ]

    def __init__(self, reasons: Sequence[tuple[str, str, str]], title: Text) -> None:
        """`reasons`: (id, name, severity) from the taxonomy."""
        super().__init__()
        self.reasons = list(reasons)
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="escalate"):
            yield Static(self.heading, classes="dialog-title")
            yield Label("Why does this go to the CX team? (space to tick)")
            yield SelectionList[str](
                *[(name, rid) for rid, name, _sev in self.reasons], id="reasons"
            )
            yield Input(placeholder="note for the CX team (optional)", id="note")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Escalate  ctrl+s", id="submit", variant="error", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted, "#note")
    def action_submit(self) -> None:
        chosen: list[str] = list(self.query_one(SelectionList).selected)
        if not chosen:
            self.notify("Tick at least one reason.", severity="warning")
            return
        by_id = {rid: (name, sev) for rid, name, sev in self.reasons}
        severity = "high" if any(by_id[r][1] == "high" for r in chosen) else "normal"
        note = self.query_one("#note", Input).value.strip() or None
        reasons = [f"{rid}: {by_id[rid][0]}" for rid in chosen]
        self.dismiss(EscalationChoice(reasons, severity, note))


def snooze_presets(now: datetime, zone_now: datetime) -> list[tuple[str, datetime]]:
    """Ready-made wake-up times: in 1 h, in 4 h, tomorrow 10:00, Monday 10:00."""
    zone = zone_now.tzinfo
    tomorrow = datetime.combine(zone_now.date() + timedelta(days=1), time(10), tzinfo=zone)
    days_to_monday = (7 - zone_now.weekday()) % 7 or 7
    monday = datetime.combine(
        zone_now.date() + timedelta(days=days_to_monday), time(10), tzinfo=zone
    )
    return [
        ("in 1 hour", now + timedelta(hours=1)),
        ("in 4 hours", now + timedelta(hours=4)),
        (f"tomorrow 10:00 ({tomorrow:%a %d %b})", tomorrow),
        (f"Monday 10:00 ({monday:%d %b})", monday),
    ]


class SnoozeScreen(Dialog[datetime | None]):
    """Hide the item until a time: a preset, or a date and time typed in."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="snooze.cancel")
    ]

    def __init__(self, now: datetime, zone_now: datetime, title: Text) -> None:
        super().__init__()
        self.now = now
        self.zone_now = zone_now
        self.presets = snooze_presets(now, zone_now)
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="snooze"):
            yield Static(self.heading, classes="dialog-title")
            yield OptionList(
                *[Option(label, id=str(i)) for i, (label, _at) in enumerate(self.presets)],
                id="presets",
            )
            yield Input(placeholder="or YYYY-MM-DD HH:MM (Enter)", id="until")

    @on(OptionList.OptionSelected, "#presets")
    def _preset(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.presets[event.option_index][1])

    @on(Input.Submitted, "#until")
    def _typed(self, event: Input.Submitted) -> None:
        try:
            local = datetime.strptime(event.value.strip(), "%Y-%m-%d %H:%M")
        except ValueError:
            self.notify("Type a time like 2026-11-30 10:00", severity="warning")
            return
        at = local.replace(tzinfo=self.zone_now.tzinfo)
        if at <= self.now:
            self.notify("That time has passed.", severity="warning")
            return
        self.dismiss(at)


@dataclass(frozen=True)
class Retag:
    add: list[str]
    remove: list[str]


class RetagScreen(Dialog[Retag | None]):
    """Tick the themes that apply: changes are stored as a person's tags (training data)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="retag.cancel"),
        Binding("ctrl+s", "submit", "Save", id="retag.submit", priority=True),
    ]

    def __init__(
        self, themes: Sequence[tuple[str, str]], current: Sequence[str], title: Text
    ) -> None:
        super().__init__()
        self.themes = list(themes)
        self.current = set(current)
        self.heading = title

    def compose(self) -> ComposeResult:
        known = {tid for tid, _n in self.themes}
        extra = [(t, t) for t in sorted(self.current - known)]
        with Vertical(classes="dialog", id="retag"):
            yield Static(self.heading, classes="dialog-title")
            yield Label("Themes (space to tick, ctrl+s or Enter on Save)")
            yield SelectionList[str](
                *[(name, tid, tid in self.current) for tid, name in [*self.themes, *extra]],
                id="themes",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save  ctrl+s", id="submit", variant="primary", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        chosen = set(self.query_one(SelectionList).selected)
        self.dismiss(Retag(add=sorted(chosen - self.current), remove=sorted(self.current - chosen)))


# ----- views, sources, help ---------------------------------------------------------------
class ViewPickerScreen(Dialog[str | None]):
    """Every saved view (main, per platform, per theme) with its count."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="views.cancel")
    ]

    def __init__(self, entries: Sequence[tuple[str, str, str, int | None]], current: str) -> None:
        """`entries`: (view id, group, label, count)."""
        super().__init__()
        self.entries = list(entries)
        self.current = current

    def _prompt(self, view_id: str, label: str, count: int | None) -> Text:
        line = Text(end="")
        line.append(clean(label), style="bold" if view_id == self.current else "")
        line.append(f"  {count if count is not None else '…'}", style="dim")
        return line

    def compose(self) -> ComposeResult:
        options: list[Option | None] = []
        group = None
        for view_id, view_group, label, count in self.entries:
            if group is not None and view_group != group:
                options.append(None)
            group = view_group
            options.append(Option(self._prompt(view_id, label, count), id=view_id))
        with Vertical(classes="dialog", id="views"):
            yield Static("Views", classes="dialog-title")
            yield OptionList(*options, id="view-list")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        ids = [e[0] for e in self.entries]
        if self.current in ids:
            options.highlighted = options.get_option_index(self.current)

    def set_counts(self, counts: dict[str, int | None]) -> None:
        """Show counts that arrived after the picker opened."""
        options = self.query_one(OptionList)
        for view_id, _group, label, _count in self.entries:
            options.replace_option_prompt(
                view_id, self._prompt(view_id, label, counts.get(view_id))
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class SourcesScreen(ModalScreen[None]):
    """Each source's polling state and full error sentence."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_screen", "Close", id="sources.close"),
        Binding("q", "dismiss_screen", "Close", show=False, id="sources.close_q"),
    ]

    def __init__(self, accounts: Sequence[SourceAccount], now: datetime, palette: Palette) -> None:
        super().__init__()
        self.accounts = list(accounts)
        self.now = now
        self.palette = palette

    def compose(self) -> ComposeResult:
        p = self.palette
        text = Text(end="")
        if not self.accounts:
            text.append("No sources have been polled yet.")
        for index, account in enumerate(self.accounts):
            if index:
                text.append("\n\n")
            text.append_text(plain(account.name, style="bold"))
            text.append(f"  {PLATFORM_NAME.get(account.platform, account.platform)}", style=p.muted)
            if account.display_name:
                text.append("  ")
                text.append_text(plain(account.display_name, style=p.muted))
            text.append("\n  last poll: ")
            text.append(
                f"{short_span(self.now - account.last_poll_at)} ago"
                if account.last_poll_at
                else "never"
            )
            text.append(" · last success: ")
            text.append(
                f"{short_span(self.now - account.last_success_at)} ago"
                if account.last_success_at
                else "never"
            )
            if account.last_error:
                text.append("\n  ✗ ", style=p.error)
                text.append_text(plain(account.last_error, style=p.error))
                if account.consecutive_failures > 1:
                    text.append(f"  ({account.consecutive_failures} polls in a row)", style=p.muted)
        with Vertical(classes="dialog", id="sources"):
            yield Static("Sources", classes="dialog-title")
            with VerticalScroll():
                yield Static(text)
            yield Static(
                "Polling runs outside this window: `inbox poll --watch 900`.", classes="hint"
            )

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key, grouped by where it works."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_screen", "Close", id="help.close"),
        Binding("question_mark", "dismiss_screen", "Close", show=False, id="help.close_again"),
        Binding("q", "dismiss_screen", "Close", show=False, id="help.close_q"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = list(sections)

    def compose(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="keys")
        with Vertical(classes="dialog", id="help"):
            yield Static("Keys  (ctrl+p: every action by name)", classes="dialog-title")
            yield table

    def on_mount(self) -> None:
        table = self.query_one("#keys", DataTable)
        table.add_column("where", key="where")
        table.add_column("key", key="key")
        table.add_column("does", key="does")
        for section, rows in self.sections:
            for key, description in rows:
                table.add_row(
                    Text(section, style="dim"), Text(key, style="bold"), Text(description)
                )
        table.focus()

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)
