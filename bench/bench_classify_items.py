"""Classify alone: `python bench/bench_classify_items.py [N] [--repeat R] [--against DIR]`.

Ingests N items (bench_load's Play reviews) into a fresh SQLite file once, untimed; then, in a
fresh process per run (cold caches, as in bench_load), copies that file and times
`classify_items` over the items in chunks of 5,000, as bench_load's ingest + classify phase
calls it. Prints µs/item per run and the median. `--against DIR` also runs the same
measurement with another checkout of the code on PYTHONPATH (e.g. `git worktree add` of
main), alternating A and B in the same run, so both see the same machine load.
Issue #8 budget for this part: ≤ 110 µs/item at N = 100,000.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
CHUNK = 5_000


def prepare(n: int, path: Path) -> None:
    """A fresh SQLite file holding n ingested, unclassified items."""
    sys.path.insert(0, str(HERE.parent))
    from bench_load import reviews

    from inbox.db import create_db_engine, session_scope, upgrade
    from inbox.ingest import ensure_account, ingest
    from sources.base import Platform

    engine = create_db_engine(str(path))
    upgrade(engine)
    for chunk in reviews(n):
        with session_scope(engine) as session:
            account = ensure_account(session, "play", Platform.GOOGLE_PLAY, "in.resello.app")
            ingest(session, account, chunk)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def measure(path: Path) -> tuple[float, float]:
    """µs per item of classify_items over every item in `path`, chunk by chunk: wall clock,
    and this process's CPU time (steadier when other work shares the machine)."""
    from inbox.classify import classify_items, get_classifier
    from inbox.config import Config
    from inbox.db import create_db_engine

    engine = create_db_engine(str(path))
    classifier = get_classifier(Config())
    with engine.connect() as connection:
        ids = [int(i) for (i,) in connection.exec_driver_sql("SELECT id FROM item ORDER BY id")]
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(ids), CHUNK):
        classify_items(engine, classifier, ids[start : start + CHUNK])
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    engine.dispose()
    return seconds / len(ids) * 1e6, cpu / len(ids) * 1e6


def run_once(template: Path, folder: Path, tree: Path) -> tuple[float, float]:
    copy = folder / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, copy)
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run(
        [sys.executable, str(HERE), "--measure", str(copy)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return float(result["wall"]), float(result["cpu"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000, help="items")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tree")
    parser.add_argument("--against", type=Path, help="another checkout to compare with")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        wall, cpu = measure(args.measure)
        print(json.dumps({"wall": wall, "cpu": cpu}))
        return
    from inbox.classify import get_classifier
    from inbox.config import Config

    get_classifier(Config())  # trains and saves the model once, if there is none yet
    trees = {"this tree": ROOT}
    if args.against:
        trees["against"] = args.against.resolve()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = folder / "template.db"
        prepare(args.n, template)
        for _ in range(args.repeat):
            for name, tree in trees.items():
                results[name].append(run_once(template, folder, tree))
    print(f"classify_items, {args.n} ingested items, chunks of {CHUNK}, fresh process per run")
    for name, values in results.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(
            f"  {name:10}: median {statistics.median(walls):6.1f} µs/item wall"
            f" ({' '.join(f'{w:.1f}' for w in walls)}),"
            f" {statistics.median(cpus):6.1f} µs/item CPU ({' '.join(f'{c:.1f}' for c in cpus)})"
        )


if __name__ == "__main__":
    main()
