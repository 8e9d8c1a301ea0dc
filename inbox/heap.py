"""Keeping the cyclic garbage collector off the objects a process keeps for its whole life.

A command imports SQLAlchemy, Rich, scikit-learn and a trained model: a few hundred
thousand objects that live until exit. Every full collection walks all of them again, and a
poll or import allocates enough (records, rows, payloads) to trigger full collections: at
100,000 items that walk cost about 15 µs per item, a fifth of the ingest (bench_load).
`gc.freeze()` moves what is alive now out of the collector's sight; objects made later are
collected as usual.

Only a process that opts in settles (the `inbox` command, the benchmarks): a test run calls
the same commands in one long process, where freezing would keep every test's objects.
"""

from __future__ import annotations

import gc

_enabled = False


def enable() -> None:
    """Opt this process in (its entry point calls this), and settle what is loaded so far."""
    global _enabled
    _enabled = True
    settle()


def settle() -> None:
    """Call when what lives for the whole process is loaded (imports, config, the model).
    Garbage is collected first, so none of it is kept."""
    if _enabled:
        gc.collect()
        gc.freeze()
