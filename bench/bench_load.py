"""Load: `python bench/bench_load.py [N]` (default 100,000; needs `pip install -e '.[bench]'`).

Ingests N new items into a fresh SQLite file; then again with the text index written after
each commit (as a poll does); then again with classification too (a whole poll). Prints
items/s and peak memory next to raw `sqlite3.executemany` and `sqlite-utils insert_all` of the
same rows, measured in the same run. "Ingest" is the items and their events committed: the
text index and the themes are derived data, written after the commit, as sqlite-utils'
`populate_fts` follows `insert_all`. Each phase runs in its own process, so its peak memory is
its own. Targets (issue #8): ingest ≥ 50% of sqlite-utils; ingest + classify ≥ 5,000 items/s;
memory bounded (not growing with N).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import queue as queues
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

BODIES = [
    "Quote 14k tha, pickup pe 9k bola 😡 worst experience, executive ne bola screen pe line hai",
    "Smooth pickup, money in 10 min. Recommended! Staff was polite and on time.",
    "पेमेंट अभी तक नहीं आया, 5 दिन हो गए। कस्टमर केयर फोन नहीं उठाता",
    "App crashes after OTP on my Redmi Note 10, reinstalled twice, still the same",
    "Is this legit? Friend said they cut the price at the door. Thinking of selling my iPhone 12",
]
CHUNK = 5_000


def reviews(n: int, offset: int = 0) -> Iterator[list[object]]:
    """N Play reviews in chunks, generated as a poller yields them (never all in memory)."""
    from sources.base import Platform, Review

    start = datetime(2026, 10, 1, tzinfo=UTC)
    for base in range(offset, offset + n, CHUNK):
        chunk: list[object] = []
        for i in range(base, min(base + CHUNK, offset + n)):
            body = f"{BODIES[i % len(BODIES)]} #{i}"
            chunk.append(
                Review(
                    platform=Platform.GOOGLE_PLAY,
                    external_id=f"gp:AOqpTO{i:010d}",
                    body=body,
                    raw={
                        "reviewId": f"gp:AOqpTO{i:010d}",
                        "authorName": f"User {i}",
                        "comments": [{"userComment": {"text": body, "starRating": 1 + i % 5}}],
                    },
                    updated_at=start + timedelta(seconds=i),
                    author=f"User {i}",
                    rating=1 + i % 5,
                    language="en",
                )
            )
        yield chunk


def plain_rows(n: int) -> Iterator[list[dict[str, object]]]:
    for chunk in reviews(n):
        yield [
            {
                "external_id": r.external_id,  # type: ignore[attr-defined]
                "body": r.body,  # type: ignore[attr-defined]
                "author": r.author,  # type: ignore[attr-defined]
                "rating": r.rating,  # type: ignore[attr-defined]
                "updated_at": r.updated_at.isoformat(),  # type: ignore[attr-defined]
                "raw": json.dumps(r.raw),  # type: ignore[attr-defined]
            }
            for r in chunk
        ]


def stored_rows(n: int) -> Iterator[list[dict[str, object]]]:
    """The same records with every column the inbox stores for an item (wider rows)."""
    import hashlib

    now = datetime.now(UTC)
    for chunk in reviews(n):
        yield [
            {
                "platform": str(r.platform),  # type: ignore[attr-defined]
                "account_id": 1,
                "external_id": r.external_id,  # type: ignore[attr-defined]
                "author": r.author,  # type: ignore[attr-defined]
                "author_id": r.author_id,  # type: ignore[attr-defined]
                "rating": r.rating,  # type: ignore[attr-defined]
                "title": r.title,  # type: ignore[attr-defined]
                "body": r.body,  # type: ignore[attr-defined]
                "language": r.language,  # type: ignore[attr-defined]
                "created_at": r.created_at,  # type: ignore[attr-defined]
                "updated_at": r.updated_at,  # type: ignore[attr-defined]
                "first_seen_at": now,
                "clock_started_at": r.created_at or r.updated_at,  # type: ignore[attr-defined]
                "permalink": r.permalink,  # type: ignore[attr-defined]
                "app_version": r.app_version,  # type: ignore[attr-defined]
                "device": r.device,  # type: ignore[attr-defined]
                "territory": r.territory,  # type: ignore[attr-defined]
                "location": r.location,  # type: ignore[attr-defined]
                "parent_id": r.parent_id,  # type: ignore[attr-defined]
                "parent_text": r.parent_text,  # type: ignore[attr-defined]
                "extra": None,
                "raw": json.dumps(r.raw),  # type: ignore[attr-defined]
                "content_hash": hashlib.sha256(r.body.encode()).hexdigest(),  # type: ignore[attr-defined]
                "revision": 1,
                "status": "new",
                "snoozed_until": None,
                "assignee": None,
                "claimed_until": None,
                "version": 1,
            }
            for r in chunk
        ]


def sqlite_utils_stored(n: int, folder: Path) -> float:
    import sqlite_utils

    db = sqlite_utils.Database(folder / "su-wide.db")
    db.enable_wal()
    started = time.perf_counter()
    for rows in stored_rows(n):
        db["item"].insert_all(rows, pk="id", batch_size=1000)  # type: ignore[union-attr]
    return time.perf_counter() - started


def raw_sqlite(n: int, folder: Path) -> float:
    conn = sqlite3.connect(folder / "raw.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE, body TEXT,"
        " author TEXT, rating INT, updated_at TEXT, raw TEXT)"
    )
    started = time.perf_counter()
    for rows in plain_rows(n):
        with conn:
            conn.executemany(
                "INSERT INTO item (external_id, body, author, rating, updated_at, raw)"
                " VALUES (:external_id, :body, :author, :rating, :updated_at, :raw)",
                rows,
            )
    return time.perf_counter() - started


def sqlite_utils(n: int, folder: Path) -> float:
    import sqlite_utils

    db = sqlite_utils.Database(folder / "su.db")
    db.enable_wal()
    started = time.perf_counter()
    for rows in plain_rows(n):
        db["item"].insert_all(rows, pk="id", batch_size=1000)  # type: ignore[union-attr]
    return time.perf_counter() - started


def inbox_ingest(n: int, folder: Path, index: bool = False, classify: bool = False) -> float:
    """The inbox storing N items as a poll does, chunk by chunk: ingest and commit; with
    `index`, then the text index of the chunk (its own transaction, as a poll does); with
    `classify`, then the classifier's themes and escalations."""
    from inbox import heap
    from inbox.classify import classify_items, get_classifier
    from inbox.config import Config
    from inbox.db import create_db_engine, session_scope, upgrade
    from inbox.ingest import ensure_account, ingest
    from inbox.textindex import catch_up
    from sources.base import Platform

    name = f"inbox{'-i' if index else ''}{'-c' if classify else ''}.db"
    engine = create_db_engine(str(folder / name))
    upgrade(engine)
    classifier = get_classifier(Config()) if classify else None
    heap.enable()  # as the `inbox` command does at start and once the model is loaded
    started = time.perf_counter()  # after imports, migrations and loading the model
    for chunk in reviews(n):
        with session_scope(engine) as session:
            account = ensure_account(session, "play", Platform.GOOGLE_PLAY, "in.resello.app")
            report = ingest(session, account, chunk)
        if index:
            catch_up(engine)
        if classifier is not None:
            classify_items(engine, classifier, report.changed_ids)
    return time.perf_counter() - started


