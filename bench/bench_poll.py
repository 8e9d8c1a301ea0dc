"""Polling throughput against the local sandbox: `python bench/bench_poll.py [N_PER_PLATFORM]`.

Prints, per source, the requests made and seconds taken for a first full poll and for a second
poll that should stop at the cursor after one page.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from inbox.db import create_db_engine, upgrade
from inbox.demo import start_sandbox
from inbox.poll import PollOutcome, poll_all


def show(label: str, outcomes: list[PollOutcome], seconds: float) -> None:
    total_new = sum(o.report.new for o in outcomes)
    total_requests = sum(o.requests for o in outcomes)
    print(f"{label}: {total_new} new items, {total_requests} requests, {seconds:.1f} s wall")
    for o in outcomes:
        print(f"  {o.summary()}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = create_db_engine(str(folder / "bench.db"))
        upgrade(engine)
        t0 = time.perf_counter()
        with start_sandbox(synthetic=n, now=datetime.now(UTC), folder=folder / "sb") as running:
            print(f"sandbox with {n} items per platform ready in {time.perf_counter() - t0:.1f} s")
            t1 = time.perf_counter()
            first = poll_all(engine, running.config, environ=running.environ)
            show("first poll ", first, time.perf_counter() - t1)
            t2 = time.perf_counter()
            second = poll_all(engine, running.config, environ=running.environ)
            show("second poll", second, time.perf_counter() - t2)
            items = sum(o.report.new for o in first)
            print(f"first poll: {items / (t2 - t1):.0f} items/s end to end (HTTP + parse + ingest)")


if __name__ == "__main__":
    main()
