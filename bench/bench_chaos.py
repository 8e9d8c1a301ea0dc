"""Fault and kill proof at scale:
`python bench/bench_chaos.py [PER_PLATFORM] [KILLS] [REPLIES] [TUI_KILLS]`.

Default: 5,000 items per platform (20,000 in all), 6 SIGKILLs of `inbox poll` and of
`inbox send`, 200 replies, then 6 SIGKILLs of an inbox window working the queue
(tests/chaos_tui.py); the sandbox injects a random 429/500/503/timeout/reset every fraction
of a second. Prints what survived; duplicates, double posts, items answered twice and event
gaps must be 0, and every claim a killed window left must free itself when it expires.
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
    tui_kills = int(sys.argv[4]) if len(sys.argv) > 4 else kills
    with tempfile.TemporaryDirectory() as tmp:
        report = run_chaos(
            Path(tmp), per_platform, kills=kills, replies=replies, tui_kills=tui_kills
        )
    for line in report.lines():
        print(line)
    ok = (
        report.items_stored == report.items_expected
        and report.duplicates == 0
        and report.double_posts == 0
        and report.replies_sent == report.replies_queued
        and report.tui_kills == tui_kills
        and report.answered_twice == 0
        and report.replies_unfinished == 0
        and report.gaps == 0
        and report.claims_refused == report.claims_taken == report.claims_left
    )
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
