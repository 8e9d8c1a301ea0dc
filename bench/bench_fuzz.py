"""Hostile-input figures for the issue note: `python bench/bench_fuzz.py [N] [--db URL]`.

N mutated payloads per import format (default 2000), built from the real fixtures by the
engine the tests use (tests/fuzz_support.py), with a seeded generator so every crash is
counted instead of stopping the run. Each payload is parsed (with its format and detected),
then imported into a real database (a temporary SQLite file, or `--db URL`, e.g. the
PostgreSQL server of the test suite) and imported again. A crash is any exception but the
clean whole-file error, any broken property (a partial record, a rejection without a reason,
a second import that changes something). Exit 1 when there was one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz_support import OPTIONS, RandomChooser, Tally, hostile_payload, run_one

from inbox.config import Config
from inbox.db import create_db_engine, upgrade
from inbox.errors import ImportFileError
from inbox.importer import import_bytes
from sources.formats import FORMATS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=2000, help="payloads per format")
    parser.add_argument("--db", help="database URL for the import half (default: temp SQLite)")
    parser.add_argument("--seed", type=int, default=8, help="first seed")
    args = parser.parse_args()

    parse = Tally()
    started = time.perf_counter()
    per_format: Counter[str] = Counter()
    for fmt in FORMATS:
        for n in range(args.count):
            chooser = RandomChooser(args.seed * 1_000_003 + n * 31 + len(fmt))
            run_one(parse, lambda chooser=chooser, fmt=fmt: hostile_payload(chooser, fmt))
            per_format[fmt] += 1
    parse_seconds = time.perf_counter() - started

    url = args.db or str(Path(tempfile.mkdtemp(prefix="bench-fuzz-")) / "fuzz.db")
    engine = create_db_engine(url)
    upgrade(engine)
    dialect = engine.dialect.name
    imports = Tally()
    stored = quarantined = 0
    started = time.perf_counter()
    for fmt in FORMATS:
        for n in range(args.count):
            chooser = RandomChooser(args.seed * 7_000_003 + n * 17 + len(fmt))
            payload = hostile_payload(chooser, fmt)
            name = f"fuzz-{fmt}-{n}"
            imports.inputs += 1
            try:
                first, again = (
                    import_bytes(
                        engine,
                        Config(),
                        payload.data,
                        name=name,
                        fmt=fmt,
                        own_username=OPTIONS.own_username,
                    )
                    for _ in range(2)
                )
                if again.report.new or again.report.updated:
                    raise AssertionError(f"the second import changed something: {again.report}")
                if any(not r.reason.strip() for r in first.rejected):
                    raise AssertionError("a quarantined record without a reason")
            except ImportFileError:
                imports.file_errors += 1
                continue
            except Exception as exc:  # counted: the figure must be 0
                imports.inputs -= 1
                imports.crash(payload, exc)
                continue
            stored += first.report.new
            quarantined += len(first.rejected)
    import_seconds = time.perf_counter() - started
    engine.dispose()

    crashes = parse.crashes + imports.crashes
    print(f"formats: {', '.join(f'{f} {n}' for f, n in per_format.items())}")
    print(f"parse:  {parse.line()} ({parse_seconds:.1f} s)")
    print(
        f"import: {imports.inputs} hostile files imported twice into {dialect}, "
        f"{imports.crashes} crashes; {imports.file_errors} refused whole, {stored} items stored "
        f"once, {quarantined} records quarantined with a reason ({import_seconds:.1f} s)"
    )
    print(f"total:  {parse.inputs + imports.inputs} bad inputs tried, {crashes} crashes")
    for example in (parse.examples + imports.examples)[:10]:
        print("  crash:", example[:400])
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
