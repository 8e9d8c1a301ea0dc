"""Team mode: several agents, a poller and crashes on one database. Every item is answered
exactly once, every claim is in the log, and no write to an item is lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from team_agent import Tally, work_queue

from inbox.claims import CLAIM_MINUTES, renew_every_seconds
from inbox.config import Config
from inbox.db import create_db_engine, session_scope, upgrade
from inbox.errors import ConflictError
from inbox.ingest import ensure_account, ingest
from inbox.models import Event, EventKind, Item, Reply, ReplyOrigin
from inbox.outbox import Outbox
from inbox.service import InboxService, ItemFilter
from sources.base import Platform, Review

AGENT_SCRIPT = Path(__file__).parent / "team_agent.py"
START = datetime.now(UTC).replace(microsecond=0)
COMPLAINTS = [
    "Pickup guy never came, waited whole day",
    "Payment still not received after 5 days, very bad",
    "App crashes when I upload photos of my phone",
    "Price offered was much lower than the quote",
    "OTP not coming on my number, cannot login",
    "Good service, fast pickup and money on time",
]


def review(n: int, body: str, updated: datetime | None = None) -> Review:
    return Review(
        platform=Platform.GOOGLE_PLAY,
        external_id=f"r-{n}",
        author=f"Customer {n}",
        rating=1 + n % 5,
        body=body,
        raw={"id": n, "body": body},
        created_at=START - timedelta(minutes=n),
        updated_at=updated,
    )


def seed_queue(engine: Engine, n: int) -> dict[int, int]:
    """`n` unanswered reviews; returns item id → review number."""
    with session_scope(engine) as s:
        account = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        ingest(s, account, [review(i, f"{COMPLAINTS[i % 6]} (#{i})") for i in range(n)])
    with Session(engine) as s:
        rows = s.execute(sa.select(col(Item.id), col(Item.external_id))).all()
    return {int(item_id): int(ext.split("-")[1]) for item_id, ext in rows}


class Poller(threading.Thread):
    """`inbox poll --watch` seeing customers edit their reviews while the agents work: each
    round edits the items being worked on and a few others, in small transactions like a real
    poll's batches."""

    def __init__(self, engine: Engine, numbers: dict[int, int], seed: int) -> None:
        super().__init__(daemon=True)
        self.engine, self.numbers = engine, numbers
        self.rng = random.Random(seed)
        self.stop = threading.Event()
        self.edits: Counter[int] = Counter()
        self.rounds = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set() or self.rounds < 5:
                self.rounds += 1
                # The items agents hold right now, to overlap their writes, and a few others.
                with Session(self.engine) as s:
                    held = s.execute(
                        sa.select(col(Item.id)).where(col(Item.claimed_until) > datetime.now(UTC))
                    ).scalars()
                    picked = set(held) | set(self.rng.sample(sorted(self.numbers), 3))
                records = [
                    review(
                        self.numbers[i],
                        f"{COMPLAINTS[self.numbers[i] % 6]} — edit {self.rounds}",
                        START + timedelta(seconds=self.rounds),
                    )
                    for i in picked
                ]
                with session_scope(self.engine) as s:
                    account = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
                    report = ingest(s, account, records)
                assert report.updated == len(records) and report.new == 0, report
                self.edits.update(report.changed_ids)
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc


def check_team_work(engine: Engine, tallies: list[Tally], poller: Poller) -> dict[str, object]:
    """The invariants of team mode, each against the database; returns the figures."""
    ids = sorted(poller.numbers)
    claims = [i for t in tallies for i in t.claims]
    answered = [i for t in tallies for i in t.answered]
    assert [t.refused_own for t in tallies] == [0] * len(tallies)  # a claim protects its item
    assert len(claims) == len(set(claims)), "an item was claimed twice"
    assert sorted(answered) == ids, "an item answered twice, or not at all"
    with Session(engine) as s:
        per_item = Counter(
            s.execute(
                sa.select(col(Reply.item_id)).where(col(Reply.origin) == ReplyOrigin.TOOL)
            ).scalars()
        )
        claim_events = Counter(
            (e.item_id, e.actor)
            for e in s.execute(
                sa.select(Event).where(col(Event.kind) == EventKind.ASSIGNED)
            ).scalars()
            if (e.data or {}).get("claim")
        )
        versions = {
            int(i): int(v) for i, v in s.execute(sa.select(col(Item.id), col(Item.version)))
        }
    assert per_item == Counter(ids), "the outbox holds two replies for one item"
    assert claim_events == Counter((i, t.agent) for t in tallies for i in t.claims)
    writes = sum((t.writes for t in tallies), Counter())
    lost = {i: (versions[i], 1 + writes[i] + poller.edits[i]) for i in ids}
    assert {i: v for i, v in lost.items() if v[0] != v[1]} == {}, "a write was lost"
    figures = {
        "agents": len(tallies),
        "items": len(ids),
        "claims": len(claims),
        "answered_without_claim": len(answered) - len(claims),
        "claims_per_agent": sorted(len(t.claims) for t in tallies),
        "conflicts": sum(t.conflicts for t in tallies),
        "refused_as_held": sum(t.held_refusals for t in tallies),
        "busy_retries": sum(t.busy_retries for t in tallies),
        "poller_edits": sum(poller.edits.values()),
        "duplicates": sum(n - 1 for n in per_item.values()),
    }
    assert sum(t.conflicts for t in tallies) > 0  # the refusals were really exercised
    print(f"\nteam figures ({engine.dialect.name}): {figures}")
    return figures


