"""The bundled demo: raw payloads, time-shifted, loaded by import and by polling the sandbox."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from inbox.config import Config, parse_config
from inbox.db import session_scope
from inbox.demo.credentials import (
    ASC_ISSUER_ID,
    ASC_KEY_ID,
    DemoCredentials,
    write_demo_credentials,
)
from inbox.importer import ImportResult, import_bytes
from inbox.ingest import ensure_account
from inbox.poll import PollOutcome
from sources.base import Platform
from sources.sandbox import Sandbox, SandboxData

if TYPE_CHECKING:
    from classifier.predict import Classifier  # sklearn loads only when classifying

# Newest demo item this long before "now", so "due soon" and "last 24 h" always have content.
NEWEST_AGE = timedelta(minutes=7)

_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")


@dataclass(frozen=True)
class DemoAccount:
    name: str
    platform: Platform
    ref: str
    display: str


ACCOUNTS = (
    DemoAccount("play", Platform.GOOGLE_PLAY, "in.resello.app", "Resello (Android)"),
    DemoAccount("appstore", Platform.APP_STORE, "1589034512", "Resello (iOS)"),
    DemoAccount(
        "gbp-koramangala",
        Platform.GBP,
        "accounts/11223344556677889900/locations/4501",
        "Resello Store – Koramangala, Bengaluru",
    ),
    DemoAccount(
        "gbp-andheri",
        Platform.GBP,
        "accounts/11223344556677889900/locations/4502",
        "Resello Store – Andheri West, Mumbai",
    ),
    DemoAccount(
        "gbp-connaught-place",
        Platform.GBP,
        "accounts/11223344556677889900/locations/4503",
        "Resello Store – Connaught Place, New Delhi",
    ),
    DemoAccount("instagram", Platform.INSTAGRAM, "17841400000000001", "@resello.in"),
)

# Loaded in this order: the "earlier" polls hold first versions of reviews edited later.
FILES = (
    ("play_api_earlier.json", "play-api"),
    ("play_api.json", "play-api"),
    ("asc.json", "asc"),
    ("gbp_earlier.json", "gbp"),
    ("gbp.json", "gbp"),
    ("instagram.json", "instagram"),
)


def _data(name: str) -> Any:
    text = resources.files("inbox.demo").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def _walk_times(node: Any, visit: Any) -> Any:
    """Rebuild `node`, passing every timestamp (ISO strings, Play {seconds}) through `visit`."""
    if isinstance(node, dict):
        if set(node) <= {"seconds", "nanos"} and isinstance(node.get("seconds"), str | int):
            seconds = int(node["seconds"])
            moved = visit(datetime.fromtimestamp(seconds, UTC))
            shifted = int(moved.timestamp())
            return {
                **node,
                "seconds": str(shifted) if isinstance(node["seconds"], str) else shifted,
            }
        return {key: _walk_times(value, visit) for key, value in node.items()}
    if isinstance(node, list):
        return [_walk_times(value, visit) for value in node]
    if isinstance(node, str) and (match := _ISO.match(node)):
        moment = datetime.fromisoformat(node)
        moved = visit(moment)
        return _format_like(match, moved)
    return node


def _format_like(match: re.Match[str], moment: datetime) -> str:
    """Render `moment` in the exact style of the original string (fraction, Z, offset colon)."""
    _date, _time, fraction, zone = match.groups()
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        digits = len(fraction) - 1
        text += "." + f"{moment.microsecond:06d}"[:digits].ljust(digits, "0")
    if zone == "Z":
        text += "Z"
    elif zone:
        offset = moment.strftime("%z")
        text += offset[:3] + ":" + offset[3:] if ":" in zone else offset
    return text


def newest_timestamp(documents: list[Any]) -> datetime:
    found: list[datetime] = []

    def visit(moment: datetime) -> datetime:
        found.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
        return moment

    for doc in documents:
        _walk_times(doc, visit)
    return max(found)


def shifted_documents(now: datetime) -> list[tuple[str, str, Any]]:
    """The demo files with every timestamp moved so the newest is `NEWEST_AGE` before `now`."""
    docs = [(name, fmt, _data(name)) for name, fmt in FILES]
    delta = (now - NEWEST_AGE) - newest_timestamp([doc for _n, _f, doc in docs])

    def visit(moment: datetime) -> datetime:
        zone = moment.tzinfo or UTC
        return (moment + delta).astimezone(zone)

    return [(name, fmt, _walk_times(doc, visit)) for name, fmt, doc in docs]


DEMO_TOKEN_ENV = "INBOX_DEMO_INSTAGRAM_TOKEN"  # noqa: S105 (a variable name, not a secret)
EARLIER = ("play_api_earlier.json", "gbp_earlier.json")


@dataclass
class RunningSandbox:
    """A started sandbox, with credentials and a config whose sources point at it."""

    url: str
    sandbox: Sandbox
    credentials_dir: Path
    config: Config
    config_path: Path
    instagram_token: str
    token_env: str = DEMO_TOKEN_ENV

    @property
    def environ(self) -> dict[str, str]:
        return {**os.environ, self.token_env: self.instagram_token}


def demo_sources(url: str, creds: DemoCredentials) -> list[dict[str, Any]]:
    """`[[sources]]` entries for the demo accounts, pointed at the sandbox."""
    entries: list[dict[str, Any]] = []
    for acct in ACCOUNTS:
        entry: dict[str, Any] = {
            "name": acct.name,
            "platform": acct.platform.value,
            "account": acct.ref,
            "display_name": acct.display,
            "base_url": url,
        }
        if acct.platform in (Platform.GOOGLE_PLAY, Platform.GBP):
            entry["credentials_file"] = str(creds.google_file)
        elif acct.platform is Platform.APP_STORE:
            entry.update(
                key_file=str(creds.asc_key_file), key_id=ASC_KEY_ID, issuer_id=ASC_ISSUER_ID
            )
        else:
            entry.update(token_env=DEMO_TOKEN_ENV, own_username="resello.in")
        entries.append(entry)
    return entries


def _config_toml(entries: list[dict[str, Any]]) -> str:
    lines = ["# Written by the review-inbox demo: sources pointing at the local sandbox.", ""]
    for entry in entries:
        lines.append("[[sources]]")
        lines.extend(
            f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items()
        )
        lines.append("")
    return "\n".join(lines)


@contextmanager
def start_sandbox(
    *,
    port: int = 0,
    synthetic: int | None = None,
    now: datetime | None = None,
    folder: Path | None = None,
    documents: dict[str, Any] | None = None,
) -> Iterator[RunningSandbox]:
    """Start the sandbox on 127.0.0.1 with the demo data (or N synthetic items per platform)."""
    now = now or datetime.now(UTC)
    if synthetic:
        data = SandboxData.synthetic(synthetic, seed=7, now=now)
    else:
        docs = documents if documents is not None else current_documents(now)
        data = SandboxData.from_documents(
            play_pages=docs["play_api.json"],
            asc_pages=docs["asc.json"],
            gbp_pages=docs["gbp.json"],
            instagram_pages=docs["instagram.json"],
        )
    sandbox = Sandbox(data, port=port, play_window_days=None)
    url = sandbox.start()
    try:
        target = folder or Path(tempfile.mkdtemp(prefix="inbox-sandbox-"))
        creds = write_demo_credentials(target / "credentials", token_uri=f"{url}/token")
        sandbox.asc_public_keys[ASC_KEY_ID] = creds.asc_public_pem
        sandbox.instagram_token = creds.instagram_token
        entries = demo_sources(url, creds)
        config = parse_config({"sources": entries}, "demo")
        config_path = target / "config.toml"
        config_path.write_text(_config_toml(entries), encoding="utf-8")
        yield RunningSandbox(url, sandbox, creds.folder, config, config_path, creds.instagram_token)
    finally:
        sandbox.stop()


def current_documents(now: datetime) -> dict[str, Any]:
    return {name: doc for name, _fmt, doc in shifted_documents(now)}


def load_demo(
    engine: Engine,
    now: datetime | None = None,
    folder: Path | None = None,
    classifier: Classifier | None = None,
) -> tuple[list[ImportResult], list[PollOutcome]]:
    """Fill an empty database the way a user would: import a backfill (the first versions of
    reviews edited later), then poll the sandbox with the real pollers."""
    with demo_sandbox(engine, now, folder, classifier) as (imports, outcomes, _running):
        return imports, outcomes


@contextmanager
def demo_sandbox(
    engine: Engine,
    now: datetime | None = None,
    folder: Path | None = None,
    classifier: Classifier | None = None,
) -> Iterator[tuple[list[ImportResult], list[PollOutcome], RunningSandbox]]:
    """`load_demo`, with the sandbox kept running until the block ends: the demo's inbox posts
    its replies there (`ConfiguredSources(running.config, environ=running.environ)`)."""
    from inbox.poll import poll_all

    now = now or datetime.now(UTC)
    docs = current_documents(now)
    with session_scope(engine) as session:
        for acct in ACCOUNTS:
            ensure_account(session, acct.name, acct.platform, acct.ref, acct.display)
    imports = []
    for name, fmt in FILES:
        if name in EARLIER:
            data = json.dumps(docs[name], ensure_ascii=False).encode("utf-8")
            imports.append(
                import_bytes(
                    engine, Config(), data, name=f"demo/{name}", fmt=fmt, classifier=classifier
                )
            )
    with tempfile.TemporaryDirectory(prefix="inbox-demo-") as scratch:
        target = folder or Path(scratch)
        with start_sandbox(now=now, folder=target, documents=docs) as running:
            outcomes = poll_all(
                engine, running.config, environ=running.environ, classifier=classifier
            )
            yield imports, outcomes, running