def _phase(target: Callable[..., float], args: tuple[object, ...], queue: object) -> None:
    seconds = target(*args)
    n = args[0]
    assert isinstance(n, int)
    queue.put((n / seconds, peak_mib()))  # type: ignore[attr-defined]


def peak_mib() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would
    carry the parent's peak into a spawned child."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(target: Callable[..., float], *args: object) -> tuple[float, float]:
    spawn = multiprocessing.get_context("spawn")  # a fresh process: its peak is its own
    queue: multiprocessing.Queue[tuple[float, float]] = spawn.Queue()
    proc = spawn.Process(target=_phase, args=(target, args, queue))
    proc.start()
    while proc.is_alive() or not queue.empty():
        try:
            result: tuple[float, float] = queue.get(timeout=1)
        except queues.Empty:  # still running, or dead: the loop condition tells
            pass
        else:
            proc.join()
            return result
    raise SystemExit(f"{target.__name__} failed (exit code {proc.exitcode}); see above")


INGEST_RATIO = 0.5
BOTH_RATE = 5_000


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000, help="items per phase")
    n = parser.parse_args().n
    # Train the model once beforehand (the first `get_classifier` trains and saves it).
    from inbox.classify import get_classifier
    from inbox.config import Config

    get_classifier(Config())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        raw, raw_mem = measure(raw_sqlite, n, folder)
        su, su_mem = measure(sqlite_utils, n, folder)
        wide, wide_mem = measure(sqlite_utils_stored, n, folder)
        ours, ours_mem = measure(inbox_ingest, n, folder)
        indexed, indexed_mem = measure(inbox_ingest, n, folder, True)
        both, both_mem = measure(inbox_ingest, n, folder, True, True)
    print(f"{n} items, SQLite file (WAL), chunks of {CHUNK}")
    print(f"  raw sqlite3 executemany  : {raw:9.0f} rows/s   peak {raw_mem:5.0f} MiB")
    print(f"  sqlite-utils insert_all  : {su:9.0f} rows/s   peak {su_mem:5.0f} MiB")
    print(f"    same records, item rows as stored : {wide:9.0f} rows/s   peak {wide_mem:5.0f} MiB")
    print(f"  inbox ingest             : {ours:9.0f} items/s  peak {ours_mem:5.0f} MiB")
    print(f"    + text index (a poll)  : {indexed:9.0f} items/s  peak {indexed_mem:5.0f} MiB")
    print(f"    + index + classify     : {both:9.0f} items/s  peak {both_mem:5.0f} MiB")
    ratio = ours / su
    print(f"  {_verdict(ratio >= INGEST_RATIO)}  ingest is {ratio:.0%} of sqlite-utils (≥ 50%)")
    print(f"        ({ours / wide:.0%} of sqlite-utils inserting the item rows as stored;")
    print(f"         with the text index {indexed / su:.0%} and {indexed / wide:.0%})")
    print(f"  {_verdict(both >= BOTH_RATE)}  ingest + classify {both:,.0f} items/s (≥ 5,000/s)")
    print("  memory: compare the peaks with a run at N/2 (bounded = about the same)")


if __name__ == "__main__":
    main()
