"""Fault and kill proof at scale: `python bench/bench_chaos.py [PER_PLATFORM] [KILLS] [REPLIES]`.

Default: 5,000 items per platform (20,000 in all), 6 SIGKILLs of `inbox poll` and of
`inbox send`, 200 replies; the sandbox injects a random 429/500/503/timeout/reset every
fraction of a second. Prints what survived; duplicates and double posts must be 0.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from chaos import run_chaos


def main() -> None:
    per_platform = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    kills = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    replies = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    with tempfile.TemporaryDirectory() as tmp:
        report = run_chaos(Path(tmp), per_platform, kills=kills, replies=replies)
    for line in report.lines():
        print(line)
    ok = (
        report.items_stored == report.items_expected
        and report.duplicates == 0
        and report.double_posts == 0
        and report.replies_sent == report.replies_queued
    )
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
