"""Text hazards end to end: markup, escape sequences, `<script>`, CSV formulas, bidi
overrides, zero-width characters, 100 KB, emoji-only and empty texts, through ingest, the
queue service, replies, the exports, the report and the CLI.

Stored verbatim, shown safely (nothing a terminal acts on reaches stdout from user text),
exported neutralised, and nothing crashes.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from inbox.compose import Composer
from inbox.config import load_config
from inbox.db import create_db_engine, upgrade
from inbox.export import Exporter
from inbox.importer import import_bytes
from inbox.outbox import LintBlocked, Outbox
from inbox.service import InboxService, ItemFilter
from inbox.textsafe import for_terminal, is_terminal_safe
from sources.google_play import split_title

HUGE = ("पिकअप late again 😡 refund kab aayega? " * 3000)[:100_000]
HAZARDS: dict[str, str] = {
    "rich-markup": "[bold red]ALERT[/] [link=http://evil.test]click[/link]",
    "textual-action": "[@click=app.quit]close[/] [@click=app.bell]ring[/]",
    "ansi": "\x1b[31mred\x1b[0m \x1b[2J\x1b[Hcleared",
    "osc8-link": "\x1b]8;;http://evil.test\x1b\\innocent\x1b]8;;\x1b\\",
    "osc-title": "\x1b]0;pwned\x07 title",
    "c1-csi": "\x9b31mC1 CSI\x9c",
    "script": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "csv-formula": '=HYPERLINK("http://evil.test","refund here")',
    "csv-plus": "+91 98765 43210 call me",
    "csv-minus": "-1 star, worst",
    "csv-at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "csv-tab": "\t=1+1",
    "rtl-override": "Refund \u202etxt.exe\u202c received",
    "zero-width": "pay\u200bment fa\u200dil\u200ced \ufeff",
    "like-wildcards": "100%_off_sale",
    "huge": HUGE,
    "emoji-only": "😡😡😡🙏🏽👎",
    "empty": "",
}
HAZARD_NAMES = list(HAZARDS)
# Play joins title and body with a TAB, so "\t=1+1" is an empty title and the body "=1+1".
BODIES = {name: split_title(text)[1] for name, text in HAZARDS.items()}
# What must never reach a terminal from user text.
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class World:
    root: Path
    db: Path
    config_path: Path
    engine: Engine
    ids: dict[str, int]  # hazard name → item id

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INBOX_")}
        env.update(
            XDG_CONFIG_HOME=str(self.root / "xdg-config"),
            XDG_DATA_HOME=str(self.root / "xdg-data"),
            INBOX_AGENT="tester",
            COLUMNS="200",
        )
        return env

    def inbox(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        cmd = [sys.executable, "-m", "inbox", "--db", str(self.db), "--config"]
        done = subprocess.run(
            [*cmd, str(self.config_path), *args],
            env=self.env(),
            capture_output=True,
            timeout=120,
            check=False,
        )
        if check:
            assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        return done


def play_page() -> dict[str, Any]:
    reviews = []
    for n, (name, text) in enumerate(HAZARDS.items()):
        reviews.append(
            {
                "reviewId": f"gp:hazard-{name}",
                "authorName": text[:200] if text else "",
                "comments": [
                    {
                        "userComment": {
                            "text": text,
                            "lastModified": {"seconds": str(1_793_000_000 + n)},
                            "starRating": 1,
                            "reviewerLanguage": "en",
                        }
                    }
                ],
            }
        )
    return {"reviews": reviews}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("hazards")
    config_path = root / "config.toml"
    config_path.write_text(
        '[brand]\nname = "Resello"\napp_name = "Resello"\nsupport_email = "care@resello.in"\n'
        'reference_pattern = "RS-\\\\d{6}"\n\n'
        f"[export]\nfolder = {json.dumps(str(root / 'exports'))}\n\n"
        "[outbox]\nundo_seconds = 0\n",
        encoding="utf-8",
    )
    config, _ = load_config(config_path)
    db = root / "inbox.db"
    engine = create_db_engine(str(db))
    upgrade(engine)
    data = json.dumps(play_page()).encode()
    result = import_bytes(engine, config, data, name="hazards.json", fmt="play-api")
    assert (result.report.new, result.rejected) == (len(HAZARDS), [])
    service = InboxService(engine, config, agent="tester")
    ids = {row.external_id.removeprefix("gp:hazard-"): row.id for row in service.list_items()}
    for name, item_id in ids.items():
        service.escalate(item_id, [f"rule payment matched '{HAZARDS[name][:60]}'"])
    yield World(root, db, config_path, engine, ids)
    engine.dispose()


# --------------------------------------------------------------------------- stored verbatim


def test_stored_verbatim_raw_kept(world: World) -> None:
    service = InboxService(world.engine, load_config(world.config_path)[0])
    for name, text in HAZARDS.items():
        detail = service.get_item(world.ids[name])
        assert detail.item.body == BODIES[name], name
        assert detail.item.author == (text[:200] or None), name
        assert detail.item.raw["comments"][0]["userComment"]["text"] == text, name


def test_the_queue_lists_and_searches_them(world: World) -> None:
    service = InboxService(world.engine, load_config(world.config_path)[0])
    rows = {row.id: row for row in service.list_items(limit=500)}
    assert {rows[i].body for i in world.ids.values()} == set(BODIES.values())
    found = service.list_items(ItemFilter(text="HYPERLINK"))
    assert [row.id for row in found] == [world.ids["csv-formula"]]
    found = service.list_items(ItemFilter(text="[@click=app.quit]"))
    assert [row.id for row in found] == [world.ids["textual-action"]]


def test_search_treats_like_wildcards_as_text(world: World) -> None:
    service = InboxService(world.engine, load_config(world.config_path)[0])
    for needle in ("%", "_", "%_"):
        found = service.list_items(ItemFilter(text=needle))
        assert [row.id for row in found] == [world.ids["like-wildcards"]], needle


# --------------------------------------------------------------------------- replies


def test_suggested_replies_carry_no_hazard_from_the_author(world: World) -> None:
    composer = Composer(world.engine, load_config(world.config_path)[0], agent="tester")
    for name, item_id in world.ids.items():
        for suggestion in composer.suggestions(item_id, 3):
            text = suggestion.text or ""
            assert is_terminal_safe(text), (name, text)
            for marker in ("[bold", "[@click", "<script", "=HYPERLINK", "\u200b"):
                assert marker not in text, (name, marker)


def test_replies_to_hazardous_items_queue_and_lint(world: World) -> None:
    outbox = Outbox(world.engine, load_config(world.config_path)[0], agent="tester")
    reply = "Sorry about this. Please write to care@resello.in and we will sort it out."
    for name, item_id in world.ids.items():
        assert not [p for p in outbox.check(item_id, reply) if p.severity == "error"], name
    queued = outbox.queue(world.ids["huge"], reply)
    assert queued.body == reply
    outbox.cancel(queued.id or 0)
    with pytest.raises(LintBlocked):  # a reply pasted with the customer's markup
        outbox.queue(world.ids["script"], "Thanks! " + HAZARDS["script"])


@pytest.mark.parametrize("name", ["ansi", "osc8-link", "rtl-override", "c1-csi"])
def test_lint_refuses_control_characters_in_a_reply(world: World, name: str) -> None:
    outbox = Outbox(world.engine, load_config(world.config_path)[0], agent="tester")
    text = f"Sorry {HAZARDS[name]} we will call you"
    errors = [p for p in outbox.check(world.ids[name], text) if p.severity == "error"]
    assert errors


# --------------------------------------------------------------------------- exports


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_exports_are_neutralised_verbatim_and_private(world: World) -> None:
    exporter = Exporter(world.engine, load_config(world.config_path)[0], agent="tester")
    result = exporter.to_file("csv")
    assert result.exported == len(HAZARDS) and not result.errors
    [csv_path] = result.paths
    [batch] = result.batches
    paths = {"csv": csv_path}
    for fmt in ("xlsx", "jsonl"):
        [paths[fmt]] = exporter.again(batch, fmt, world.root / f"again.{fmt}").paths
    for path in paths.values():
        assert _mode(path) == 0o600, path

    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == len(HAZARDS)
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_START), (column, cell[:40])
    by_key = {row["item_key"].rsplit(":", 1)[-1]: row for row in rows}
    for name, text in HAZARDS.items():
        row = by_key[f"hazard-{name}"]
        assert row["text"] == neutralised(BODIES[name]), name
        assert row["author"] == neutralised(text[:200]), name

    from openpyxl import load_workbook

    sheet = load_workbook(paths["xlsx"]).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    text_col = header.index("text")
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            assert cell.data_type != "f", cell.value
        value = cells[text_col].value or ""
        assert not str(value).startswith(FORMULA_START[:4]), value

    lines = paths["jsonl"].read_text(encoding="utf-8").splitlines()
    texts = {json.loads(line)["item_key"].rsplit(":", 1)[-1]: json.loads(line) for line in lines}
    for name, body in BODIES.items():
        assert texts[f"hazard-{name}"]["text"] == body, name  # JSON keeps them exactly


def test_report_files_escape_user_text(world: World, tmp_path: Path) -> None:
    report = pytest.importorskip("inbox.report")
    if not hasattr(report, "build_report") or not hasattr(report, "write_report"):
        pytest.skip("inbox.report has no build_report/write_report yet")
    from datetime import UTC, datetime

    config = load_config(world.config_path)[0]
    month = datetime.fromtimestamp(1_793_000_000, UTC).strftime("%Y-%m")
    built = report.build_report(world.engine, config, "monthly", month)
    paths = report.write_report(built, tmp_path / "report")
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not TERMINAL_UNSAFE.search(text.replace("\r\n", "\n")), path.name
        assert "<script>alert" not in text, path.name
        assert "[@click=" not in text or path.suffix != ".html" or "&" in text
        if path.suffix == ".csv":
            for row in csv.reader(io.StringIO(text)):
                for cell in row:
                    assert not cell.startswith(FORMULA_START), (path.name, cell[:40])


# --------------------------------------------------------------------------- the terminal


def test_for_terminal_drops_what_a_terminal_acts_on() -> None:
    for name, text in HAZARDS.items():
        shown = for_terminal(text)
        assert not TERMINAL_UNSAFE.search(shown), name
        assert is_terminal_safe(shown)
    assert for_terminal(HAZARDS["ansi"]) == "red cleared"  # whole sequences go, not just ESC
    assert for_terminal(HAZARDS["rtl-override"]) == "Refund txt.exe received"
    assert for_terminal("नमस्ते 😡\tok\nline\u200d") == "नमस्ते 😡\tok\nline\u200d"
    assert for_terminal("a\tb\nc\rd", one_line=True) == "a b c d"
    assert for_terminal("a\r\nb\rc") == "a\nb\nc"  # CRLF and a lone CR are line breaks
    assert for_terminal(None) == ""


def _assert_terminal_safe(done: subprocess.CompletedProcess[bytes]) -> str:
    out = done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    assert b"\x1b" not in done.stdout + done.stderr, out[:400]
    assert not TERMINAL_UNSAFE.search(out.replace("\r\n", "\n")), out[:400]
    return out


def test_cli_suggest_prints_nothing_a_terminal_acts_on(world: World) -> None:
    for name in ("ansi", "rtl-override"):
        out = _assert_terminal_safe(world.inbox("templates", "suggest", str(world.ids[name])))
        assert "1. " in out


def test_cli_outbox_and_stats_print_nothing_a_terminal_acts_on(world: World) -> None:
    outbox = Outbox(world.engine, load_config(world.config_path)[0], agent="tester")
    queued = outbox.queue(world.ids["ansi"], "Sorry for the delay, we are on it.")
    try:
        _assert_terminal_safe(world.inbox("outbox", "list"))
        out = _assert_terminal_safe(world.inbox("stats"))
        assert f"{len(HAZARDS)} items" in out
    finally:
        outbox.cancel(queued.id or 0)


def test_cli_import_reports_hostile_rejections_safely(world: World, tmp_path: Path) -> None:
    page = play_page()
    for review in page["reviews"]:
        review["reviewId"] += "-bad"
        review["comments"][0]["userComment"]["starRating"] = HAZARDS["ansi"]
    path = tmp_path / "bad-stars.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    nested: Any = []
    for _ in range(150):
        nested = [nested]
    deep = {**play_page()["reviews"][0], "reviewId": "gp:\x1b[31mdeep\u202e", "x": nested}
    page["reviews"].append(deep)
    path.write_text(json.dumps(page), encoding="utf-8")
    done = world.inbox("import", str(path), "--format", "play-api", "--no-classify", check=False)
    out = _assert_terminal_safe(done)
    assert "not a star rating" in out
    assert "rejected record id gp:\\x1b[31mdeep\\u202e: raw payload is nested" in out


def test_cli_export_dry_run_prints_nothing_a_terminal_acts_on(world: World) -> None:
    config = load_config(world.config_path)[0]
    review = play_page()["reviews"][HAZARD_NAMES.index("ansi")]
    review["reviewId"] = "gp:dry-run-ansi"
    data = json.dumps({"reviews": [review]}).encode()
    result = import_bytes(world.engine, config, data, name="dry.json", fmt="play-api")
    [item_id] = result.report.changed_ids
    InboxService(world.engine, config).escalate(item_id, [f"matched '{HAZARDS['ansi']}'"])
    out = _assert_terminal_safe(world.inbox("export", "escalations", "--dry-run"))
    assert "would be exported" in out


def test_database_rows_hold_the_text_verbatim(world: World) -> None:
    with world.engine.connect() as conn:
        bodies = set(conn.execute(sa.text("SELECT body FROM item")).scalars())
    assert set(BODIES.values()) <= bodies
