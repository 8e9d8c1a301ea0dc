"""Snapshots of the main screens at 120×40 and 80×24, with a frozen clock and fixed data.

Update after an intended change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from tui_support import app_for, build_inbox, settle

from inbox.db import create_db_engine, upgrade


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    eng = create_db_engine(str(tmp_path / "snap.db"))
    upgrade(eng)
    build_inbox(eng)
    return eng


def steps(*keys: str, theme: str | None = None) -> Callable[[Pilot[None]], object]:
    async def run(pilot: Pilot[None]) -> None:
        if theme:
            pilot.app.theme = theme
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot, 0.3 if key in ("r", "1") else 0)
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_queue_and_detail(snap_compare, engine: Engine, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(engine), terminal_size=size, run_before=steps("j"))


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_composer_with_a_template(snap_compare, engine: Engine, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(engine), terminal_size=size, run_before=steps("j", "r", "1"))


def test_light_theme(snap_compare, engine: Engine) -> None:
    run = steps("j", "j", "j", theme="textual-light")
    assert snap_compare(app_for(engine), terminal_size=(120, 40), run_before=run)


def test_escalate_dialog(snap_compare, engine: Engine) -> None:
    assert snap_compare(app_for(engine), terminal_size=(80, 24), run_before=steps("j", "e"))


def test_filter_bar(snap_compare, engine: Engine) -> None:
    assert snap_compare(app_for(engine), terminal_size=(80, 24), run_before=steps("f"))
