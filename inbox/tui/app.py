"""The inbox window: queue, detail, views and filters, every action on a key and in the
command palette. All database work runs in thread workers through the service layer."""

from __future__ import annotations

import gc
import time
import webbrowser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from inbox.claims import renew_every_seconds
from inbox.models import ItemStatus, ReplyOrigin, ReplyState, SourceAccount
from inbox.service import ItemDetail, ItemFilter, ItemRow, WeekSla
from inbox.spikes import Spike
from inbox.tui.context import InboxContext
from inbox.tui.detail import DetailContext, render_detail
from inbox.tui.format import PLATFORM_NAME, Palette
from inbox.tui.report import ReportsWorkerErrors
from inbox.tui.safe import clean, plain
from inbox.tui.screens import (
    ComposerScreen,
    EscalateScreen,
    EscalationChoice,
    HelpScreen,
    Retag,
    RetagScreen,
    SnoozeScreen,
    SourcesScreen,
    SuggestionList,
    ViewPickerScreen,
)
from inbox.tui.views import (
    FilterChoice,
    View,
    apply_choice,
    main_views,
    platform_views,
    theme_views,
)
from inbox.tui.widgets import (
    DetailPane,
    FilterBar,
    KeyBar,
    QueueTable,
    RowContext,
    SourcesLine,
    StatusLine,
    UndoBar,
    ViewBar,
)

PAGE = 100
LIVE_ROWS_MAX = 1000  # a live refresh re-reads at most this many loaded rows


@dataclass(frozen=True)
class Figures:
    """The status line's and the view bar's numbers, from one refresh."""

    counts: dict[str, int]
    sla: WeekSla
    needs_reply: int
    unexported: int
    outbox: dict[str, int]
    accounts: list[SourceAccount]
    spikes: tuple[Spike, ...] = ()


@dataclass(frozen=True)
class QueuedReply:
    reply_id: int
    item_id: int
    author: str
    send_after: datetime


def _binding(key: str, action: str, description: str, tooltip: str, **kw: Any) -> Binding:
    return Binding(key, action, description, id=action.split("(")[0], tooltip=tooltip, **kw)


