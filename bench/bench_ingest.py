"""Ingest throughput: `python bench/bench_ingest.py [N]`: rows/s for our ingest and raw sqlite3.

Measured on a real SQLite file (WAL), the way the inbox runs by default.
"""

from __future__ import annotations

import json
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from inbox.db import create_db_engine, session_scope, upgrade
from inbox.ingest import ensure_account, ingest
from sources.base import Platform, Review

BODIES = [
    "Quote 14k tha, pickup pe 9k bola 😡 worst experience",
    "Smooth pickup, money in 10 min. Recommended!",
    "पेमेंट अभी तक नहीं आया, 5 दिन हो गए",
    "App crashes after OTP on my Redmi Note 10",
]


def records(n: int) -> list[Review]:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        body = f"{BODIES[i % len(BODIES)]} #{i}"
        out.append(
            Review(
                platform=Platform.GOOGLE_PLAY,
                external_id=f"gp:AOqpTO{i:010d}",
                body=body,
                raw={
                    "reviewId": f"gp:AOqpTO{i:010d}",
                    "comments": [{"userComment": {"text": body}}],
                },
                updated_at=start + timedelta(seconds=i),
                author=f"User {i}",
                rating=1 + i % 5,
                language="en",
            )
        )
    return out


def bench_ingest(n: int, folder: Path) -> float:
    engine = create_db_engine(str(folder / "inbox.db"))
    upgrade(engine)
    recs = records(n)
    t0 = time.perf_counter()
    with session_scope(engine) as session:
        account = ensure_account(session, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        ingest(session, account, recs)
    return n / (time.perf_counter() - t0)


def bench_reingest(n: int, folder: Path) -> float:
    engine = create_db_engine(str(folder / "inbox.db"))
    recs = records(n)
    t0 = time.perf_counter()
    with session_scope(engine) as session:
        account = ensure_account(session, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        ingest(session, account, recs)
    return n / (time.perf_counter() - t0)


def bench_raw_sqlite(n: int, folder: Path) -> float:
    conn = sqlite3.connect(folder / "raw.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE, body TEXT,"
        " author TEXT, rating INT, updated_at TEXT, raw TEXT)"
    )
    rows = [
        (
            r.external_id,
            r.body,
            r.author,
            r.rating,
            r.updated_at.isoformat() if r.updated_at else None,
            json.dumps(dict(r.raw)),
        )
        for r in records(n)
    ]
    t0 = time.perf_counter()
    with conn:
        conn.executemany(
            "INSERT INTO item (external_id, body, author, rating, updated_at, raw)"
            " VALUES (?,?,?,?,?,?)",
            rows,
        )
    return n / (time.perf_counter() - t0)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw = bench_raw_sqlite(n, folder)
        ours = bench_ingest(n, folder)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        again = bench_reingest(n, folder)
    print(f"items: {n}")
    print(f"raw sqlite3 executemany : {raw:10.0f} rows/s")
    share = f"{ours / raw:.0%} of raw; peak RSS {peak:.0f} MiB"
    print(f"inbox ingest (new)      : {ours:10.0f} items/s  ({share})")
    print(f"inbox ingest (unchanged): {again:10.0f} items/s")


if __name__ == "__main__":
    main()
