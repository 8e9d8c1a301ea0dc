"""Credentials never leak: a full run with fake secrets (the demo's service-account key, .p8
key and Instagram token; a webhook URL with a secret path and an HMAC secret, from the
environment) through poll, reply, send, the webhook (failing once), file exports, doctor,
stats and failing commands with --debug. Every byte of output, a dump of every table and
every exported file are searched for the secrets. The database and the exports are 0600.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col

from inbox.config import load_config
from inbox.db import create_db_engine
from inbox.demo import RunningSandbox, start_sandbox
from inbox.export import Exporter
from inbox.models import Item, SourceAccount
from inbox.outbox import Outbox
from inbox.service import InboxService
from sources.sandbox import Fault

HOOK_PATH_SECRET = "T0FAKE/B0FAKE/xoxb-path-s3cr3t-" + "q" * 16
HMAC_SECRET = "hmac-s3cr3t-" + "z" * 24


@dataclass
class Hook:
    """A loopback webhook that answers 500 to its first post, then 200."""

    server: ThreadingHTTPServer
    posts: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    fail_next: int = 1

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/services/{HOOK_PATH_SECRET}"


@pytest.fixture
def hook() -> Iterator[Hook]:
    state: dict[str, Hook] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            current = state["hook"]
            current.posts.append((dict(self.headers), body))
            failing = current.fail_next > 0
            current.fail_next -= 1
            self.send_response(500 if failing else 200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"oops" if failing else b"ok")

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["hook"] = Hook(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["hook"]
    server.shutdown()
    server.server_close()


def pem_lines(path: Path) -> list[str]:
    """The base64 lines of a PEM key, and of a PEM inside a JSON key file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        text = json.loads(text)["private_key"]
    lines = [line for line in text.splitlines() if line and not line.startswith("-----")]
    assert lines and all(base64.b64decode(line + "==") for line in lines)
    return lines


@dataclass
class Run:
    root: Path
    db: Path
    config: Path
    env: dict[str, str]
    outputs: list[tuple[str, int, bytes]] = field(default_factory=list)

    def inbox(self, *args: str, expect: int = 0, **env: str) -> str:
        cmd = [sys.executable, "-m", "inbox", "--db", str(self.db), "--config", str(self.config)]
        debug = ["--debug"] if args and args[0] == "--debug" else []
        args = args[1:] if debug else args
        done = subprocess.run(
            [*cmd[:3], *debug, *cmd[3:], *args],
            env={**self.env, **env},
            capture_output=True,
            timeout=180,
            check=False,
        )
        output = done.stdout + done.stderr
        self.outputs.append((" ".join(args), done.returncode, output))
        assert done.returncode == expect, (args, output.decode("utf-8", "replace")[-3000:])
        return output.decode("utf-8", "replace")


@pytest.fixture
def run(tmp_path: Path, hook: Hook) -> Iterator[tuple[Run, RunningSandbox]]:
    with start_sandbox(now=datetime.now(UTC), folder=tmp_path / "sandbox") as sandbox:
        config = tmp_path / "config.toml"
        config.write_text(
            sandbox.config_path.read_text(encoding="utf-8")
            + "\n[outbox]\nundo_seconds = 0\n\n[export]\n"
            + f"folder = {json.dumps(str(tmp_path / 'exports'))}\n"
            + 'webhook_url_env = "INBOX_TEST_WEBHOOK_URL"\n'
            + 'webhook_secret_env = "INBOX_TEST_WEBHOOK_SECRET"\nwebhook_format = "generic"\n',
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("INBOX_")}
        env.update(
            XDG_CONFIG_HOME=str(tmp_path / "xdg-config"),
            XDG_DATA_HOME=str(tmp_path / "xdg-data"),
            INBOX_AGENT="tester",
            COLUMNS="200",
            INBOX_TEST_WEBHOOK_URL=hook.url,
            INBOX_TEST_WEBHOOK_SECRET=HMAC_SECRET,
            **{sandbox.token_env: sandbox.instagram_token},
        )
        yield Run(tmp_path, tmp_path / "inbox.db", config, env), sandbox


