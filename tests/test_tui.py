"""The inbox window driven like a person drives it (Pilot), on a real SQLite database:
triage, reply and undo, escalate, retag, snooze, views and filters, live refresh, safety."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from rich.text import Text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from textual.widgets import Input, OptionList, Select, SelectionList, Static, TextArea
from tui_support import EVIL_AUTHOR, NOW, FakeExplainer, app_for, build_inbox, review, settle

from inbox.db import session_scope
from inbox.ingest import ensure_account, ingest
from inbox.models import Escalation, Event, Item, Reply, Tag, TagOrigin
from inbox.tui.app import InboxScreen
from inbox.tui.screens import (
    ComposerScreen,
    EscalateScreen,
    HelpScreen,
    RetagScreen,
    SnoozeScreen,
    ViewPickerScreen,
)
from inbox.tui.widgets import DetailPane, QueueTable, SourcesLine, StatusLine, UndoBar, ViewBar
from sources.base import Platform

pytestmark = pytest.mark.anyio


@pytest.fixture
def inbox(sqlite_engine: Engine) -> tuple[Engine, dict[str, int]]:
    return sqlite_engine, build_inbox(sqlite_engine)


def shown(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def detail_text(screen: InboxScreen) -> str:
    return screen.query_one(DetailPane).text.plain


def queue_ids(screen: InboxScreen) -> list[int]:
    return [row.id for row in screen.query_one(QueueTable).items]


def item(engine: Engine, item_id: int) -> Item:
    with Session(engine) as session:
        found = session.get(Item, item_id)
        assert found is not None
        return found


def replies(engine: Engine, item_id: int) -> list[Reply]:
    with Session(engine) as session:
        return list(
            session.execute(
                sa.select(Reply).where(col(Reply.item_id) == item_id, col(Reply.origin) == "tool")
            ).scalars()
        )


async def test_queue_is_urgent_first_with_sla_states_and_status_bars(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        # escalated, then breached, then due soon, then the rest newest first; replied not here
        assert queue_ids(screen) == [
            ids["as-1"],
            ids["gp-1"],
            ids["gbp-1"],
            ids["ig-2"],
            ids["ig-1"],
            ids["gp-2"],
        ]
        table = screen.query_one(QueueTable)
        cells = {str(row.id): table.row_texts(row.id) for row in table.items}
        breached = [c.plain for c in cells[str(ids["gp-1"])]]
        assert breached[0].split() == ["Play", "play", "★☆☆☆☆", "6d", "late", "2d", "●"]
        assert breached[1] == "pickup·price_cut"
        assert breached[2].startswith("Quote 14k tha, pickup pe 9k bola. Worst experience")
        soon = cells[str(ids["gbp-1"])][0].plain
        assert soon == "GBP  Koramangala  ★★★★☆  2d due 30m  ●  "
        assert "⚑" in cells[str(ids["as-1"])][0].plain
        status = shown(screen.query_one(StatusLine))
        assert "1 late" in status
        assert "6 need reply" in status
        assert "1 esc. to export" in status
        sources = shown(screen.query_one(SourcesLine))
        assert sources.startswith("instagram ✗ Credentials: Instagram token expired")
        assert "play ✓ 4m" in sources
        views = shown(screen.query_one(ViewBar))
        for part in ("Needs reply 6", "Due soon 1", "Breached 1", "Escalated 1", "All 7"):
            assert part in views
        # the detail pane shows the first item: title, body, tags with scores, escalation
        text = detail_text(screen)
        assert "Payment stuck" in text
        assert "payment 0.94 model" in text
        assert "rule fraud_allegation matched 'fraud company'" in text
        assert "not exported yet" in text


async def test_next_item_and_open(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        await pilot.press("j")
        await settle(pilot)
        assert screen.query_one(QueueTable).selected_id == ids["gp-1"]
        text = detail_text(screen)
        assert "Rahul Sharma" in text and "app 5.6.0" in text and "Redmi Note 10" in text
        assert "breached 2d ago" in text
        await pilot.press("down", "k")
        await settle(pilot)
        assert screen.query_one(QueueTable).selected_id == ids["gp-1"]
        await pilot.press("o")
        await settle(pilot)
        assert item(engine, ids["gp-1"]).status == "open"
        assert app.screen.maximized is screen.query_one(DetailPane)
        await pilot.press("escape")
        assert app.screen.maximized is None
        assert "viewed by tester" in detail_text(screen)


async def test_reply_with_template_lint_blocks_then_send_and_undo(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "r")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        # opening the composer claims the item
        assert item(engine, ids["gp-1"]).assignee == "tester"
        options = composer.query_one(OptionList)
        assert options.option_count == 3
        await pilot.press("1")
        await settle(pilot, 0.3)
        area = composer.query_one(TextArea)
        assert area.has_focus
        assert composer.template_id == composer.suggestions[0].template.id
        assert "Rahul" in area.text
        assert "✓ lint: no problems" in shown(composer.query_one("#lint", Static))
        # an edit past Google Play's 350 characters is an error: send is refused
        area.text = area.text + " More words." * 40
        await settle(pilot, 0.35)
        lint = shown(composer.query_one("#lint", Static))
        assert "✗" in lint and "the limit is 350" in lint
        counter = shown(composer.query_one("#counter", Static))
        assert counter.startswith(f"{len(area.text)} / 350 characters")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        assert replies(engine, ids["gp-1"]) == []
        # fixed: it goes to the outbox with the template recorded, and the undo bar shows
        area.text = (
            "Sorry about the price change at pickup, Rahul. Please write to care@resello.in."
        )
        await settle(pilot, 0.35)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        [queued] = replies(engine, ids["gp-1"])
        assert (queued.state, queued.template_id) == ("queued", composer.suggestions[0].template.id)
        assert queued.send_after == NOW + timedelta(seconds=30)
        undo = app.inbox.query_one(UndoBar)
        assert undo.display
        assert "goes out in 30 s" in shown(undo)
        row = app.inbox.query_one(QueueTable).row_texts(ids["gp-1"])
        assert row[0].plain.endswith("● ↻")
        await pilot.press("u")
        await settle(pilot)
        [cancelled] = replies(engine, ids["gp-1"])
        assert cancelled.state == "cancelled"
        assert not undo.display


async def test_reply_to_a_queued_item_edits_it(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.inbox.context.outbox.queue(ids["as-1"], "We are checking your payment, Kavya.")
        await pilot.press("r")
        await settle(pilot)
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        area = composer.query_one(TextArea)
        assert area.text == "We are checking your payment, Kavya."
        area.text = "We are checking your payment today, Kavya."
        await settle(pilot, 0.35)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [reply] = replies(engine, ids["as-1"])
        assert (reply.state, reply.body) == ("queued", "We are checking your payment today, Kavya.")


async def test_cancelled_composer_releases_the_claim(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert item(engine, ids["as-1"]).claimed_until is not None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        assert item(engine, ids["as-1"]).claimed_until is None


async def test_dialogs_open_focused_and_their_cancel_button_changes_nothing(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key, dialog_type, focused in (
            ("e", EscalateScreen, "reasons"),
            ("t", RetagScreen, "themes"),
            ("z", SnoozeScreen, "presets"),
        ):
            await pilot.press("j", key)
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, dialog_type)
            assert dialog.focused is not None and dialog.focused.id == focused
            if dialog.query("#cancel"):
                await pilot.click("#cancel")
            else:
                await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, InboxScreen)
            await pilot.press("k")
    with Session(engine) as session:
        escalated = session.execute(
            sa.select(Escalation).where(col(Escalation.item_id) == ids["gp-1"])
        ).all()
        gp1 = session.get(Item, ids["gp-1"])
    assert escalated == []
    assert gp1 is not None and gp1.snoozed_until is None and gp1.version == 1


async def test_escalate_with_reasons_and_note(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EscalateScreen)
        reasons = dialog.query_one(SelectionList)
        reasons.select("money_not_received")
        reasons.select("legal_threat")
        dialog.query_one(Input).value = "customer says 3,000 were cut"
        await pilot.press("ctrl+s")
        await settle(pilot)
        with Session(engine) as session:
            rows = session.execute(
                sa.select(Escalation).where(col(Escalation.item_id) == ids["gp-1"])
            ).scalars()
            [esc] = list(rows)
        assert esc.reasons == [
            "money_not_received: Money not received",
            "legal_threat: Legal threat",
        ]
        assert (esc.severity, esc.note, esc.created_by) == (
            "high",
            "customer says 3,000 were cut",
            "tester",
        )
        assert item(engine, ids["gp-1"]).status == "escalated"
        screen = app.inbox
        assert "Escalated 2" in shown(screen.query_one(ViewBar))
        assert "customer says 3,000 were cut" in detail_text(screen)


async def test_retag_stores_human_tags(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RetagScreen)
        themes = dialog.query_one(SelectionList)
        assert set(themes.selected) == {"pickup", "price_cut"}
        themes.deselect("pickup")
        themes.select("support")
        await pilot.press("ctrl+s")
        await settle(pilot)
        with Session(engine) as session:
            human = {
                (t.theme, t.active, t.created_by)
                for t in session.execute(
                    sa.select(Tag).where(
                        col(Tag.item_id) == ids["gp-1"], col(Tag.origin) == TagOrigin.HUMAN
                    )
                ).scalars()
            }
        assert human == {("pickup", False, "tester"), ("support", True, "tester")}
        row = app.inbox.query_one(QueueTable).row_texts(ids["gp-1"])
        assert row[1].plain == "price_cut·support"


async def test_snooze_hides_the_item_and_selects_the_next(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "z")
        await settle(pilot)
        assert isinstance(app.screen, SnoozeScreen)
        await pilot.press("enter")  # the first preset: in 1 hour
        await settle(pilot)
        assert item(engine, ids["gp-1"]).snoozed_until == NOW + timedelta(hours=1)
        screen = app.inbox
        assert ids["gp-1"] not in queue_ids(screen)
        assert screen.query_one(QueueTable).selected_id == ids["gbp-1"]
        assert "Needs reply 5" in shown(screen.query_one(ViewBar))


async def test_snooze_until_a_typed_time(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one(Input).value = "2026-11-30 10:00"
        dialog.query_one(Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        until = item(engine, ids["as-1"]).snoozed_until
        assert until is not None and until.isoformat() == "2026-11-30T04:30:00+00:00"


async def test_no_reply_needed_assign_and_mine(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        await pilot.press("j", "j", "n")
        await settle(pilot)
        assert item(engine, ids["gbp-1"]).status == "no_reply_needed"
        assert ids["gbp-1"] not in queue_ids(screen)
        assert screen.query_one(QueueTable).selected_id == ids["ig-2"]
        await pilot.press("a")
        await settle(pilot)
        assert item(engine, ids["ig-2"]).assignee == "tester"
        await pilot.press("5")
        await settle(pilot)
        assert queue_ids(screen) == [ids["ig-2"]]
        await pilot.press("a")
        await settle(pilot)
        assert item(engine, ids["ig-2"]).assignee is None
        assert queue_ids(screen) == []
        assert "Nothing here" in detail_text(screen)


async def test_views_by_key_and_picker(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        expected = {
            "2": [ids["gbp-1"]],
            "3": [ids["gp-1"]],
            "4": [ids["as-1"]],
            "6": [],
            "7": [
                ids["as-1"],
                ids["gp-1"],
                ids["gbp-1"],
                ids["ig-2"],
                ids["ig-1"],
                ids["gp-2"],
                ids["gp-3"],
            ],
        }
        for key, want in expected.items():
            await pilot.press(key)
            await settle(pilot)
            assert queue_ids(screen) == want, key
        await pilot.press("v")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ViewPickerScreen)
        options = picker.query_one(OptionList)
        prompt = options.get_option("theme:payment").prompt
        assert isinstance(prompt, Text) and prompt.plain == "Payment & payout  2"
        options.highlighted = options.get_option_index("platform:instagram")
        await pilot.press("enter")
        await settle(pilot)
        assert queue_ids(screen) == [ids["ig-2"], ids["ig-1"]]
        assert screen.view.id == "platform:instagram"


async def test_filter_bar_and_search(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        await pilot.press("slash")
        await settle(pilot)
        search = screen.query_one("#f-text", Input)
        assert search.has_focus
        await pilot.press(*"money", "enter")
        await settle(pilot)
        assert queue_ids(screen) == [ids["as-1"], ids["gp-2"]]
        assert 'filter "money"  → 2 items' in shown(screen.query_one(ViewBar))
        assert screen.query_one(QueueTable).has_focus
        await pilot.press("f")
        await settle(pilot)
        screen.query_one("#f-rating", Select).value = "high"
        await settle(pilot)
        assert queue_ids(screen) == [ids["gp-2"]]
        screen.query_one("#f-text", Input).value = ""
        screen.query_one("#f-status", Select).value = "replied"
        await settle(pilot, 0.4)
        assert queue_ids(screen) == [ids["gp-3"]]
        screen.query_one("#f-status", Select).clear()
        screen.query_one("#f-rating", Select).clear()
        screen.query_one("#f-platform", Select).value = "gbp"
        await settle(pilot)
        assert queue_ids(screen) == [ids["gbp-1"]]
        screen.query_one("#f-since", Input).value = "2026-11-24"
        screen.query_one("#f-since", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert queue_ids(screen) == []
        screen.query_one("#f-platform", Select).focus()
        await pilot.press("ctrl+x")
        await settle(pilot)
        assert len(queue_ids(screen)) == 6
        screen.query_one("#f-account", Select).value = "appstore"
        screen.query_one("#f-language", Select).value = "en"
        await settle(pilot)
        assert queue_ids(screen) == [ids["as-1"]]
        await pilot.press("escape")
        assert not screen.query_one("#filters").display
        assert "filter account appstore · language en" in shown(screen.query_one(ViewBar))


async def test_a_focus_change_draws_only_the_cursor_row_again(inbox, monkeypatch) -> None:
    engine, _ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        table = screen.query_one(QueueTable)
        await pilot.press("slash")  # the filter bar opens: a layout change, every row drawn
        await settle(pilot)
        made: list[int] = []  # rows formatted (not cached)
        asked: list[int] = []  # screen lines of the queue drawn
        line, render_line = QueueTable._line, QueueTable.render_line

        def counting_line(self: QueueTable, row):  # type: ignore[no-untyped-def]
            made.append(row.id)
            return line(self, row)

        def counting_render_line(self: QueueTable, y: int):  # type: ignore[no-untyped-def]
            asked.append(y)
            return render_line(self, y)

        scrollbar = table.vertical_scrollbar
        scrollbar_drawn: list[bool] = []
        scrollbar_render = type(scrollbar).render

        def counting_scrollbar_render(self):  # type: ignore[no-untyped-def]
            scrollbar_drawn.append(self is scrollbar)
            return scrollbar_render(self)

        monkeypatch.setattr(QueueTable, "_line", counting_line)
        monkeypatch.setattr(QueueTable, "render_line", counting_render_line)
        monkeypatch.setattr(type(scrollbar), "render", counting_scrollbar_render)
        cursor_line = table.cursor_row - round(table.scroll_offset.y) + 1
        cursor_colours = set()
        for key, focused in (("enter", True), ("slash", False), ("enter", True)):
            await pilot.press(key)  # enter: the (unchanged) search, on to the queue
            await settle(pilot)
            assert table.has_focus is focused
            assert set(asked) == {cursor_line}
            asked.clear()
            cursor_colours.add(next(iter(table.render_line(cursor_line))).style)
        # The cursor row in each colour was drawn before the filter bar opened, or once now.
        assert set(made) <= {table.selected_id}
        assert len(cursor_colours) == 2
        assert not any(scrollbar_drawn)
        assert len(table.items) > 1


async def test_a_theme_change_redraws_the_queue_and_the_detail_in_its_colours(inbox) -> None:
    engine, _ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        table = app.inbox.query_one(QueueTable)
        pane = app.inbox.query_one(DetailPane)
        # A line below the queue's last row, one below the detail's text.
        lines = [(table, len(table.items) + 3), (pane, pane.size.height - 1)]
        assert len(pane.text.wrap(app.console, pane.size.width)) < pane.size.height - 1

        def backgrounds() -> list[object]:
            return [next(iter(widget.render_line(y))).style.bgcolor for widget, y in lines]

        dark = backgrounds()
        assert dark == [table.rich_style.bgcolor, pane.rich_style.bgcolor]
        app.theme = "textual-light"
        await settle(pilot)
        light = backgrounds()
        assert light == [table.rich_style.bgcolor, pane.rich_style.bgcolor]
        assert light != dark


async def test_enter_in_the_search_moves_focus_before_the_search_starts(inbox, monkeypatch) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        table = screen.query_one(QueueTable)
        focus_at_reload: list[bool] = []
        reload_queue = InboxScreen.reload_queue

        def recording_reload(self: InboxScreen, select: int | None = None) -> None:
            focus_at_reload.append(self.focused is table)
            reload_queue(self, select)

        monkeypatch.setattr(InboxScreen, "reload_queue", recording_reload)
        await pilot.press("slash", *"money", "enter")
        await settle(pilot)
        # One reload (typing's own search waits for a pause Enter cut short), with the
        # queue already focused: its new cursor colour and the filter line share a repaint.
        assert focus_at_reload == [True]
        assert table.has_focus
        assert queue_ids(screen) == [ids["as-1"], ids["gp-2"]]


async def test_a_new_page_shows_its_selected_item_at_once_read_once(inbox, monkeypatch) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        read: list[int] = []
        shown_with_page: list[int | None] = []
        get_item, page_loaded = screen.service.get_item, InboxScreen._page_loaded

        def counting_get_item(item_id: int):  # type: ignore[no-untyped-def]
            read.append(item_id)
            return get_item(item_id)

        def checking_page_loaded(self: InboxScreen, *args, **kwargs):  # type: ignore[no-untyped-def]
            page_loaded(self, *args, **kwargs)
            shown_with_page.append(self.detail.item.id if self.detail else None)

        await pilot.press("j")  # on the second row: gp-1
        await settle(pilot)
        monkeypatch.setattr(screen.service, "get_item", counting_get_item)
        monkeypatch.setattr(InboxScreen, "_page_loaded", checking_page_loaded)
        await pilot.press("slash", *"money", "enter")
        await settle(pilot)
        assert queue_ids(screen) == [ids["as-1"], ids["gp-2"]]
        # gp-1 is not among the results: the second row is selected, gp-2. The page brought
        # it along and showed it in the same turn; the highlight that follows found it
        # shown and read nothing more.
        assert screen.query_one(QueueTable).selected_id == ids["gp-2"]
        assert shown_with_page == [ids["gp-2"]]
        assert read == [ids["gp-2"]]
        assert "Smooth pickup" in detail_text(screen)
        await pilot.press("k")  # moving on still reads the item
        await settle(pilot)
        assert read == [ids["gp-2"], ids["as-1"]]
        assert "Where is my money??" in detail_text(screen)


async def test_live_refresh_keeps_the_selected_item(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        table = screen.query_one(QueueTable)
        await pilot.press("j", "j", "j", "j")
        await settle(pilot)
        assert (table.selected_id, table.cursor_row) == (ids["ig-1"], 4)
        with session_scope(engine) as session:
            account = ensure_account(session, "play", Platform.GOOGLE_PLAY)
            new = review(Platform.GOOGLE_PLAY, "gp-new", "Just sold my phone", timedelta(minutes=1))
            ingest(session, account, [new], now=NOW)
        screen.refresh_all()
        await settle(pilot)
        assert len(table.items) == 7
        assert table.items[3].external_id == "gp-new"
        assert (table.selected_id, table.cursor_row) == (ids["ig-1"], 5)
        assert "Needs reply 7" in shown(screen.query_one(ViewBar))


async def test_why_loads_the_classifier_only_when_asked(inbox) -> None:
    engine, _ids = inbox
    app = app_for(engine)
    FakeExplainer.calls = 0
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert FakeExplainer.calls == 0
        await pilot.press("j", "w")
        await settle(pilot)
        assert FakeExplainer.calls == 1
        text = detail_text(app.inbox)
        assert 'price_cut ← "9k bola" +0.84, "quote" +0.51' in text


async def test_markup_and_escape_sequences_show_literally_and_do_nothing(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        await pilot.press("j", "j", "j")
        await settle(pilot)
        assert screen.query_one(QueueTable).selected_id == ids["ig-2"]
        body = screen.query_one(DetailPane).text
        assert isinstance(body, Text)
        assert "[bold]not bold[/bold] [@click=app.quit]click me[/] a link red? done" in body.plain
        assert "[red]Mallory[/red]" in body.plain
        assert "\x1b" not in body.plain and "\x07" not in body.plain
        assert not any(span.style and "link" in str(span.style) for span in body.spans)
        for span in body.spans:
            style = span.style
            assert not (hasattr(style, "meta") and style.meta), span
        row = screen.query_one(QueueTable).row_texts(ids["ig-2"])
        assert row[2].plain.startswith("[bold]not bold[/bold] [@click=app.quit]")
        # clicking on the text, copying it, opening it: nothing runs, the app stays up
        await pilot.click(DetailPane, offset=(20, 3))
        await pilot.press("c")
        await settle(pilot)
        assert app.is_running
        assert app.clipboard.startswith("[bold]not bold[/bold]")
        assert "\x1b" not in app.clipboard
        await pilot.press("r")
        await settle(pilot)
        head = app.screen.query_one("#composer-head", Static).content
        assert isinstance(head, Text) and EVIL_AUTHOR.split(" ")[0] in head.plain


async def test_help_lists_every_key_and_the_palette_every_action(inbox) -> None:
    engine, _ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        table = help_screen.query_one("#keys")
        keys = {table.get_row(k)[1].plain for k in table.rows}
        for binding in InboxScreen.BINDINGS:
            assert app.get_key_display(binding) in keys, binding
        for binding in ComposerScreen.BINDINGS:
            assert app.get_key_display(binding) in keys, binding
        assert {"1", "2", "3", "ctrl+p"} <= keys
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.inbox)]
        for title in ("Reply (r)", "Escalate (e)", "Snooze (z)", "View: Breached (3)", "Reopen"):
            assert title in titles
        assert "View: Payment & payout" in titles


async def test_a_failing_action_is_reported_not_fatal(inbox) -> None:
    engine, ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        other = app.inbox.service.__class__(
            engine, app.inbox.context.config, clock=lambda: NOW, agent="asha"
        )
        other.claim(ids["as-1"])
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)  # no composer on a colleague's item
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any("asha is working on this item" in m for m in messages)


def test_detail_history_lists_events(inbox) -> None:
    engine, ids = inbox
    with Session(engine) as session:
        kinds = [
            e.kind
            for e in session.execute(
                sa.select(Event).where(col(Event.item_id) == ids["as-1"])
            ).scalars()
        ]
    assert kinds == ["received", "escalated"]


async def test_the_queue_loads_a_page_at_a_time(sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session:
        account = ensure_account(session, "play", Platform.GOOGLE_PLAY)
        records = [
            review(Platform.GOOGLE_PLAY, f"gp-{i}", f"review number {i}", timedelta(minutes=i))
            for i in range(1, 251)
        ]
        ingest(session, account, records, now=NOW)
    app = app_for(sqlite_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.inbox.query_one(QueueTable)
        assert len(table.items) == 100
        assert table.items[0].external_id == "gp-1"  # newest first
        await pilot.press("end")
        await settle(pilot)
        assert len(table.items) == 200
        await pilot.press("end")
        await settle(pilot)
        assert len(table.items) == 250
        assert [r.external_id for r in table.items[-2:]] == ["gp-249", "gp-250"]
        assert table.selected_id == table.items[199].id
        assert "1 Needs 250" in shown(app.inbox.query_one(ViewBar))  # short labels at 80 wide


async def test_theme_spike_shows_first_in_the_status_line(inbox) -> None:
    engine, _ids = inbox
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        screen.spike_seconds = 0  # read spikes on every refresh
        assert "spike" not in shown(screen.query_one(StatusLine))
        # six "pickup" complaints this morning, none in the four weeks before: over the
        # default minimum (5) and any multiple of a zero median. An item from five weeks ago
        # makes those four weeks history (a younger inbox has no baseline, so no spikes).
        with session_scope(engine) as session:
            account = ensure_account(session, "play", Platform.GOOGLE_PLAY)
            old = review(Platform.GOOGLE_PLAY, "gp-old", "Sold my phone", timedelta(days=35))
            ingest(session, account, [old], now=NOW)
            screen.refresh_all(force=True)
            new = [
                review(Platform.GOOGLE_PLAY, f"gp-late-{n}", "Pickup nahi aaya", timedelta(hours=n))
                for n in range(1, 7)
            ]
            ingest(session, account, new, now=NOW)
            item_ids = session.execute(
                sa.select(Item.id).where(col(Item.external_id).like("gp-late-%"))
            ).scalars()
            for item_id in item_ids:
                session.add(Tag(item_id=item_id, theme="pickup", score=0.9, origin=TagOrigin.MODEL))
        screen.refresh_all()
        await settle(pilot)
        status = shown(screen.query_one(StatusLine))
        # seven: the six and gp-2 of the fixed inbox, also about pickup and from today
        assert status.startswith("▲ spike Pickup & logistics 7 today · SLA wk")


async def test_a_colleagues_claim_shows_in_the_queue_and_ours_is_renewed(inbox) -> None:
    engine, ids = inbox
    now = [NOW]
    app = app_for(engine, clock=lambda: now[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        asha = screen.service.__class__(
            engine, screen.context.config, clock=lambda: NOW, agent="asha"
        )
        asha.claim(ids["gp-1"])
        screen.refresh_all(force=True)
        await settle(pilot)
        table = screen.query_one(QueueTable)
        assert table.row_texts(ids["gp-1"])[2].plain.startswith("✎ asha ")
        assert not table.row_texts(ids["as-1"])[2].plain.startswith("✎")
        # Our own claim: the composer's heartbeat pushes its end out while we write.
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposerScreen)
        assert item(engine, ids["as-1"]).claimed_until == NOW + timedelta(minutes=15)
        now[0] = NOW + timedelta(minutes=10)
        screen._renew_claim(ids["as-1"])
        await settle(pilot)
        assert item(engine, ids["as-1"]).claimed_until == NOW + timedelta(minutes=25)


async def test_a_new_search_never_shows_the_last_ones_count(inbox, monkeypatch) -> None:
    """While a search is counted, the filter line says so ("→ … items"), not the count of
    the search before. (A page of one row, so that counting is left to the worker.)"""
    engine, _ids = inbox
    monkeypatch.setattr("inbox.tui.app.PAGE", 1)
    app = app_for(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.inbox
        bar = screen.query_one(ViewBar)
        await pilot.press("slash", *"money", "enter")
        await settle(pilot)
        assert 'filter "money"  → 2 items' in shown(bar)
        release = threading.Event()
        count_queue = screen.service.count_queue

        def held_count(f):  # type: ignore[no-untyped-def]
            release.wait(10)
            return count_queue(f)

        monkeypatch.setattr(screen.service, "count_queue", held_count)
        await pilot.press("slash")
        screen.query_one("#f-text", Input).value = "pickup"
        await pilot.press("enter")
        for _ in range(100):  # the new page is on screen (its count is held back)
            await pilot.pause(0.02)
            if screen.shown_generation == screen._generation and "pickup" in shown(bar):
                break
        assert 'filter "pickup"  → … items' in shown(bar)
        release.set()
        await settle(pilot, 0.2)
        expected = len(screen.service.list_items(screen.current_filter()))
        assert f'filter "pickup"  → {expected} items' in shown(bar)