def run_threads(engine: Engine, agents: int) -> list[Tally]:
    tallies: list[Tally] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(agents)

    def agent(n: int) -> None:
        try:
            barrier.wait()
            tallies.append(work_queue(engine, f"agent{n}", seed=n))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=agent, args=(n,)) for n in range(agents)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return tallies


@pytest.mark.slow
def test_agents_as_threads_answer_each_item_once(engine: Engine) -> None:
    agents, items = (5, 200) if engine.dialect.name == "postgresql" else (3, 120)
    poller = Poller(engine, seed_queue(engine, items), seed=1)
    poller.start()
    try:
        tallies = run_threads(engine, agents)
    finally:
        poller.stop.set()
        poller.join()
    assert poller.error is None
    check_team_work(engine, tallies, poller)


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(AGENT_SCRIPT), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(AGENT_SCRIPT.parent)},
    )


def run_processes(url: str, engine: Engine, agents: int, poller: Poller) -> list[Tally]:
    procs = [spawn("work", url, f"proc{n}", str(n)) for n in range(agents)]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        poller.start()
        for p in procs:  # all imported and connected: start together
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        outputs = [p.communicate()[0] for p in procs]
    finally:
        poller.stop.set()
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        if poller.is_alive():
            poller.join()
    assert [p.returncode for p in procs] == [0] * agents
    return [Tally.from_json(out.strip().splitlines()[-1]) for out in outputs]


@pytest.mark.slow
@pytest.mark.postgres
def test_agents_as_processes_on_postgres(postgres_url: str) -> None:
    engine = create_db_engine(postgres_url)
    upgrade(engine)
    poller = Poller(engine, seed_queue(engine, 200), seed=2)
    tallies = run_processes(postgres_url, engine, 4, poller)
    assert poller.error is None
    check_team_work(engine, tallies, poller)
    engine.dispose()


@pytest.mark.slow
def test_agents_as_processes_on_sqlite(tmp_path: Path) -> None:
    url = str(tmp_path / "team.db")
    engine = create_db_engine(url)
    upgrade(engine)
    poller = Poller(engine, seed_queue(engine, 120), seed=3)
    tallies = run_processes(url, engine, 3, poller)
    assert poller.error is None
    check_team_work(engine, tallies, poller)
    engine.dispose()


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_db_engine(postgres_url)
    upgrade(engine)
    yield engine
    engine.dispose()


def kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate()  # reaps it and closes its pipes


@pytest.mark.postgres
def test_a_killed_agents_claim_expires_and_another_takes_the_item(
    postgres_url: str, pg_engine: Engine
) -> None:
    seed_queue(pg_engine, 1)
    crashed = spawn("hold", postgres_url, "crashed")
    assert crashed.stdout is not None
    item_id = int(crashed.stdout.readline())
    kill(crashed)  # SIGKILL while holding the claim: no release ever comes

    now = datetime.now(UTC)
    arjun = InboxService(pg_engine, Config(), clock=lambda: now, agent="arjun")
    with pytest.raises(ConflictError, match="crashed is working on this item"):
        arjun.claim(item_id)
    assert arjun.claim_next() is None  # the only item is still held
    with pytest.raises(ConflictError, match="crashed is working"):
        Outbox(pg_engine, Config(), clock=lambda: now, agent="arjun").queue(item_id, "Hi!")

    later = now + timedelta(minutes=CLAIM_MINUTES + 1)
    priya = InboxService(pg_engine, Config(), clock=lambda: later, agent="priya")
    taken = priya.claim_next()
    assert taken is not None and taken.id == item_id and taken.assignee == "priya"
    actors = [
        (e.actor, (e.data or {}).get("claim"))
        for e in priya.get_item(item_id).events
        if e.kind == EventKind.ASSIGNED
    ]
    assert actors == [("crashed", True), ("priya", True)]


@pytest.mark.postgres
def test_a_stuck_agents_row_lock_neither_blocks_nor_survives_it(
    postgres_url: str, pg_engine: Engine
) -> None:
    numbers = seed_queue(pg_engine, 2)
    first, second = sorted(numbers, key=lambda i: numbers[i])  # queue order: newest first
    stuck = spawn("stall", postgres_url, "stuck", str(first))
    assert stuck.stdout is not None
    try:
        assert stuck.stdout.readline().strip() == "locked"
        asha = InboxService(pg_engine, Config(), agent="asha")
        with pytest.raises(ConflictError, match="changing this item right now"):
            asha.claim(first)  # answers at once instead of waiting on the stuck process
        taken = asha.claim_next()  # the locked row is skipped, not waited for
        assert taken is not None and taken.id == second
    finally:
        kill(stuck)
    # The server drops a dead client's locks; the item can be claimed again.
    for attempt in range(50):
        try:
            assert asha.claim(first).assignee == "asha"
            break
        except ConflictError:
            assert attempt < 49


