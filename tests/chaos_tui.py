"""A person working the queue, for issue #8's kill proof: the real inbox window on a database,
driven by keystrokes until the process is killed.

`python tests/chaos_tui.py --db chaos.db --config config.toml --seed 7 [--log actions.log]`

The window is `make_app` with the same context `inbox` builds (its background sender posts
due replies, so a kill can also land mid-post), run headless through Textual's Pilot: every
action goes through the real bindings, screens, workers and service calls. It replies to the
top item, then loops random triage actions (move, open, reply with a template, undo, escalate
with a reason, retag, no reply, snooze) and never stops by itself. The log holds action
names only: no item text, no reply text, no credentials. `chaos.py` reads "ready" from it,
then SIGKILLs the process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from inbox.config import load_config
from inbox.db import create_db_engine
from inbox.tui.app import InboxApp, make_app
from inbox.tui.context import InboxContext, background_sender
from inbox.tui.screens import ComposerScreen, EscalateScreen, RetagScreen, SnoozeScreen

Action = Callable[[Pilot[None], random.Random], Awaitable[None]]


async def settle(pilot: Pilot[None], delay: float = 0.0) -> None:
    """Let the window's workers finish (as a person waits for the screen to answer)."""
    if delay:
        await pilot.pause(delay)
    for _ in range(20):
        await pilot.pause()
        busy = [w for w in pilot.app.workers if not w.is_finished]
        if not busy:
            break
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


async def move(pilot: Pilot[None], rng: random.Random) -> None:
    key = rng.choice("jjjk")  # mostly down: spread the work over more than the top items
    await pilot.press(*[key] * rng.randint(1, 6))


async def open_item(pilot: Pilot[None], rng: random.Random) -> None:
    await pilot.press("o")
    await settle(pilot, rng.uniform(0, 0.3))
    await pilot.press("escape")


async def reply(pilot: Pilot[None], rng: random.Random) -> None:
    await pilot.press("r")
    await settle(pilot)
    if not isinstance(pilot.app.screen, ComposerScreen):
        return  # refused (a colleague's claim) or no item selected
    await settle(pilot, 0.1)  # suggestions arrive from a worker
    await pilot.press(rng.choice("123"))
    await settle(pilot, 0.35)  # lint runs after a pause in typing
    await pilot.press("ctrl+s")
    await settle(pilot)
    if isinstance(pilot.app.screen, ComposerScreen):  # lint or the outbox refused it
        await pilot.press("escape")
    elif rng.random() < 0.25:
        await pilot.press("u")  # changed my mind inside the undo window (or just after it)


async def escalate(pilot: Pilot[None], rng: random.Random) -> None:
    await pilot.press("e")
    await settle(pilot)
    if not isinstance(pilot.app.screen, EscalateScreen):
        return
    await pilot.press(*["down"] * rng.randint(0, 4), "space", "ctrl+s")


async def retag(pilot: Pilot[None], rng: random.Random) -> None:
    await pilot.press("t")
    await settle(pilot)
    if not isinstance(pilot.app.screen, RetagScreen):
        return
    await pilot.press(*["down"] * rng.randint(0, 8), "space", "ctrl+s")


async def no_reply(pilot: Pilot[None], _rng: random.Random) -> None:
    await pilot.press("n")


async def snooze(pilot: Pilot[None], rng: random.Random) -> None:
    await pilot.press("z")
    await settle(pilot)
    if not isinstance(pilot.app.screen, SnoozeScreen):
        return
    await pilot.press(*["down"] * rng.randint(0, 3), "enter")


ACTIONS: dict[str, tuple[Action, int]] = {
    "move": (move, 4),
    "open": (open_item, 2),
    "reply": (reply, 4),
    "escalate": (escalate, 2),
    "retag": (retag, 2),
    "no_reply": (no_reply, 1),
    "snooze": (snooze, 1),
}


async def work_the_queue(app: InboxApp, rng: random.Random, log: TextIO) -> None:
    """Random actions, one after the other, until killed."""

    def say(line: str) -> None:
        log.write(line + "\n")
        log.flush()

    names = list(ACTIONS)
    weights = [ACTIONS[n][1] for n in names]
    async with app.run_test(headless=True, size=(120, 40)) as pilot:
        await settle(pilot)
        say("ready")
        name = "reply"  # the top item first, as a person opening the inbox does
        while True:
            say(f"start {name}")
            await ACTIONS[name][0](pilot, rng)
            await settle(pilot)
            while len(app.screen_stack) > 1:  # a dialog left open: back to the queue
                await pilot.press("escape")
                await settle(pilot)
            say(f"done {name}")
            name = rng.choices(names, weights)[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--agent", default="chaos-tui")
    parser.add_argument("--log", type=Path, help="action names, one a line (default: stdout)")
    parser.add_argument("--send-seconds", type=float, default=2.0, help="background sender")
    args = parser.parse_args(argv)
    config, _ = load_config(args.config)
    engine = create_db_engine(args.db)
    from inbox.sender import ConfiguredSources

    sources = ConfiguredSources(config, environ=dict(os.environ))
    context = InboxContext(
        engine,
        config,
        agent=args.agent,
        send_due=background_sender(engine, config, lambda: sources),
    )
    app = make_app(context, refresh_seconds=3.0, send_seconds=args.send_seconds)
    log: TextIO = args.log.open("a", encoding="utf-8") if args.log else sys.stdout
    asyncio.run(work_the_queue(app, random.Random(args.seed), log))


if __name__ == "__main__":
    main()
