"""A scripted generalist for the team-mode tests: works the shared queue through the service
layer and the real outbox, exactly as a TUI would, and keeps a tally the tests check against
the database.

Threads call `work_queue`; the multi-process tests run this file as a script:
    python tests/team_agent.py work URL AGENT SEED   (prints "ready", waits for "go" on
                                                      stdin, works, prints its tally as JSON)
    python tests/team_agent.py hold URL AGENT        (claims the next item, prints its id,
                                                      then sleeps until killed)
    python tests/team_agent.py stall URL AGENT ID    (holds item ID's row lock in an open
                                                      transaction, prints "locked", sleeps)
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from inbox.claims import lock_item
from inbox.compose import Composer
from inbox.config import Config
from inbox.db import create_db_engine, write_scope
from inbox.errors import ConflictError
from inbox.models import Item, utcnow
from inbox.outbox import Outbox
from inbox.service import InboxService

BUSY = "changing this item right now"  # a row lock held for a moment: try again


@dataclass
class Tally:
    """What one agent did, by its own count."""

    agent: str
    claims: list[int] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    writes: Counter[int] = field(default_factory=Counter)  # version-bumping writes per item
    conflicts: int = 0  # refusals when replying to an item without claiming it
    held_refusals: int = 0  # of those, because another agent held the item
    refused_own: int = 0  # our own claimed item refused at queue time: must stay 0
    busy_retries: int = 0

    def as_json(self) -> str:
        data = asdict(self)
        data["writes"] = {str(k): v for k, v in self.writes.items()}
        return json.dumps(data)

    @classmethod
    def from_json(cls, line: str) -> Tally:
        data = json.loads(line)
        data["writes"] = Counter({int(k): v for k, v in data["writes"].items()})
        return cls(**data)


def _queue(outbox: Outbox, item_id: int, text: str, tally: Tally, template: str | None) -> None:
    """Queue a reply, retrying only while a row is momentarily locked."""
    for _ in range(50):
        try:
            outbox.queue(item_id, text, template_id=template)
            return
        except ConflictError as exc:
            if BUSY not in str(exc):
                raise
            tally.busy_retries += 1
            time.sleep(0.01)
    raise AssertionError(f"item {item_id} stayed locked")


def work_queue(engine: Engine, agent: str, seed: int) -> Tally:
    """Claim the next item, answer it with a rendered template through the outbox, release
    it; until the queue is empty. Between, try to answer a random item without claiming it,
    as a stale screen or a script might: the outbox must refuse whatever is taken."""
    config = Config()
    service = InboxService(engine, config, agent=agent)
    outbox = Outbox(engine, config, agent=agent)
    composer = Composer(engine, config, agent=agent)
    rng = random.Random(seed)
    with engine.connect() as conn:
        all_ids = [int(i) for i in conn.execute(sa.select(col(Item.id))).scalars()]
    tally = Tally(agent)
    template: str | None = None
    while (item := service.claim_next(minutes=10)) is not None:
        assert item.id is not None and item.assignee == agent
        tally.claims.append(item.id)
        tally.writes[item.id] += 1
        snoop = rng.choice(all_ids)
        if snoop != item.id and rng.random() < 0.4:
            try:
                _queue(outbox, snoop, f"Thanks for writing, {agent} is on it.", tally, None)
                tally.answered.append(snoop)
            except ConflictError as exc:
                tally.conflicts += 1
                tally.held_refusals += "is working on this item" in str(exc)
        if template is None:
            template = composer.suggestions(item.id, 1)[0].template.id
        text, _hash = composer.render(item.id, template)
        try:
            _queue(outbox, item.id, text, tally, template)
            tally.answered.append(item.id)
        except ConflictError:
            tally.refused_own += 1
        service.release(item.id)
        tally.writes[item.id] += 1
    return tally


def main(argv: list[str]) -> None:
    mode, url, agent = argv[:3]
    engine = create_db_engine(url)
    if mode == "work":
        print("ready", flush=True)
        assert sys.stdin.readline().strip() == "go"
        print(work_queue(engine, agent, int(argv[3])).as_json(), flush=True)
    elif mode == "hold":
        item = InboxService(engine, Config(), agent=agent).claim_next(minutes=15)
        print(item.id if item else "none", flush=True)
        time.sleep(3600)
    elif mode == "stall":
        with write_scope(engine) as session:
            lock_item(session, int(argv[3]), agent, utcnow())
            print("locked", flush=True)
            time.sleep(3600)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
