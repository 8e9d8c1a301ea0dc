"""Issue #8's fault proof, small: `inbox poll` and `inbox send` killed at random moments while
the sandbox injects faults; nothing lost, nothing duplicated, no reply posted twice.
(bench/bench_chaos.py runs the same scenario on 20,000 items.)"""

from __future__ import annotations

from pathlib import Path

from chaos import run_chaos


def test_kills_and_faults_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    report = run_chaos(tmp_path, per_platform=150, kills=2, replies=16)
    print("\n".join(report.lines()))
    assert report.items_stored == report.items_expected
    assert report.duplicates == 0
    assert report.received_events == report.items_stored
    assert report.kills >= 1 and report.faults_injected > 0
    assert report.replies_sent == report.replies_queued == 16
    assert report.double_posts == 0, report.reply_posts
