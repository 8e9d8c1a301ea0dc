"""Escalation exports: exactly once per channel, CSV/XLSX/JSONL that are safe to open, a webhook
that retries and signs (against a real HTTP server on loopback), and the shared Google Sheet
(against the sandbox's Sheets endpoint)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import stat
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from inbox.config import Config
from inbox.db import session_scope
from inbox.demo import RunningSandbox, start_sandbox
from inbox.errors import ConfigError
from inbox.export import Exporter, neutralise
from inbox.ingest import ensure_account, ingest
from inbox.models import Escalation, ExportBatch, Item
from inbox.service import InboxService
from sources.base import Platform, Review
from sources.http import RetryPolicy

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
HAZARDS = [
    '=HYPERLINK("http://evil.example/","click")',
    "+91 98450 12345 call me",
    "-5 stars, they cheated me",
    "@SUM(A1:A9)",
    "\tTab first",
    "\rCarriage first",
]


def review(ext: str, body: str, author: str, platform: Platform = Platform.GOOGLE_PLAY) -> Review:
    return Review(
        platform=platform,
        external_id=ext,
        body=body,
        raw={"id": ext},
        created_at=NOW - timedelta(hours=30),
        author=author,
        rating=1,
        permalink=f"https://example.test/{ext}",
    )


def escalate(engine: Engine, ext: str, *reasons: str) -> int:
    with Session(engine) as s:
        item_id = s.execute(sa.select(Item.id).where(col(Item.external_id) == ext)).scalar_one()
    InboxService(engine, Config(), clock=lambda: NOW, agent="asha").escalate(
        item_id, list(reasons or ["money_not_received"]), note="called twice, no payout"
    )
    with Session(engine) as s:
        return int(
            s.execute(
                sa.select(sa.func.max(Escalation.id)).where(col(Escalation.item_id) == item_id)
            ).scalar_one()
        )


@pytest.fixture
def db(engine: Engine) -> Engine:
    with session_scope(engine) as s:
        play = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        gbp = ensure_account(s, "gbp-blr", Platform.GBP, "accounts/1/locations/2", "Koramangala")
        ingest(
            s,
            play,
            [review(f"p{n}", text, f"Author {n}") for n, text in enumerate(HAZARDS)]
            + [review("rahul-play", "Paisa nahi aaya 12 din se!", "Rahul S.")],
            now=NOW,
        )
        ingest(
            s,
            gbp,
            [review("rahul-gbp", "Store kept my phone, no money", "rahul_s", Platform.GBP)],
            now=NOW,
        )
    for n in range(len(HAZARDS)):
        escalate(engine, f"p{n}", "fraud_allegation")
    return engine


def exporter(engine: Engine, tmp_path: Path, **export: Any) -> Exporter:
    config = Config.model_validate({"export": {"folder": str(tmp_path / "exports"), **export}})
    return Exporter(engine, config, clock=lambda: NOW, agent="asha", environ=export.pop("env", {}))


# ----- files ---------------------------------------------------------------------------------
def test_each_escalation_goes_to_a_file_exactly_once(db: Engine, tmp_path: Path) -> None:
    ex = exporter(db, tmp_path)
    first = ex.to_file("csv")
    assert first.exported == len(HAZARDS) and len(first.paths) == 1
    assert ex.to_file("csv").batches == []  # nothing new
    assert ex.to_file("xlsx").batches == []  # the channel is "file", whatever the format
    later = escalate(db, "rahul-play")
    second = ex.to_file("jsonl")
    assert second.exported == 1
    lines = second.paths[0].read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["escalation_id"] for line in lines] == [later]
    with Session(db) as s:
        marked = s.execute(
            sa.select(sa.func.count()).where(col(Escalation.exported_at).is_not(None))
        ).scalar_one()
    assert marked == len(HAZARDS) + 1
    # --again writes a batch once more without marking anything
    again = ex.again(first.batches[0], "csv", tmp_path / "again.csv")
    assert again.exported == len(HAZARDS)
    assert ex.pending_ids("file") == []
    assert stat.S_IMODE(first.paths[0].stat().st_mode) == 0o600


def test_an_export_interrupted_before_its_file_is_finished_by_the_next(
    db: Engine, tmp_path: Path
) -> None:
    ex = exporter(db, tmp_path)
    ids = ex.pending_ids("file")
    target = tmp_path / "exports" / "lost.csv"
    batch = ex._open_batch("file", ids, fmt="csv", path=target)  # then the process died
    assert ex.pending_ids("file") == []  # claimed: nobody else exports them
    result = ex.to_file("csv")
    assert result.batches == [batch] and result.paths == [target]
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert sorted(int(r["escalation_id"]) for r in rows) == sorted(ids)
    with Session(db) as s:
        assert s.get(ExportBatch, batch).state == "delivered"  # type: ignore[union-attr]


def test_csv_is_excel_safe(db: Engine, tmp_path: Path) -> None:
    path = exporter(db, tmp_path).to_file("csv").paths[0]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    texts = sorted(r["text"] for r in rows)
    assert texts == sorted("'" + h for h in HAZARDS)  # every formula-looking cell neutralised
    assert {r["note"] for r in rows} == {"called twice, no payout"}
    assert all(r["permalink"].startswith("https://example.test/") for r in rows)
    assert neutralise("plain") == "plain" and neutralise("=1+1") == "'=1+1"


def test_xlsx_is_typed_frozen_and_filtered(db: Engine, tmp_path: Path) -> None:
    path = exporter(db, tmp_path).to_file("xlsx").paths[0]
    sheet = load_workbook(path).active
    assert sheet is not None
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    assert header[0] == "escalation_id" and "created (UTC)" in header
    first = [c.value for c in sheet[2]]
    assert isinstance(first[0], int) and first[header.index("rating")] == 1
    assert isinstance(first[header.index("created (UTC)")], datetime)
    assert all(
        not str(c.value).startswith("=") for row in sheet.iter_rows() for c in row if c.value
    )


# ----- webhook -------------------------------------------------------------------------------
class Hook:
    """A CX webhook on 127.0.0.1 that answers with scripted statuses and records posts."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.posts: list[tuple[dict[str, str], bytes]] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.posts.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = hook.statuses.pop(0) if hook.statuses else 200
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T0/B0/s3cretPathToken"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook([])
    yield h
    h.close()


