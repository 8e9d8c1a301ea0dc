"""Only a process that opts in freezes its long-lived objects (a test run must not)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import gc
from inbox import heap
heap.settle()
before = gc.get_freeze_count()
heap.enable()
after_enable = gc.get_freeze_count()
kept = [[] for _ in range(1000)]  # containers: tracked by the collector
heap.settle()
print(before, after_enable > 0, gc.get_freeze_count() >= after_enable + 1000)
"""


def test_settle_freezes_only_once_the_process_opted_in() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["0", "True", "True"]


def test_the_inbox_command_opts_in() -> None:
    script = (
        "import gc, sys; from inbox import cli\n"
        "try:\n    cli.main(['--version'])\nexcept SystemExit:\n    pass\n"
        "print(gc.get_freeze_count() > 0)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "True"