class InboxScreen(ReportsWorkerErrors, Screen[None]):
    """Queue on the left (or top), the selected item on the right (or below)."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]  # noqa: RUF012 (Textual's type)
    # Textual repaints the whole screen on every focus change (about 50 ms at 160×50, most of
    # a search's time, as Enter moves focus to the queue). The widgets that gain and lose
    # focus restyle and repaint themselves, and nothing here styles on :focus-within, so the
    # screen-wide repaint draws nothing new.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("o", "open", "Open", "Read the item (marks it open)"),
        _binding("r", "reply", "Reply", "Write a reply from a suggested template"),
        _binding("e", "escalate", "Escalate", "Hand the item to the CX team, with reasons"),
        _binding("n", "no_reply", "No reply", "Mark: no reply needed"),
        _binding("z", "snooze", "Snooze", "Hide the item until a time"),
        _binding("a", "assign", "Assign", "Assign the item to me, or unassign it", show=False),
        _binding("t", "retag", "Retag", "Add or remove themes (teaches the classifier)"),
        _binding("w", "why", "Why", "Why the classifier chose these themes", show=False),
        _binding("b", "browser", "Browser", "Open the item on its platform", show=False),
        _binding("c", "copy", "Copy", "Copy the item's text", show=False),
        _binding("u", "undo", "Undo send", "Cancel the reply just queued", show=False),
        _binding("slash", "search", "Search", "Search text and authors", key_display="/"),
        _binding("f", "filters", "Filters", "Platform, account, rating, theme, dates…"),
        _binding("v", "pick_view", "Views", "Every view, per platform and per theme"),
        *[
            _binding(view.key, f"view('{view.id}')", view.label, f"View: {view.label}", show=False)
            for view in main_views()
            if view.key
        ],
        _binding("s", "sources", "Sources", "Each source's last poll and errors", show=False),
        _binding("ctrl+r", "refresh", "Refresh", "Read the database again now", show=False),
        _binding("question_mark", "help", "Keys", "Every key", key_display="?"),
        _binding("escape", "back", "Back", "Back to the queue", show=False),
    ]

    def __init__(
        self,
        context: InboxContext,
        *,
        refresh_seconds: float | None = 3.0,
        full_refresh_seconds: float = 60.0,
        send_seconds: float | None = 10.0,
    ) -> None:
        super().__init__()
        self.context = context
        self.service = context.service
        self.refresh_seconds = refresh_seconds
        self.full_refresh_seconds = full_refresh_seconds
        self.send_seconds = send_seconds
        self.palette = Palette()
        themes = [(t.id, t.name) for t in context.taxonomy.themes]
        self.theme_names = themes
        self.views: list[View] = main_views() + platform_views() + theme_views(themes)
        self.view: View = self.views[0]
        self.choice = FilterChoice()
        self.counts: dict[str, int] = {}
        self.detail: ItemDetail | None = None
        self.why: dict[str, list[tuple[str, float]]] | str | None = None
        self.last_reply: QueuedReply | None = None
        self.marker: tuple[int, int, int] | None = None
        self.last_full = 0.0
        self.loaded_all = False
        self.loading_more = False
        self._generation = 0
        self.shown_generation = 0  # the queue on screen belongs to this reload
        self._picker: ViewPickerScreen | None = None
        self.figures: Figures | None = None
        # Spikes need a 4-week scan: read at most this often (they move by the day).
        self.spike_seconds = 300.0
        self._spikes: tuple[Spike, ...] = ()
        self._spikes_read = float("-inf")

    # ----- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        yield ViewBar(id="viewbar")
        yield FilterBar(id="filters")
        with Container(id="main"):
            yield QueueTable(id="queue")
            yield DetailPane(id="detail")
        yield UndoBar(id="undo")
        yield SourcesLine(id="sources")
        yield KeyBar(id="keybar")

    @property
    def table(self) -> QueueTable:
        return self.query_one(QueueTable)

    def on_unmount(self) -> None:
        gc.unfreeze()

    def on_mount(self) -> None:
        self.palette = Palette.from_variables(self.app.theme_variables)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.query_one(UndoBar).display = False
        self.query_one(FilterBar).display = False
        self.table.focus()
        self._show_viewbar()
        # The app's long-lived objects (widgets, styles, caches) need no garbage collection:
        # set them apart so a full collection no longer walks them in the middle of a
        # keypress (next-item p95 130 → 55 ms on 100,000 items). Garbage first, so none is
        # kept for good; `on_unmount` gives them back.
        gc.collect()
        gc.freeze()
        self.reload_queue()
        self.refresh_all(force=True)
        if self.refresh_seconds:
            self.set_interval(self.refresh_seconds, self.refresh_all)
        self.set_interval(1.0, self._tick_undo)
        if self.send_seconds and self.context.send_due is not None:
            self.set_interval(self.send_seconds, self.send_due)

    def _theme_changed(self, _theme: object) -> None:
        self.palette = Palette.from_variables(self.app.theme_variables)
        table = self.table
        if table.context is not None:
            table.show_items(table.items, table.reply_states, self._row_context())
        self._show_detail(keep_scroll=True)
        self.refresh_all(force=True)

    @property
    def now(self) -> datetime:
        return self.context.clock()

    def _row_context(self) -> RowContext:
        return RowContext(
            palette=self.palette,
            now=self.now,
            due_soon=timedelta(hours=self.context.config.sla.due_soon_hours),
            agent=self.context.agent,
        )

    def _detail_context(self) -> DetailContext:
        return DetailContext(
            now=self.now,
            zone=self.context.config.working_hours.zone(),
            palette=self.palette,
            agent=self.context.agent,
        )

    def current_filter(self) -> ItemFilter:
        zone = self.context.config.working_hours.zone()
        return apply_choice(self.view.build(self.service), self.choice, zone)

    def _show_viewbar(self) -> None:
        shown = self.counts.get("_current") if not self.choice.empty else None
        main = [v for v in self.views if v.key]
        self.query_one(ViewBar).show(
            main,
            self.view,
            self.counts,
            self.choice,
            shown,
            self.palette,
            narrow=self.size.width < 110,
        )

    # ----- reading: queue pages, detail, live refresh ------------------------------------
    def reload_queue(self, select: int | None = None) -> None:
        """Read the first page of the current view again (after a view or filter change)."""
        self._generation += 1
        self.loaded_all = False
        self.loading_more = False
        self._load_page(self._generation, self.current_filter(), select)

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def _load_page(self, generation: int, f: ItemFilter, select: int | None) -> None:
        rows = self.service.queue_page(f, limit=PAGE)
        states = self.service.reply_states([r.id for r in rows])
        # The item the page will select, read in the same trip: the queue and the detail
        # then reach the screen in one repaint instead of two.
        wanted = self._selected_after(rows, select)
        detail = self.service.get_item(wanted) if wanted is not None else None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(
                self._page_loaded, generation, rows, states, select, f, detail
            )

    def _selected_after(self, rows: list[ItemRow], select: int | None) -> int | None:
        """The id `QueueTable.show_items` will select among `rows`, as far as it can be told
        from the worker thread (a wrong guess only costs the usual detail read)."""
        ids = [r.id for r in rows]
        if not ids:
            return None
        keep = select if select is not None else self.table.selected_id
        if keep in ids:
            return keep
        return ids[min(self.table.cursor_row if self.table.items else 0, len(ids) - 1)]

    def _page_loaded(
        self,
        generation: int,
        rows: list[ItemRow],
        states: dict[int, str],
        select: int | None,
        f: ItemFilter,
        detail: ItemDetail | None = None,
    ) -> None:
        if generation != self._generation:
            return
        self.loaded_all = len(rows) < PAGE
        self.table.show_items(rows, states, self._row_context(), select=select)
        self.shown_generation = generation
        if detail is not None and detail.item.id == self.table.selected_id:
            # Shown now, not when the highlight message comes round: the rows and the detail
            # reach the screen in the same repaint (the highlight then finds it shown).
            if self.detail is None or self.detail.item.id != detail.item.id:
                self.why = None
            self._detail_loaded(detail, False)
        if self.loaded_all:
            self._counted(generation, len(rows))
        else:
            # Counting can wait until the rows are on screen.
            self.call_after_refresh(self._count, generation, f)

    @work(thread=True, exclusive=True, group="count", exit_on_error=False)
    def _count(self, generation: int, f: ItemFilter) -> None:
        if generation == self._generation:
            count = self.service.count_queue(f)
            self.app.call_from_thread(self._counted, generation, count)

    def _counted(self, generation: int, count: int) -> None:
        if generation != self._generation:
            return
        self.counts["_current"] = count
        self.counts[self.view.id] = count if self.choice.empty else self.counts.get(self.view.id, 0)
        self._show_viewbar()

    @on(QueueTable.EndApproached)
    def _end_approached(self) -> None:
        if self.loaded_all or self.loading_more or self.shown_generation != self._generation:
            return
        self.loading_more = True
        self._load_more(self._generation, self.current_filter(), len(self.table.items))

    @work(thread=True, group="more", exit_on_error=False)
    def _load_more(self, generation: int, f: ItemFilter, offset: int) -> None:
        rows = self.service.queue_page(f, limit=PAGE, offset=offset)
        states = self.service.reply_states([r.id for r in rows])
        self.app.call_from_thread(self._more_loaded, generation, rows, states)

    def _more_loaded(self, generation: int, rows: list[ItemRow], states: dict[int, str]) -> None:
        if generation != self._generation:
            return
        self.loading_more = False
        self.loaded_all = len(rows) < PAGE
        self.table.append_items(rows, states)

    @on(QueueTable.ItemHighlighted)
    def _item_highlighted(self, event: QueueTable.ItemHighlighted) -> None:
        if event.item_id is None:
            self.detail = None
            self.query_one(DetailPane).show(
                Text("Nothing here. Press 7 for every item, or f to change the filters.")
            )
            return
        if self.detail is not None and self.detail.item.id == event.item_id:
            return  # shown already (a new page brings its selected item along)
        self.why = None
        self.load_detail(event.item_id)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, item_id: int, keep_scroll: bool = False) -> None:
        detail = self.service.get_item(item_id)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._detail_loaded, detail, keep_scroll)

    def _detail_loaded(self, detail: ItemDetail, keep_scroll: bool) -> None:
        if detail.item.id != self.table.selected_id:
            return
        same = self.detail is not None and self.detail.item.id == detail.item.id
        self.detail = detail
        self._show_detail(keep_scroll=keep_scroll or same)

    def _show_detail(self, *, keep_scroll: bool = False) -> None:
        if self.detail is None:
            return
        text = render_detail(self.detail, self._detail_context(), self.why)
        self.query_one(DetailPane).show(text, keep_scroll=keep_scroll)

    def refresh_all(self, force: bool = False) -> None:
        """Live refresh: cheap change check; on a change (or every minute, as SLA states move
        with the clock) re-read the loaded rows, the counts and the status figures."""
        loaded = min(max(PAGE, len(self.table.items)), LIVE_ROWS_MAX)
        main = {v.id: v.build(self.service) for v in self.views if v.group != "theme"}
        self._refresh(self._generation, self.current_filter(), loaded, main, force)

    @work(thread=True, exclusive=True, group="live", exit_on_error=False)
    def _refresh(
        self,
        generation: int,
        f: ItemFilter,
        loaded: int,
        views: dict[str, ItemFilter],
        force: bool,
    ) -> None:
        service = self.service
        marker = service.change_marker()
        stale = time.monotonic() - self.last_full >= self.full_refresh_seconds
        if not force and not stale and marker == self.marker:
            return
        worker = get_current_worker()
        # The rows first: they are what the person is looking at.
        rows = service.queue_page(f, limit=loaded)
        states = service.reply_states([r.id for r in rows])
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._rows_refreshed, generation, rows, loaded, states, marker)
        counts = service.count_many({**views, "_current": f})
        figures = Figures(
            counts=counts,
            sla=service.week_sla(),
            needs_reply=counts.get("needs", 0),
            unexported=service.unexported_escalations(),
            outbox=self.context.outbox.counts(),
            accounts=service.accounts(),
            spikes=self._read_spikes(),
        )
        if not worker.is_cancelled:
            self.app.call_from_thread(self._figures_refreshed, figures, generation)

    def _read_spikes(self) -> tuple[Spike, ...]:
        """Today's theme spikes, read again when the last reading is old (worker thread)."""
        if time.monotonic() - self._spikes_read >= self.spike_seconds:
            self._spikes = tuple(self.service.spikes())
            self._spikes_read = time.monotonic()
        return self._spikes

    def _figures_refreshed(self, figures: Figures, generation: int) -> None:
        self.figures = figures
        counts = dict(figures.counts)
        if generation != self._generation:  # read for the filter before this one
            counts.pop("_current", None)
        self.counts.update(counts)
        self._show_viewbar()
        names = dict(self.theme_names)
        self.query_one(StatusLine).show(
            figures.sla,
            figures.needs_reply,
            figures.unexported,
            figures.outbox,
            self.palette,
            sending=self.context.send_due is not None,
            spikes=[(names.get(s.theme, s.theme), s.count) for s in figures.spikes],
        )
        self.query_one(SourcesLine).show(figures.accounts, self.now, self.palette)
        if self._picker is not None:
            self._picker_counts()

    def _rows_refreshed(
        self,
        generation: int,
        rows: list[ItemRow],
        limit: int,
        states: dict[int, str],
        marker: tuple[int, int, int],
    ) -> None:
        changed = marker != self.marker
        self.marker = marker
        self.last_full = time.monotonic()
        table = self.table
        if generation != self._generation or self.loading_more:
            return
        current = table.items[:limit]
        ids = {r.id for r in rows}
        known_states = {k: v for k, v in table.reply_states.items() if k in ids}
        if rows != current or states != known_states:
            extra = table.items[limit:]
            table.show_items([*rows, *extra], states, self._row_context())
            if not extra:
                self.loaded_all = len(rows) < limit
        else:
            # Same rows, but ages and SLA states move with the clock.
            table.show_items(table.items, table.reply_states, self._row_context())
        selected = table.selected_id
        if selected is not None and changed:
            self.load_detail(selected, True)

    def worker_failed(self, worker: Worker[object]) -> None:
        if worker.group == "more":
            self.loading_more = False

    # ----- actions on the selected item --------------------------------------------------
    def _selected(self) -> ItemDetail | None:
        selected = self.table.selected_id
        if selected is None:
            self.notify("No item selected.", severity="warning")
            return None
        if self.detail is None or self.detail.item.id != selected:
            # A key pressed right after moving: read the item now (a few milliseconds).
            self.detail = self.service.get_item(selected)
            self.why = None
            self._show_detail()
        return self.detail

    def _title(self, detail: ItemDetail, verb: str) -> Text:
        text = Text(f"{verb} ", style="bold", end="")
        text.append_text(plain(detail.item.author or "(anonymous)", style="bold"))
        text.append(f" · {PLATFORM_NAME.get(detail.item.platform, detail.item.platform)}")
        return text

    @work(thread=True, exit_on_error=False, group="change")
    def change(self, item_id: int, message: str, call: Callable[[], object]) -> None:
        """Run one service call that changes an item; then say so and refresh."""
        call()
        self.app.call_from_thread(self._changed, item_id, message)

    def _changed(self, item_id: int, message: str) -> None:
        if message:
            self.notify(message, markup=False, timeout=3)
        self.refresh_all(force=True)
        if self.table.selected_id == item_id:
            self.load_detail(item_id, True)

    @on(QueueTable.ItemChosen)
    def _item_chosen(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        pane = self.query_one(DetailPane)
        if self.size.width < 150:
            self.maximize(pane, container=False)
        pane.focus()
        if detail.item.status == ItemStatus.NEW:
            item_id = detail.item.id
            assert item_id is not None
            self.change(item_id, "", partial(self.service.mark_viewed, item_id))

    def action_back(self) -> None:
        if self.maximized is not None:
            self.minimize()
        if self.query_one(FilterBar).display:
            self.query_one(FilterBar).display = False
        self.table.focus()

    def action_reply(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        assert detail.item.id is not None
        self._claim_then_compose(detail.item.id)

    @work(thread=True, exit_on_error=False, group="claim")
    def _claim_then_compose(self, item_id: int) -> None:
        self.service.claim(item_id)  # refused (ConflictError) while a colleague holds it
        fresh = self.service.get_item(item_id)
        # A reply of ours still in its undo window is edited, not doubled.
        queued = [
            r.id
            for r in fresh.replies
            if r.origin == ReplyOrigin.TOOL and r.state == ReplyState.QUEUED
        ]
        self.app.call_from_thread(self._open_composer, fresh, queued[-1] if queued else None)

    def _open_composer(self, detail: ItemDetail, editing: int | None) -> None:
        item_id = detail.item.id
        assert item_id is not None
        author = clean(detail.item.author) or "(anonymous)"
        # Keep the claim alive while the composer is open; a crash stops it and the claim lapses.
        every = renew_every_seconds(self.service.claim_minutes)
        heartbeat = self.set_interval(every, partial(self._renew_claim, item_id))

        def done(reply_id: int | None) -> None:
            heartbeat.stop()
            if reply_id is None:
                self.change(item_id, "", partial(self.service.release, item_id))
                return
            self.reply_queued(reply_id, item_id, author)

        screen = ComposerScreen(self.context, detail, self.palette, editing=editing)
        self.app.push_screen(screen, done)

    @work(thread=True, exit_on_error=False, group="claim")
    def _renew_claim(self, item_id: int) -> None:
        self.service.renew_claim(item_id)  # ConflictError if a colleague took it meanwhile

    def reply_queued(self, reply_id: int, item_id: int, author: str) -> None:
        undo = self.context.config.outbox.undo_seconds
        self.last_reply = QueuedReply(reply_id, item_id, author, self.now + timedelta(seconds=undo))
        self._tick_undo()
        self.notify(
            f"Reply to {author} queued: sent in {undo:.0f} s unless you press u.",
            title="Queued",
            markup=False,
        )
        self.refresh_all(force=True)
        if self.table.selected_id == item_id:
            self.load_detail(item_id, True)

    def _tick_undo(self) -> None:
        bar = self.query_one(UndoBar)
        last = self.last_reply
        if last is None:
            bar.show(None)
            return
        left = (last.send_after - self.now).total_seconds()
        if left <= 0:
            self.last_reply = None
            bar.show(None)
            return
        text = Text(end="")
        text.append("↻ ", style=self.palette.accent)
        text.append(f"Reply #{last.reply_id} to ")
        text.append_text(plain(last.author))
        text.append(f" goes out in {int(left + 0.999)} s · ")
        text.append("u", style=self.palette.accent + self.palette.bold)
        text.append(" to undo")
        bar.show(text)

    def action_undo(self) -> None:
        last = self.last_reply
        if last is None:
            self.notify("No reply waiting to be sent.", severity="warning")
            return
        self.last_reply = None
        self._tick_undo()
        self.change(
            last.item_id,
            f"Reply #{last.reply_id} cancelled: it will not be sent.",
            partial(self.context.outbox.cancel, last.reply_id),
        )

    def action_escalate(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        item_id = detail.item.id
        assert item_id is not None
        reasons = [(r.id, r.name, r.severity) for r in self.context.taxonomy.escalation]

        def done(choice: EscalationChoice | None) -> None:
            if choice is None:
                return
            call = partial(
                self.service.escalate,
                item_id,
                choice.reasons,
                severity=choice.severity,
                note=choice.note,
            )
            self.change(item_id, "Escalated to the CX team.", call)

        self.app.push_screen(EscalateScreen(reasons, self._title(detail, "Escalate")), done)

    def action_no_reply(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        item_id = detail.item.id
        assert item_id is not None
        call = partial(self.service.set_status, item_id, ItemStatus.NO_REPLY_NEEDED)
        self.change(item_id, "Marked: no reply needed.", call)

    def action_reopen(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        item_id = detail.item.id
        assert item_id is not None
        call = partial(self.service.set_status, item_id, ItemStatus.OPEN)
        self.change(item_id, "Back in the queue.", call)

    def action_snooze(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        item_id = detail.item.id
        assert item_id is not None
        zone_now = self.now.astimezone(self.context.config.working_hours.zone())

        def done(until: datetime | None) -> None:
            if until is None:
                return
            local = until.astimezone(zone_now.tzinfo)
            message = f"Snoozed until {local:%a %d %b %H:%M}."
            self.change(item_id, message, partial(self.service.snooze, item_id, until))

        self.app.push_screen(SnoozeScreen(self.now, zone_now, self._title(detail, "Snooze")), done)

    def action_assign(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        item_id = detail.item.id
        assert item_id is not None
        if detail.item.assignee == self.context.agent:
            self.change(item_id, "Unassigned.", partial(self.service.assign, item_id, None))
        else:
            call = partial(self.service.assign, item_id, self.context.agent)
            self.change(item_id, "Assigned to you.", call)

    def action_retag(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        item_id = detail.item.id
        assert item_id is not None

        def done(retag: Retag | None) -> None:
            if retag is None or not (retag.add or retag.remove):
                return

            def apply() -> None:
                for theme in retag.add:
                    self.service.add_tag(item_id, theme)
                for theme in retag.remove:
                    self.service.remove_tag(item_id, theme)

            parts = [f"+{t}" for t in retag.add] + [f"−{t}" for t in retag.remove]
            self.change(item_id, "Themes: " + " ".join(parts), apply)

        screen = RetagScreen(self.theme_names, detail.themes, self._title(detail, "Themes of"))
        self.app.push_screen(screen, done)

    def action_why(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        self.why = "loading the classifier…"
        self._show_detail(keep_scroll=True)
        self._explain(detail)

    @work(thread=True, exclusive=True, group="why", exit_on_error=False)
    def _explain(self, detail: ItemDetail) -> None:
        from classifier.model import ItemText

        item = detail.item
        explainer = self.context.explainer()
        result = explainer.explain(ItemText(item.body, item.title, item.rating, item.platform))
        self.app.call_from_thread(self._explained, item.id, result)

    def _explained(self, item_id: int | None, result: dict[str, list[tuple[str, float]]]) -> None:
        if self.detail is None or self.detail.item.id != item_id:
            return
        self.why = result
        self._show_detail(keep_scroll=True)

    def action_browser(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        link = detail.item.permalink
        if not link or not link.startswith(("https://", "http://")):
            self.notify("This item has no link to its platform.", severity="warning")
            return
        self._open_link(link)

    @work(thread=True, exit_on_error=False, group="browser")
    def _open_link(self, link: str) -> None:
        opened = webbrowser.open(link)
        message = "Opened in the browser." if opened else f"No browser found; the link is {link}"
        self.app.call_from_thread(self.notify, message, markup=False)

    def action_copy(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        item = detail.item
        text = clean(f"{item.title}\n\n{item.body}" if item.title else item.body)
        self.app.copy_to_clipboard(text)
        self.notify("Text copied.", timeout=2)

    def action_retry_reply(self) -> None:
        detail = self._selected()
        if detail is None:
            return
        failed = [r for r in detail.replies if r.state == ReplyState.FAILED and r.id is not None]
        if not failed:
            self.notify("This item has no failed reply.", severity="warning")
            return
        reply_id = failed[-1].id
        assert reply_id is not None and detail.item.id is not None
        call = partial(self.context.outbox.retry, reply_id)
        self.change(detail.item.id, f"Reply #{reply_id} queued again.", call)

    # ----- views and filters -------------------------------------------------------------
    def action_view(self, view_id: str) -> None:
        view = next((v for v in self.views if v.id == view_id), None)
        if view is None:
            return
        self.view = view
        self.counts.pop("_current", None)
        self._show_viewbar()
        self.reload_queue()

    def action_pick_view(self) -> None:
        def done(view_id: str | None) -> None:
            self._picker = None
            if view_id:
                self.action_view(view_id)

        self._picker = ViewPickerScreen(self._picker_entries(), self.view.id)
        self.app.push_screen(self._picker, done)
        self._count_themes()

    def _picker_entries(self) -> list[tuple[str, str, str, int | None]]:
        return [(v.id, v.group, v.label, self.counts.get(v.id)) for v in self.views]

    def _picker_counts(self) -> None:
        if self._picker is not None and self._picker.is_attached:
            self._picker.set_counts({v.id: self.counts.get(v.id) for v in self.views})

    @work(thread=True, exclusive=True, group="theme-counts", exit_on_error=False)
    def _count_themes(self) -> None:
        filters = {v.id: v.build(self.service) for v in self.views if v.group == "theme"}
        counts = self.service.count_many(filters)
        self.app.call_from_thread(self._themes_counted, counts)

    def _themes_counted(self, counts: dict[str, int]) -> None:
        self.counts.update(counts)
        self._picker_counts()

    def action_filters(self) -> None:
        bar = self.query_one(FilterBar)
        bar.display = not bar.display
        if bar.display:
            self._fill_filter_options()
            bar.query("Select").first().focus()
        else:
            self.table.focus()

    def action_search(self) -> None:
        bar = self.query_one(FilterBar)
        if not bar.display:
            bar.display = True
            self._fill_filter_options()
        bar.focus_text()

    @work(thread=True, exit_on_error=False, group="filter-options")
    def _fill_filter_options(self) -> None:
        accounts = [(a.display_name or a.name, a.name) for a in self.service.accounts()]
        languages = self.service.languages()
        self.app.call_from_thread(
            self.query_one(FilterBar).set_options, accounts, self.theme_names, languages
        )

    @on(FilterBar.Changed)
    def _filters_changed(self, event: FilterBar.Changed) -> None:
        if event.choice == self.choice:
            return
        self.choice = event.choice
        self.counts.pop("_current", None)  # the last filter's count is not this one's
        self._show_viewbar()
        self.reload_queue()

    @on(FilterBar.Closed)
    def _filters_closed(self) -> None:
        self.query_one(FilterBar).display = False
        self.table.focus()

    @on(FilterBar.Applied)
    def _filters_applied(self) -> None:
        self.set_focus(self.table)  # now: `Widget.focus` waits a turn of the app's loop

    # ----- the rest ----------------------------------------------------------------------
    def action_sources(self) -> None:
        self._show_sources()

    @work(thread=True, exit_on_error=False, group="sources")
    def _show_sources(self) -> None:
        accounts = self.service.accounts()
        screen = SourcesScreen(accounts, self.now, self.palette)
        self.app.call_from_thread(self.app.push_screen, screen)

    def action_refresh(self) -> None:
        self.refresh_all(force=True)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(key_sections(self.app)))

    @work(thread=True, exclusive=True, group="sender", exit_on_error=False)
    def send_due(self) -> None:
        """Post replies whose undo window is over (this window's background sender)."""
        assert self.context.send_due is not None
        report = self.context.send_due()
        if report.sent or report.failed or report.found:
            self.app.call_from_thread(self._sent, report.summary(), bool(report.failed))

    def _sent(self, summary: str, failed: bool) -> None:
        self.notify(
            f"Outbox: {summary}.",
            title="Replies",
            severity="error" if failed else "information",
            markup=False,
        )
        self.refresh_all(force=True)

    def commands(self) -> Iterable[SystemCommand]:
        """Every action of this screen, for the command palette."""
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if binding.action in ("back",) or binding.action.startswith("view("):
                continue
            key = self.app.get_key_display(binding)
            action = binding.action
            yield SystemCommand(
                f"{binding.description} ({key})",
                binding.tooltip,
                partial(self.run_action, action),
            )
        yield SystemCommand("Reopen", "Put the item back in the queue", self.action_reopen)
        yield SystemCommand(
            "Retry failed reply", "Queue this item's failed reply again", self.action_retry_reply
        )
        for view in self.views:
            key = f" ({view.key})" if view.key else ""
            yield SystemCommand(
                f"View: {view.label}{key}",
                f"Show the {view.label} view",
                partial(self.action_view, view.id),
                discover=view.group == "main",
            )


class InboxApp(App[None]):
    """review-inbox: a keyboard-first inbox for reviews and comments."""

    TITLE = "review-inbox"
    CSS_PATH = "inbox.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit", tooltip="Close the inbox"),
    ]

    def __init__(
        self,
        context: InboxContext,
        *,
        refresh_seconds: float | None = 3.0,
        send_seconds: float | None = 10.0,
    ) -> None:
        super().__init__()
        self.context = context
        self.refresh_seconds = refresh_seconds
        self.send_seconds = send_seconds

    def get_default_screen(self) -> InboxScreen:
        return InboxScreen(
            self.context, refresh_seconds=self.refresh_seconds, send_seconds=self.send_seconds
        )

    @property
    def inbox(self) -> InboxScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, InboxScreen)
        return screen

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if isinstance(screen, InboxScreen):
            yield from screen.commands()
        yield from super().get_system_commands(screen)


def key_sections(app: App[Any]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every binding, grouped by where it works, for the help screen."""

    def rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
        return [
            (app.get_key_display(binding), binding.tooltip or binding.description)
            for binding in bindings
            if isinstance(binding, Binding)
        ]

    return [
        ("queue", rows(InboxScreen.BINDINGS)),
        ("queue", rows(QueueTable.BINDINGS)),
        ("detail", rows(DetailPane.BINDINGS)),
        ("filters", rows(FilterBar.BINDINGS)),
        ("composer", rows(ComposerScreen.BINDINGS)),
        ("composer", rows(SuggestionList.BINDINGS)),
        ("composer", [("tab", "between templates, text and buttons")]),
        ("dialogs", [("space", "tick a reason or theme"), ("enter", "choose"), ("esc", "close")]),
        ("anywhere", [("ctrl+p", "command palette: every action and view by name")]),
        ("anywhere", rows(InboxApp.BINDINGS)),
    ]


def make_app(
    context: InboxContext,
    *,
    refresh_seconds: float | None = 3.0,
    send_seconds: float | None = 10.0,
) -> InboxApp:
    """The one factory: the CLI, the tests and the benchmark build the app here."""
    return InboxApp(context, refresh_seconds=refresh_seconds, send_seconds=send_seconds)


__all__ = ["InboxApp", "InboxContext", "InboxScreen", "make_app"]