def _first_item(engine: sa.engine.Engine, source: str) -> int:
    with Session(engine) as session:
        return int(
            session.execute(
                sa.select(Item.id)
                .join(SourceAccount)
                .where(col(SourceAccount.name) == source, col(Item.status) == "new")
                .order_by(col(Item.id))
                .limit(1)
            ).scalar_one()
        )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_full_run_leaks_no_secret(run: tuple[Run, RunningSandbox], hook: Hook) -> None:
    job, sandbox = run
    secrets = {
        "instagram token": sandbox.instagram_token,
        "webhook path": HOOK_PATH_SECRET,
        "webhook path tail": HOOK_PATH_SECRET.rsplit("/", 1)[-1],
        "hmac secret": HMAC_SECRET,
    }
    google_file = sandbox.credentials_dir / "google-service-account.json"
    [p8] = sandbox.credentials_dir.glob("*.p8")
    for name, path in (("service-account key", google_file), (".p8 key", p8)):
        for n, line in enumerate(pem_lines(path)):
            secrets[f"{name} line {n + 1}"] = line

    # poll every source with the real auth flows (JWT grant, ES256 token, bearer token)
    job.inbox("poll", "--no-classify")
    engine = create_db_engine(str(job.db))
    config, _ = load_config(job.config)
    service = InboxService(engine, config, agent="tester")
    play, ios, ig = (_first_item(engine, s) for s in ("play", "appstore", "instagram"))
    for item_id in (play, ios, ig):
        service.escalate(item_id, ["refund not received"], note="customer waiting")

    # reply from the shell, queue two more, send them all
    job.inbox("reply", str(play), "--text", "Sorry about the wait, we are checking it now.")
    outbox = Outbox(engine, config, agent="tester")
    outbox.queue(ios, "Sorry about the wait, we are checking it now.")
    outbox.queue(ig, "Sorry about the wait, please check your DMs.")
    job.inbox("send")
    with Session(engine) as session:
        posted = {
            sandbox.sandbox.reply_of(platform, external)
            for platform, external in session.execute(
                sa.select(Item.platform, Item.external_id).where(col(Item.id).in_([play, ios, ig]))
            ).all()
        }
    assert len(posted) == 2 and None not in posted  # two texts, all three posted

    # the webhook fails once (kept pending, exit 1), then delivers the same batch
    first = job.inbox("export", "escalations", "--to", "webhook", expect=1)
    assert "HTTP 500" in first and "(the webhook URL)" in first
    job.inbox("export", "escalations", "--to", "webhook")
    assert len(hook.posts) == 2 and hook.posts[0][1] == hook.posts[1][1]
    headers, body = hook.posts[-1]
    stamp = headers["X-Inbox-Timestamp"]
    expected = hmac.new(HMAC_SECRET.encode(), stamp.encode() + b"." + body, hashlib.sha256)
    assert headers["X-Inbox-Signature"] == "sha256=" + expected.hexdigest()

    # file exports in every format
    out = job.inbox("export", "escalations", "--to", "file", "--format", "csv")
    exporter = Exporter(engine, config, agent="tester")
    paths = list((job.root / "exports").glob("escalations-*.csv"))
    batch_id = exporter.batches(5)[0].id
    assert f"batch {batch_id}" in out, out
    for fmt in ("xlsx", "jsonl"):
        paths += exporter.again(batch_id, fmt, job.root / "exports" / f"again.{fmt}").paths
    assert len(paths) == 3

    job.inbox("doctor")
    stats = json.loads(job.inbox("stats", "--json"))
    assert stats["total"] > 600

    # failing commands with --debug: an unknown item, and every platform refusing credentials
    job.inbox("--debug", "reply", "99999999", "--text", "hello", expect=1)
    for path in ("/token", "/v1/apps/", "/media"):
        sandbox.sandbox.faults.add(Fault("401", count=50, path_contains=path))
    failed = job.inbox("--debug", "poll", "--no-classify", expect=1)
    assert "refused the credentials" in failed or "expired" in failed
    job.inbox("--debug", "export", "escalations", "--to", "sheets", expect=1)
    service.escalate(_first_item(engine, "gbp-andheri"), ["threat to post on social media"])
    closed = hook.url.replace(f":{hook.server.server_address[1]}/", ":9/")  # nothing listens
    gone = job.inbox(
        "--debug", "export", "escalations", "--to", "webhook", expect=1,
        INBOX_TEST_WEBHOOK_URL=closed,
    )  # fmt: skip
    assert "cannot reach the CX webhook" in gone

    # everything that was written: outputs, every table, every export file, the posts
    haystacks: dict[str, bytes] = {f"`inbox {a}` (exit {c})": o for a, c, o in job.outputs}
    with sqlite3.connect(job.db) as conn:
        haystacks["database dump"] = "\n".join(conn.iterdump()).encode("utf-8", "replace")
    for path in paths:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                haystacks[path.name] = b"".join(book.read(n) for n in book.namelist())
        else:
            haystacks[path.name] = path.read_bytes()
    for n, (_headers, body) in enumerate(hook.posts):
        haystacks[f"webhook post {n}"] = body
    assert len(haystacks) >= 15
    for where, data in haystacks.items():
        for name, secret in secrets.items():
            assert secret.encode() not in data, f"the {name} is in {where}"
        assert b"eyJhbGciOi" not in data, f"a JWT is in {where}"
        assert b"BEGIN PRIVATE KEY" not in data, f"a private key is in {where}"
    for token in sandbox.sandbox.google_tokens:  # access tokens the sandbox issued
        assert all(token.encode() not in data for data in haystacks.values())

    # files readable by their owner only
    for path in paths:
        assert _mode(path) == 0o600, path
    with engine.connect() as conn:  # open: the -wal and -shm files exist now
        conn.execute(sa.text("UPDATE item SET version = version WHERE id = :i"), {"i": play})
        conn.commit()
        for suffix in ("", "-wal", "-shm"):
            target = job.db.with_name(job.db.name + suffix)
            assert target.exists() and _mode(target) == 0o600, target
    engine.dispose()


def test_a_new_database_file_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        create_db_engine(str(tmp_path / "fresh.db")).dispose()
    finally:
        os.umask(old)
    assert _mode(tmp_path / "fresh.db") == 0o600
    shared = tmp_path / "shared.db"
    shared.touch(mode=0o640)
    create_db_engine(str(shared)).dispose()
    assert _mode(shared) == 0o640  # an existing file keeps the mode its owner gave it
