"""The inbox window's parts: queue table, detail pane, status and source lines, view bar,
filter bar and the undo bar. They show what they are given and post messages; the app does
the database work (in workers) through the service layer."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Self

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.containers import Grid
from textual.dom import NoScreen
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from inbox.service import ItemRow, WeekSla
from inbox.tui.format import (
    PLATFORM_SHORT,
    Palette,
    account_label,
    first_line,
    flags_text,
    held_text,
    short_span,
    sla_text,
    stars_text,
    themes_text,
)
from inbox.tui.safe import clean, plain
from inbox.tui.views import FilterChoice, View, parse_day

if TYPE_CHECKING:
    from inbox.models import SourceAccount

# Below this table width the queue drops the account column and shows one theme.
COMPACT_BELOW = 100
META_WIDE = 4 + 1 + 12 + 1 + 5 + 1 + 3 + 1 + 8 + 1 + 3
META_COMPACT = META_WIDE - 13
SEARCH_PAUSE = 0.3  # seconds of no typing before the search runs


@dataclass(frozen=True)
class RowContext:
    """What formatting a queue row needs besides the row."""

    palette: Palette
    now: datetime
    due_soon: timedelta
    agent: str | None


def set_virtual_height(widget: ScrollView, width: int, height: int) -> None:
    """Change a line-API widget's scrollable size without a layout pass over the whole
    screen. Its vertical scrollbar is always shown (overflow-y: scroll in inbox.tcss), so its
    own size never changes with the content; only the scrollbar needs to know."""
    size = Size(width, height)
    if size == widget.virtual_size:
        return
    update = getattr(widget, "_scroll_update", None)  # Textual 8's scrollbar refresh
    if update is None or widget.styles.overflow_y != "scroll":
        widget.virtual_size = size
        return
    widget.set_reactive(Widget.virtual_size, size)
    update(size)
    widget.refresh()


class QueueTable(ScrollView, can_focus=True):
    """The queue: one line per item, a page at a time, drawn with Textual's line API.

    Each row is one `Text` rendered to one cached `Strip`, so a full repaint (a new view, a
    search, a live refresh) costs a few milliseconds even at 200 columns. The selected item
    keeps its place across reloads.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Next", show=False, id="queue.next", tooltip="Next item"),
        Binding(
            "up,k",
            "cursor_up",
            "Previous",
            show=False,
            id="queue.previous",
            tooltip="Previous item",
        ),
        Binding("pagedown", "page_down", "Page down", show=False, id="queue.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="queue.page_up"),
        Binding("home", "first", "First", show=False, id="queue.first"),
        Binding("end", "last", "Last loaded", show=False, id="queue.last"),
        Binding("enter", "choose", "Open", show=False, id="queue.open", tooltip="Open the item"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "queue--header",
        "queue--cursor",
        "queue--cursor-blurred",
    }

    class ItemHighlighted(Message):
        """The cursor is on another item (None: the queue is empty)."""

        def __init__(self, item_id: int | None) -> None:
            self.item_id = item_id
            super().__init__()

    class ItemChosen(Message):
        """Enter (or a click on the selected row): open the item."""

    class EndApproached(Message):
        """The cursor is near the last loaded row: time to load the next page."""

    cursor_row: reactive[int] = reactive(0, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[ItemRow] = []
        self.reply_states: dict[int, str] = {}
        self.context: RowContext | None = None
        self._compact = False
        self._text_width = 40
        self._announced: int | None = -1
        # Rendered rows, kept across reloads: a row that did not change is not drawn again.
        # Keyed by the row itself (and its reply state), so any change makes a new entry.
        self._texts: LRUCache[tuple[ItemRow, str | None], list[Text]] = LRUCache(4000)
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(4000)
        self._base: Style | None = None  # the widget's style, kept as long as the strips
        self._drawn_for: tuple[object, ...] | None = None

    # ----- geometry ----------------------------------------------------------------------
    @property
    def body_height(self) -> int:
        """Rows visible under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _layout(self) -> None:
        width = self.scrollable_content_region.width or self.size.width or 120
        self._compact = width < COMPACT_BELOW
        meta = META_COMPACT if self._compact else META_WIDE
        themes = 10 if self._compact else 20
        self._text_width = max(16, width - meta - themes - 4)

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        set_virtual_height(self, width, len(self.items) + 1)

    def on_resize(self) -> None:
        old = (self._compact, self._text_width)
        self._layout()
        if old != (self._compact, self._text_width):
            self._texts.clear()
            self._strips.clear()
            self._base = None
        self._update_virtual_size()
        self.refresh()

    # ----- rows ------------------------------------------------------------------------
    def _cells(self, row: ItemRow) -> list[Text]:
        """The row's three parts: short facts in fixed-width fields, themes, text."""
        key = (row, self.reply_states.get(row.id))
        cached = self._texts.get(key)
        if cached is not None:
            return cached
        ctx = self.context
        assert ctx is not None
        p = ctx.palette
        meta = Text(no_wrap=True, end="")
        meta.append(f"{PLATFORM_SHORT.get(row.platform, row.platform[:4]):4} ", style=p.primary)
        if not self._compact:
            source = account_label(row)
            source = source if len(source) <= 12 else source[:11] + "…"
            meta.append(f"{source:12} ")
        meta.append_text(stars_text(row.rating, p))
        published = row.created_at or row.clock_started_at
        age = short_span(ctx.now - published) if published else ""
        meta.append(f" {age:>3} ", style=p.muted)
        sla = sla_text(row.status, row.due_at, ctx.now, ctx.due_soon, p)
        sla.pad_right(8 - len(sla.plain))
        meta.append_text(sla)
        meta.append(" ")
        meta.append_text(flags_text(row, self.reply_states.get(row.id), ctx.agent, p))
        text = first_line(row, self._text_width + 10)
        held = held_text(row, ctx.now, ctx.agent, p)
        cells = [
            meta,
            themes_text(row.themes, p, limit=1 if self._compact else None),
            text if held is None else held.append_text(text),
        ]
        self._texts[key] = cells
        return cells

    def row_texts(self, item_id: int) -> list[Text]:
        """The three parts of an item's row (for tests and the help screen)."""
        row = next(r for r in self.items if r.id == item_id)
        return self._cells(row)

    def _line(self, row: ItemRow) -> Text:
        meta, themes, text = self._cells(row)
        widths = (META_COMPACT if self._compact else META_WIDE, 10 if self._compact else 20)
        line = Text(no_wrap=True, end="")
        for part, width in zip((meta, themes), widths, strict=True):
            part = part.copy()
            part.truncate(width, overflow="ellipsis", pad=True)
            line.append_text(part)
            line.append("  ")
        text = text.copy()
        text.truncate(self._text_width, overflow="ellipsis")
        line.append_text(text)
        return line

    def _header(self) -> Text:
        meta = (
            f"{'':4} Stars Age {'SLA':8}"
            if self._compact
            else f"{'':4} {'Source':12} Stars Age {'SLA':8}"
        )
        width = META_COMPACT if self._compact else META_WIDE
        themes = 10 if self._compact else 20
        return Text(f"{meta:{width}}  {'Themes':{themes}}  Text", no_wrap=True, end="")

    @property
    def _base_style(self) -> Style:
        """The widget's style. Textual works it out from the ancestors on every call: here,
        once for as long as the drawn rows are kept (both go when the theme changes)."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            header = self.get_component_rich_style("queue--header")
            return self._strip(self._header(), width, self._base_style + header)
        index = round(self.scroll_offset.y) + y - 1
        if not 0 <= index < len(self.items):
            return Strip.blank(width, self._base_style)
        row = self.items[index]
        selected = index == self.cursor_row
        focused = selected and self.has_focus
        key = (row, self.reply_states.get(row.id), selected, focused, width)
        cached = self._strips.get(key)
        if cached is None:
            cursor = None
            if selected:
                name = "queue--cursor" if focused else "queue--cursor-blurred"
                cursor = self.get_component_rich_style(name)
            cached = self._strip(self._line(row), width, self._base_style, cursor)
            self._strips[key] = cached
        return cached

    def _strip(self, text: Text, width: int, style: Style, over: Style | None = None) -> Strip:
        """One line: `style` under the text's own colours, `over` (the cursor) on top."""
        segments = list(Segment.apply_style(text.render(self.app.console), style, over))
        return Strip(segments).crop_extend(0, width, style + over if over else style)

    @property
    def selected_id(self) -> int | None:
        if not self.items:
            return None
        index = min(max(self.cursor_row, 0), len(self.items) - 1)
        return self.items[index].id

    def show_items(
        self,
        rows: Sequence[ItemRow],
        reply_states: dict[int, str],
        ctx: RowContext,
        *,
        select: int | None = None,
    ) -> None:
        """Replace the rows. The selected item keeps its place on screen when it is still
        there (else the row at the same position is selected): a refresh never jumps."""
        keep_id = select if select is not None else self.selected_id
        old_index = self.cursor_row if self.items else 0
        on_screen = old_index - round(self.scroll_offset.y)
        self.context = ctx
        self._layout()
        # Ages and SLA states are shown to the minute: redraw every row when the minute,
        # the theme or the width changes; otherwise only rows that changed.
        drawn_for = (
            ctx.palette,
            ctx.now.replace(second=0, microsecond=0),
            ctx.agent,
            self._compact,
            self._text_width,
        )
        if drawn_for != self._drawn_for:
            self._drawn_for = drawn_for
            self._texts.clear()
            self._strips.clear()
            self._base = None
        self.reply_states = dict(reply_states)
        self.items = list(rows)
        self._update_virtual_size()
        if not self.items:
            self.set_reactive(QueueTable.cursor_row, 0)
            self.scroll_to(y=0, animate=False, immediate=True)
            self.refresh()
            self._announce()
            return
        ids = [r.id for r in self.items]
        index = ids.index(keep_id) if keep_id in ids else min(old_index, len(ids) - 1)
        self.set_reactive(QueueTable.cursor_row, index)
        on_screen = min(max(0, on_screen), self.body_height - 1)
        self.scroll_to(y=max(0, index - on_screen), animate=False, immediate=True)
        self.refresh()
        self._announce()

    def append_items(self, rows: Sequence[ItemRow], reply_states: dict[int, str]) -> None:
        """Add the next page below the loaded ones."""
        known = {r.id for r in self.items}
        self.reply_states.update(reply_states)
        self.items.extend(row for row in rows if row.id not in known)
        self._update_virtual_size()
        self.refresh()

    def move_cursor(self, row: int) -> None:
        if self.items:
            self.cursor_row = min(max(0, row), len(self.items) - 1)

    def watch_cursor_row(self, old: int, new: int) -> None:
        top = round(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= top + self.body_height:
            self.scroll_to(y=new - self.body_height + 1, animate=False, immediate=True)
        if round(self.scroll_offset.y) == top:
            # Only the two rows whose highlight changed are drawn again.
            width = self.size.width
            for index in {old, new}:
                self.refresh(Region(0, index - top + 1, width, 1))
        else:
            self.refresh()
        self._announce()
        if self.items and new >= len(self.items) - 20:
            self.post_message(self.EndApproached())

    def _announce(self) -> None:
        current = self.selected_id
        if current != self._announced:
            self._announced = current
            self.post_message(self.ItemHighlighted(current))

    # ----- keys and mouse ----------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor_row + self.body_height)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor_row - self.body_height)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.items) - 1)

    def action_choose(self) -> None:
        if self.items:
            self.post_message(self.ItemChosen())

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_offset.y) + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.items):
            if index == self.cursor_row and event.chain >= 2:
                self.post_message(self.ItemChosen())
            self.move_cursor(index)

    # Focus changes the cursor row's colour only (its strips are cached per focus state):
    # that row is drawn again, not the whole table. Enter in the search field moves focus
    # here just before the results arrive, and a full repaint of the old rows then competed
    # with the search for the processor. Textual's `focus()`, `_on_focus` and `_on_blur`
    # each repaint the whole widget, so these three do what they do without that.
    def focus(self, scroll_visible: bool = True) -> Self:
        def set_focus() -> None:
            with contextlib.suppress(NoScreen):
                self.screen.set_focus(self, scroll_visible=scroll_visible)

        self.app.call_later(set_focus)
        return self

    def _on_focus(self, event: events.Focus) -> None:
        event.prevent_default()  # Widget._on_focus: the same, plus a full repaint
        self.has_focus = True
        self._refresh_cursor()
        if self.parent is not None:
            self.parent.post_message(events.DescendantFocus(self))

    def _on_blur(self, event: events.Blur) -> None:
        event.prevent_default()  # Widget._on_blur: the same, plus a full repaint
        self.has_focus = False
        self._refresh_cursor()
        if self.parent is not None:
            self.parent.post_message(events.DescendantBlur(self))

    def watch_has_focus(self, _has_focus: bool) -> None:
        """Textual restyles a widget whose focus changed, in case a `:focus` rule applies;
        none does to the queue (its cursor's colours are component classes, read when the
        row is drawn), and that restyle redraws the queue's scrollbar every time."""

    def _refresh_cursor(self) -> None:
        top = round(self.scroll_offset.y)
        self.refresh(Region(0, self.cursor_row - top + 1, self.size.width, 1))


class DetailPane(ScrollView, can_focus=True):
    """Everything about the selected item, scrollable (and maximized to read it).

    Drawn with the line API: the text is wrapped once per width and its lines cached, so
    showing another item repaints this pane only, without a layout pass over the screen.
    """

    ALLOW_MAXIMIZE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_down", "Scroll down", show=False, id="detail.down"),
        Binding("up,k", "scroll_up", "Scroll up", show=False, id="detail.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="detail.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="detail.page_up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()
        self._lines: list[Strip] = []
        self._blank = Strip.blank(0)  # below the text
        self._wrapped_at = -1

    def show(self, text: Text, *, keep_scroll: bool = False) -> None:
        self.text = text
        self._wrapped_at = -1
        self._wrap()
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _wrap(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0 or width == self._wrapped_at:
            return
        console = self.app.console
        options = console.options.update_width(width)
        style = self.rich_style  # worked out from the ancestors: once, not once a line
        lines = console.render_lines(self.text, options, style=style, pad=True)
        self._lines = [Strip(line, width) for line in lines]
        self._blank = Strip.blank(width, style)
        self._wrapped_at = width
        set_virtual_height(self, width, len(self._lines))

    def on_resize(self) -> None:
        self._wrap()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._wrap()  # once a repaint, not once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = round(self.scroll_offset.y) + y
        if 0 <= index < len(self._lines):
            return self._lines[index]
        return self._blank


class KeyBar(Static):
    """The keys that work here, on one line. (Textual's Footer rebuilds a widget per key on
    every focus change; one line of text costs a fraction of that.)"""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._shown: tuple[tuple[str, str], ...] | None = None
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is not self.screen:
            return
        shown = tuple(
            (self.app.get_key_display(binding), binding.description)
            for (_node, binding, enabled, _tooltip) in screen.active_bindings.values()
            if binding.show and enabled
        )
        if shown == self._shown:
            return
        self._shown = shown
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for key, description in (*shown, ("^p", "palette")):
            text.append(key, style="bold reverse")
            text.append(f" {description}  ")
        self.update(text, layout=False)


class StatusLine(Static):
    """Top line: theme spikes (first: they are news), this week's SLA, open breaches, items
    needing a reply, escalations to export and the outbox."""

    def show(
        self,
        sla: WeekSla,
        needs_reply: int,
        unexported: int,
        outbox: dict[str, int],
        palette: Palette,
        *,
        sending: bool,
        spikes: Sequence[tuple[str, int]] = (),
    ) -> None:
        p = palette
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if spikes:
            text.append("▲ spike ", style=p.error + p.bold)
            shown = ", ".join(f"{clean(name)} {count} today" for name, count in spikes[:2])
            more = f" +{len(spikes) - 2}" if len(spikes) > 2 else ""
            text.append(shown + more, style=p.warning + p.bold)
            text.append(" · ")
        text.append("SLA wk ", style=p.muted)
        if sla.percent is None:
            text.append("–", style=p.muted)
        else:
            style = p.success if sla.percent >= 90 else p.warning if sla.percent >= 75 else p.error
            text.append(f"{sla.percent:.0f}%", style=style + p.bold)
            text.append(f" ({sla.within_target}/{sla.responded})", style=p.muted)
        text.append(" · ")
        text.append(f"{sla.breached_open} late", style=p.error if sla.breached_open else p.muted)
        text.append(" · ")
        text.append(f"{needs_reply} need reply", style=p.bold)
        text.append(" · ")
        text.append(f"{unexported} esc. to export", style=p.warning if unexported else p.muted)
        queued = outbox.get("queued", 0) + outbox.get("sending", 0)
        failed = outbox.get("failed", 0)
        text.append(" · outbox ")
        text.append(f"{queued} queued", style=p.accent if queued else p.muted)
        if failed:
            text.append(f" {failed} failed", style=p.error + p.bold)
        if not sending and queued:
            text.append(" (not sending: run `inbox send`)", style=p.warning)
        self.update(text, layout=False)


class SourcesLine(Static):
    """Each source's last poll and error, so an expired token is seen at once."""

    def show(self, accounts: Sequence[SourceAccount], now: datetime, palette: Palette) -> None:
        p = palette
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if not accounts:
            text.append("no sources yet: `inbox init`, then `inbox poll`", style=p.muted)
        # Failing sources first: they are what needs attention.
        ordered = sorted(accounts, key=lambda a: (a.last_error is None, a.name))
        for index, account in enumerate(ordered):
            if index:
                text.append("  ")
            text.append(clean(account.name))
            if account.last_error:
                text.append(" ✗ ", style=p.error + p.bold)
                text.append(clean(account.last_error).splitlines()[0][:90], style=p.error)
            elif account.last_success_at:
                text.append(" ✓ ", style=p.success)
                text.append(short_span(now - account.last_success_at), style=p.muted)
            else:
                text.append(" · never polled", style=p.muted)
        self.update(text, layout=False)


class ViewBar(Static):
    """The saved views with their counts; the current one stands out."""

    def show(
        self,
        views: Sequence[View],
        current: View,
        counts: dict[str, int],
        choice: FilterChoice,
        shown: int | None,
        palette: Palette,
        *,
        narrow: bool,
    ) -> None:
        p = palette
        text = Text(end="")
        for view in views:
            label = view.short_label if narrow else view.label
            count = counts.get(view.id)
            active = view.id == current.id
            if view.key:
                text.append(f"{view.key}", style=p.muted if not active else p.accent + p.bold)
            text.append(f" {label}", style=p.accent + p.bold if active else "")
            text.append(f" {count if count is not None else '…'}  ", style=p.muted)
        if current.key is None:
            text.append("v ", style=p.muted)
            text.append(current.label, style=p.accent + p.bold)
            count = counts.get(current.id)
            text.append(f" {count if count is not None else '…'}  ", style=p.muted)
        if not choice.empty:
            text.append("\nfilter ", style=p.warning + p.bold)
            text.append(clean(choice.describe()), style=p.warning)
            text.append(f"  → {'…' if shown is None else shown} items", style=p.muted)
        lines = text.plain.count("\n") + 1
        if self.styles.height is None or self.styles.height.value != lines:
            self.styles.height = lines  # only a change of height needs a layout pass
        self.update(text, layout=False)


class UndoBar(Static):
    """The last queued reply and its undo window."""

    def show(self, text: Text | None) -> None:
        self.display = text is not None
        if text is not None:
            self.update(text, layout=False)


PLATFORM_CHOICES = [
    ("Google Play", "google_play"),
    ("App Store", "app_store"),
    ("Business Profile", "gbp"),
    ("Instagram", "instagram"),
]
RATING_CHOICES = [
    ("1–2★", "low"),
    ("3★", "3"),
    ("4–5★", "high"),
    ("1★", "1"),
    ("2★", "2"),
    ("4★", "4"),
    ("5★", "5"),
]
STATUS_CHOICES = [
    ("new", "new"),
    ("open", "open"),
    ("escalated", "escalated"),
    ("replied", "replied"),
    ("no reply needed", "no_reply_needed"),
]


class FilterBar(Grid):
    """Platform, account, rating, theme, status, language, date range and free text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "close",
            "Close filters",
            show=False,
            id="filters.close",
            tooltip="Back to the queue (the filters stay)",
        ),
        Binding(
            "ctrl+x",
            "clear",
            "Clear filters",
            show=False,
            id="filters.clear",
            tooltip="Remove every filter",
        ),
    ]

    class Changed(Message):
        """The filter bar's choice changed (a valid one)."""

        def __init__(self, choice: FilterChoice) -> None:
            self.choice = choice
            super().__init__()

    class Closed(Message):
        """Escape: back to the queue, the bar hidden (its filters stay)."""

    class Applied(Message):
        """Enter in the search field: on to the results (the bar stays open)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._silent = False
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Select[str](PLATFORM_CHOICES, prompt="platform", id="f-platform", compact=True)
        yield Select[str]([], prompt="account", id="f-account", compact=True)
        yield Select[str](RATING_CHOICES, prompt="rating", id="f-rating", compact=True)
        yield Select[str]([], prompt="theme", id="f-theme", compact=True)
        yield Select[str](STATUS_CHOICES, prompt="status", id="f-status", compact=True)
        yield Select[str]([], prompt="language", id="f-language", compact=True)
        yield Input(placeholder="from YYYY-MM-DD", id="f-since", compact=True)
        yield Input(placeholder="to YYYY-MM-DD", id="f-until", compact=True)
        yield Input(
            placeholder="search text, author…  (Enter; esc closes, ctrl+x clears)",
            id="f-text",
            compact=True,
        )

    def set_options(
        self,
        accounts: Sequence[tuple[str, str]],
        themes: Sequence[tuple[str, str]],
        languages: Sequence[str],
    ) -> None:
        """Fill the choices that come from the database and the taxonomy."""
        self._silent = True
        try:
            # Names come from platforms and config: shown as plain text, like reviews.
            for select_id, options in (
                ("#f-account", [(plain(label), value) for label, value in accounts]),
                ("#f-theme", [(plain(label), value) for label, value in themes]),
                ("#f-language", [(plain(lang), lang) for lang in languages]),
            ):
                select = self.query_one(select_id, Select)
                current = select.value
                select.set_options(options)
                if current in {v for _l, v in options}:
                    select.value = current
        finally:
            self._silent = False

    def choice(self) -> FilterChoice:
        """The current choice; raises ValueError naming a malformed date."""

        def value(select_id: str) -> str | None:
            v = self.query_one(select_id, Select).value
            return v if isinstance(v, str) else None

        return FilterChoice(
            platform=value("#f-platform"),
            account=value("#f-account"),
            rating=value("#f-rating"),
            theme=value("#f-theme"),
            status=value("#f-status"),
            language=value("#f-language"),
            since=parse_day(self.query_one("#f-since", Input).value),
            until=parse_day(self.query_one("#f-until", Input).value),
            text=self.query_one("#f-text", Input).value,
        )

    def _changed(self) -> None:
        if self._silent:
            return
        try:
            choice = self.choice()
        except ValueError as exc:
            self.notify(str(exc), title="Filter", severity="warning", markup=False)
            return
        self.post_message(self.Changed(choice))

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._changed()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        # On to the results first: the screen then moves focus in the same turn as the
        # search starts, and both are drawn in one repaint rather than two frames apart
        # (the second of which could hold back the results' repaint by a frame).
        self.post_message(self.Applied())
        self._changed()

    @on(Input.Changed, "#f-text")
    def _text_changed(self, event: Input.Changed) -> None:
        """Search as you type, once typing pauses."""
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(SEARCH_PAUSE, self._changed)

    def action_close(self) -> None:
        self._changed()
        self.post_message(self.Closed())

    def action_clear(self) -> None:
        self._silent = True
        try:
            for select in self.query(Select):
                select.clear()
            for field in self.query(Input):
                field.value = ""
        finally:
            self._silent = False
        self._changed()

    def focus_text(self) -> None:
        self.query_one("#f-text", Input).focus()