def agent(engine: Engine, name: str, now: datetime) -> InboxService:
    return InboxService(engine, Config(), clock=lambda: now, agent=name)


def test_claim_next_skips_held_answered_and_snoozed_items(engine: Engine) -> None:
    numbers = seed_queue(engine, 5)
    by_number = {n: i for i, n in numbers.items()}
    now = datetime.now(UTC)
    asha, arjun = agent(engine, "asha", now), agent(engine, "arjun", now)
    asha.snooze(by_number[0], now + timedelta(hours=1))
    Outbox(engine, Config(), clock=lambda: now, agent="asha").queue(by_number[1], "Thanks!")
    asha.set_status(by_number[2], "no_reply_needed")
    first = asha.claim_next()
    assert first is not None and first.id == by_number[3]  # newest of those left
    assert first.claimed_until == now + timedelta(minutes=CLAIM_MINUTES)
    second = arjun.claim_next()
    assert second is not None and second.id == by_number[4]
    assert agent(engine, "priya", now).claim_next() is None
    resumed = arjun.claim_next()  # after a restart, an agent gets its own item back
    assert resumed is not None and resumed.id == by_number[4]
    # A filter narrows what is taken; our own live claim is handed back, not refused.
    assert asha.claim_next(ItemFilter(max_rating=2)) is None  # 1–2 stars: snoozed, answered
    again = asha.claim_next(ItemFilter(min_rating=4))
    assert again is not None and again.id == by_number[3]


def test_renewal_keeps_a_claim_and_expiry_frees_it(engine: Engine) -> None:
    numbers = seed_queue(engine, 1)
    [item_id] = numbers
    now = datetime.now(UTC)
    agent(engine, "asha", now).claim(item_id)
    later = now + timedelta(minutes=10)
    renewed = agent(engine, "asha", later).renew_claim(item_id)
    assert renewed.claimed_until == later + timedelta(minutes=CLAIM_MINUTES)
    # Past the first claim's end, but renewed: still hers.
    with pytest.raises(ConflictError, match="asha is working on this item"):
        agent(engine, "arjun", now + timedelta(minutes=20)).claim(item_id)
    # Nobody renews (the TUI crashed): the claim lapses and Arjun takes the item.
    lapsed = later + timedelta(minutes=CLAIM_MINUTES, seconds=1)
    assert agent(engine, "arjun", lapsed).claim(item_id).assignee == "arjun"
    with pytest.raises(ConflictError, match="arjun is working on this item"):
        agent(engine, "asha", lapsed).renew_claim(item_id)
    claims = [
        e.actor
        for e in agent(engine, "asha", lapsed).get_item(item_id).events
        if e.kind == EventKind.ASSIGNED
    ]
    assert claims == ["asha", "arjun"]  # the heartbeat itself is not history


def test_an_answered_item_is_not_answered_a_second_time(engine: Engine) -> None:
    [item_id] = seed_queue(engine, 1)
    now = datetime.now(UTC)
    outbox = Outbox(engine, Config(), clock=lambda: now, agent="asha")
    agent(engine, "asha", now).set_status(item_id, "replied")  # e.g. answered on the platform
    with pytest.raises(ConflictError, match="already been answered"):
        outbox.queue(item_id, "Thanks again!")
    assert agent(engine, "arjun", now).claim_next() is None


def test_the_claim_length_comes_from_config(engine: Engine) -> None:
    numbers = seed_queue(engine, 2)
    first, second = list(numbers)
    now = datetime.now(UTC)
    config = Config.model_validate({"agent": {"claim_minutes": 40}})
    asha = InboxService(engine, config, clock=lambda: now, agent="asha")
    assert asha.claim(first).claimed_until == now + timedelta(minutes=40)
    priya = InboxService(engine, config, clock=lambda: now, agent="priya")
    taken = priya.claim_next()
    assert taken is not None and taken.id == second
    assert taken.claimed_until == now + timedelta(minutes=40)
    later = now + timedelta(minutes=30)
    renewed = InboxService(engine, config, clock=lambda: later, agent="asha").renew_claim(first)
    assert renewed.claimed_until == later + timedelta(minutes=40)
    # Still theirs 35 minutes in, where the default 15 would have lapsed.
    with pytest.raises(ConflictError, match="priya is working on this item"):
        agent(engine, "arjun", now + timedelta(minutes=35)).claim(second)
    assert renew_every_seconds(40) == 800


@pytest.mark.parametrize("minutes", [0, -5, 481])
def test_a_claim_length_out_of_range_is_refused(minutes: float) -> None:
    with pytest.raises(ValueError, match="claim_minutes"):
        Config.model_validate({"agent": {"claim_minutes": minutes}})
