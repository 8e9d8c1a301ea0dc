"""The bundled demo: raw platform payloads, shifted in time, loaded through the real import path."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

from sqlalchemy.engine import Engine

from inbox.config import Config
from inbox.db import session_scope
from inbox.importer import ImportResult, import_bytes
from inbox.ingest import ensure_account
from sources.base import Platform

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


def load_demo(engine: Engine, now: datetime | None = None) -> list[ImportResult]:
    """Load every demo file into `engine` (an empty database is expected)."""
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        for acct in ACCOUNTS:
            ensure_account(session, acct.name, acct.platform, acct.ref, acct.display)
    results = []
    for name, fmt, doc in shifted_documents(now):
        data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        results.append(import_bytes(engine, Config(), data, name=f"demo/{name}", fmt=fmt))
    return results
