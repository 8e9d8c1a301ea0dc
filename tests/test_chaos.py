"""Issue #8's fault proof, small: `inbox poll`, `inbox send` and an inbox window killed at
random moments while the sandbox injects faults; nothing lost, nothing duplicated, no reply
posted twice, no change without its event. (bench/bench_chaos.py runs it on 20,000 items.)"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import sqlalchemy as sa
from chaos import TUI_AGENT, ChaosReport, _check_events, _snapshot, run_chaos
from sqlalchemy.engine import Engine
from tui_support import build_inbox, config

from inbox.models import ItemStatus
from inbox.service import InboxService


def test_kills_and_faults_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    report = run_chaos(tmp_path, per_platform=150, kills=2, replies=16, tui_kills=2)
    print("\n".join(report.lines()))
    assert report.items_stored == report.items_expected
    assert report.duplicates == 0
    assert report.received_events == report.items_stored
    assert report.not_indexed == 0  # what killed polls committed, the last one indexed
    assert report.kills >= 1 and report.faults_injected > 0
    assert report.replies_sent == report.replies_queued == 16
    assert report.double_posts == 0, report.reply_posts
    # The windows: killed twice after working the queue; every change whole, none lost.
    assert report.tui_kills == 2
    assert report.tui_actions > 0 and report.tui_changes > 0
    assert report.answered_twice == 0
    assert report.replies_unfinished == 0  # every queued reply posted, or cancelled in time
    assert report.gaps == 0, report.event_gaps
    assert report.events_checked > report.items_stored
    # Each claim a killed window left is refused to a colleague until it expires, then free.
    assert report.claims_left >= 1  # every window replies to its top item first
    assert report.claims_refused == report.claims_taken == report.claims_left


def test_the_checks_find_lost_events_and_half_written_changes(sqlite_engine: Engine) -> None:
    """The checks above are not vacuous: whole changes pass, broken ones are each counted."""
    ids = build_inbox(sqlite_engine)
    before = _snapshot(sqlite_engine)
    service = InboxService(sqlite_engine, config(), agent=TUI_AGENT)
    service.escalate(ids["gp-2"], ["fraud"])
    service.add_tag(ids["gp-1"], "pickup")
    service.set_status(ids["gbp-1"], ItemStatus.NO_REPLY_NEEDED)
    service.mark_viewed(ids["ig-1"])
    whole = ChaosReport()
    _check_events(sqlite_engine, before, whole)
    assert whole.gaps == 0, whole.event_gaps
    assert whole.tui_changes == 4

    with sqlite_engine.begin() as conn:
        run = partial(conn.execute)
        run(
            sa.text("DELETE FROM event WHERE kind = 'escalated' AND item_id = :i"),
            {"i": ids["gp-2"]},
        )
        run(sa.text("DELETE FROM event WHERE kind = 'retagged'"))
        run(sa.text("UPDATE item SET status = 'replied' WHERE id = :i"), {"i": ids["ig-2"]})
        for key, state in (("k1", "sent"), ("k2", "queued")):
            run(
                sa.text(
                    "INSERT INTO reply (item_id, body, origin, state, attempts, idempotency_key, "
                    "created_at) VALUES (:i, 'hi', 'tool', :state, 0, :key, '2026-01-01')"
                ),
                {"i": ids["ig-1"], "state": state, "key": key},
            )
    broken = ChaosReport()
    _check_events(sqlite_engine, before, broken)
    assert {name: n for name, n in broken.event_gaps.items() if n} == {
        "item answered twice": 1,  # ig-1
        "escalation without its event": 1,  # gp-2
        "human tag without its event": 1,  # gp-1
        "reply without its queued event": 2,
        "sent reply without exactly one replied event": 1,
        "version bumps other than events": 2,  # gp-2, gp-1 (ig-2 was not bumped)
        "status change without its event": 2,  # gp-2 escalated, ig-2 replied
    }