def webhook_exporter(db: Engine, tmp_path: Path, hook: Hook) -> Exporter:
    config = Config.model_validate(
        {
            "export": {
                "webhook_url_env": "CX_HOOK",
                "webhook_secret_env": "CX_SECRET",
                "webhook_cooldown_hours": 24,
            }
        }
    )
    env = {"CX_HOOK": hook.url, "CX_SECRET": "hmac-secret"}
    return Exporter(db, config, clock=lambda: NOW, agent="asha", environ=env)


FAST = RetryPolicy(attempts=3, base_seconds=0.01, max_backoff=0.01, sleep=lambda _s: None)


def test_webhook_failure_keeps_the_batch_for_next_time(
    db: Engine, tmp_path: Path, hook: Hook
) -> None:
    ex = webhook_exporter(db, tmp_path, hook)
    hook.statuses = [500]  # a 5xx may have been processed: not retried blindly
    failed = ex.to_webhook(policy=FAST)
    assert failed.batches == [] and len(failed.errors) == 1
    assert "s3cretPathToken" not in failed.errors[0]  # the URL's secret never shows
    assert len(hook.posts) == 1
    assert ex.pending_ids("webhook") == []  # still owned by the pending batch
    hook.statuses = [429, 200]  # a rate limit is retried (nothing was processed)
    done = ex.to_webhook(policy=FAST)
    assert done.exported == len(HAZARDS) and done.errors == []
    assert len(hook.posts) == 3
    first_headers, _ = hook.posts[0]
    last_headers, body = hook.posts[-1]
    assert first_headers["x-inbox-delivery"] == last_headers["x-inbox-delivery"]  # same batch
    stamp = last_headers["x-inbox-timestamp"]
    expected = hmac.new(b"hmac-secret", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert last_headers["x-inbox-signature"] == "sha256=" + expected
    payload = json.loads(body)
    assert payload["text"].startswith(f"{len(HAZARDS)} escalations")
    assert len(payload["attachments"]) == len(HAZARDS)
    assert ex.to_webhook(policy=FAST).batches == []  # exactly once


def test_webhook_cooldown_one_ticket_per_author(db: Engine, tmp_path: Path, hook: Hook) -> None:
    ex = webhook_exporter(db, tmp_path, hook)
    ex.to_webhook(policy=FAST)
    play = escalate(db, "rahul-play")
    gbp = escalate(db, "rahul-gbp")  # the same person ("Rahul S." / "rahul_s"), another platform
    result = ex.to_webhook(policy=FAST)
    payload = json.loads(hook.posts[-1][1])
    assert len(payload["attachments"]) == 1  # one ticket for both
    assert str(play) in json.dumps(payload) and str(gbp) in json.dumps(payload)
    assert result.exported == 2
    # A third complaint from him within 24 h is covered by that ticket: nothing is posted.
    with session_scope(db) as s:
        store = ensure_account(s, "gbp-blr", Platform.GBP, "accounts/1/locations/2")
        ingest(s, store, [review("rahul-3", "still nothing", "Rahul S", Platform.GBP)], now=NOW)
    escalate(db, "rahul-3")
    posts_before = len(hook.posts)
    third = ex.to_webhook(policy=FAST)
    assert third.covered == 1 and len(hook.posts) == posts_before


def test_webhook_needs_its_url(db: Engine, tmp_path: Path) -> None:
    config = Config.model_validate({"export": {"webhook_url_env": "CX_HOOK"}})
    with pytest.raises(ConfigError, match="CX_HOOK is not set"):
        Exporter(db, config, environ={}).to_webhook()


# ----- Google Sheets ---------------------------------------------------------------------------
@pytest.fixture
def running(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(now=NOW, folder=tmp_path / "sandbox") as sandbox:
        yield sandbox


def test_sheets_append_exactly_once(db: Engine, tmp_path: Path, running: RunningSandbox) -> None:
    creds = next(running.credentials_dir.glob("*.json"))
    config = Config.model_validate(
        {
            "export": {
                "sheets_credentials_file": str(creds),
                "sheets_spreadsheet_id": "1CXsheet",
                "sheets_tab": "Escalations",
                "sheets_base_url": running.url,
            }
        }
    )
    ex = Exporter(db, config, clock=lambda: NOW, agent="asha")
    first = ex.to_sheets()
    assert first.exported == len(HAZARDS), first.errors
    rows = running.sandbox.sheets[("1CXsheet", "Escalations")]
    assert rows[0][:2] == ["batch", "escalation_id"]  # a header on the first append
    assert len(rows) == 1 + len(HAZARDS)
    assert all(str(r[9]).startswith("'") for r in rows[1:])  # the text column, neutralised
    assert ex.to_sheets().batches == []
    # An append that reached the sheet, then the process died before marking it delivered:
    later = escalate(db, "rahul-play")
    batch = ex._open_batch("sheets", [later])
    from inbox.export.sheets import sheet_rows

    rows.extend(sheet_rows(batch, []))  # (no rows: an empty batch body is fine)
    rows.append([batch, later])
    again = ex.to_sheets()
    assert again.batches == [batch]
    assert sum(1 for r in rows if r and r[0] == batch) == 1  # not appended a second time


# ----- spikes --------------------------------------------------------------------------------
def test_theme_spike_is_found_and_alerted_once(engine: Engine, hook: Hook) -> None:
    from inbox.models import Tag, TagOrigin
    from inbox.spikes import find_spikes

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # 17:30 IST
    records = []
    for day in range(1, 29):  # one payment complaint a day for four weeks
        when = now - timedelta(days=day)
        records.append((f"old{day}", when, "payment"))
    for n in range(8):  # then eight today
        records.append((f"today{n}", now - timedelta(hours=1, minutes=n), "payment"))
    for n in range(3):  # a quiet theme with three today: below the minimum count
        records.append((f"pickup{n}", now - timedelta(hours=2), "pickup"))
    with session_scope(engine) as s:
        play = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        reviews = []
        for ext, when, _theme in records:
            r = review(ext, f"text {ext}", "A")
            reviews.append(
                Review(**{**r.__dict__, "created_at": when})  # type: ignore[arg-type]
            )
        ingest(s, play, reviews, now=now)
        ids = dict(s.execute(sa.select(Item.external_id, Item.id)).all())
        for ext, _when, theme in records:
            s.add(Tag(item_id=ids[ext], theme=theme, origin=TagOrigin.MODEL, score=0.9))
    config = Config.model_validate(
        {"export": {"webhook_url_env": "CX_HOOK", "spike_factor": 3, "spike_min_count": 5}}
    )
    [spike] = find_spikes(engine, config, now)
    assert (spike.theme, spike.count, spike.median) == ("payment", 8, 1.0)
    assert "usually 1 a day" in spike.sentence()
    ex = Exporter(engine, config, clock=lambda: now, environ={"CX_HOOK": hook.url})
    assert len(ex.alert_spikes(policy=FAST)) == 1
    assert ex.alert_spikes(policy=FAST) == []  # once a day per theme
    assert "Spike: payment" in json.loads(hook.posts[-1][1])["text"]
    # The same day seen from an inbox without four weeks of history: no baseline, no spike
    # (the rule the monthly report applies to each of its days).
    with session_scope(engine) as s:
        s.execute(
            sa.delete(Tag).where(
                Tag.theme == "payment",
                Tag.item_id.in_(  # type: ignore[attr-defined]
                    sa.select(Item.id).where(Item.external_id.in_(["old27", "old28"]))  # type: ignore[attr-defined]
                ),
            )
        )
        s.execute(sa.delete(Item).where(Item.external_id.in_(["old27", "old28"])))  # type: ignore[attr-defined]
    assert find_spikes(engine, config, now) == []


def test_a_spike_counts_each_item_once_by_the_themes_it_has(engine: Engine) -> None:
    """Today's count is of items whose theme stands: several tag rows for one item count
    once, a person's removal or an inactive tag takes the item out, a person's add counts."""
    from inbox.models import Tag, TagOrigin
    from inbox.spikes import find_spikes

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    old = [(f"old{day}", now - timedelta(days=day)) for day in range(1, 29)]
    today = [(f"today{n}", now - timedelta(hours=1, minutes=n)) for n in range(9)]
    with session_scope(engine) as s:
        play = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        reviews = [
            Review(**{**review(ext, f"text {ext}", "A").__dict__, "created_at": when})  # type: ignore[arg-type]
            for ext, when in old + today
        ]
        ingest(s, play, reviews, now=now)
        ids = dict(s.execute(sa.select(Item.external_id, Item.id)).all())
        model, rule, human = TagOrigin.MODEL, TagOrigin.RULE, TagOrigin.HUMAN
        rows = [(f"old{day}", model, True) for day in range(1, 29)]
        rows += [(f"today{n}", model, True) for n in range(5)]  # 5
        rows += [("today5", model, True), ("today5", rule, True)]  # 6: two rows, one item
        rows += [("today6", model, True), ("today6", human, False)]  # a person removed it
        rows += [("today7", human, True)]  # 7: a person added it
        rows += [("today8", model, False)]  # inactive
        for ext, origin, active in rows:
            s.add(Tag(item_id=ids[ext], theme="payment", origin=origin, active=active))
    config = Config.model_validate({"export": {"spike_factor": 3, "spike_min_count": 5}})
    [spike] = find_spikes(engine, config, now)
    assert (spike.theme, spike.count, spike.median) == ("payment", 7, 1.0)
