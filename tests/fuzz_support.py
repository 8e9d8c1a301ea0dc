"""Hostile payloads built from the real fixtures, and the properties every parser must keep.

Shared by tests/test_fuzz_parsers.py (driven by hypothesis) and bench/bench_fuzz.py (driven by
a seeded random generator, so it can count crashes instead of stopping at the first).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from inbox.ingest import InvalidRecord, validate
from sources.base import ParseError, ParseOptions, ParseResult, Review
from sources.formats import FORMATS, parse_bytes

FIXTURES = Path(__file__).parent / "fixtures"

# The real payloads every mutation starts from, per format.
SEEDS: dict[str, list[str]] = {
    "play-api": [
        "play-api/reviews_page.json",
        "play-api/pages.json",
        "play-api/pages.jsonl",
        "play-api/single_review.json",
        "api/play_reviews_page1.json",
        "api/play_reviews_page3.json",
    ],
    "play-csv": ["play-csv/reviews_utf8.csv", "play-csv/reviews_in.resello.app_202610.csv"],
    "play-scraper": ["play-scraper/reviews.json", "play-scraper/reviews.csv"],
    "asc": [
        "asc/customer_reviews.json",
        "asc/single_review.json",
        "api/asc_reviews_page1.json",
        "api/asc_reviews_page3.json",
    ],
    "itunes-rss": [
        "itunes-rss/page1.json",
        "itunes-rss/single_entry.json",
        "api/rss_in_page1.json",
        "api/rss_ae_single.json",
    ],
    "gbp": ["gbp/reviews_list.json", "gbp/batch_get_reviews.json", "api/gbp_reviews_page1.json"],
    "instagram": [
        "instagram/media_comments.json",
        "instagram/user_media.json",
        "instagram/single_media.json",
        "api/ig_media_page1.json",
        "api/ig_comments_diwali_page1.json",
        "api/ig_replies.json",
    ],
}
OPTIONS = ParseOptions(naive_tz=None, own_username="resello.in")

# Strings that stand for JSON text no Python value serialises to; swapped in after dumping.
_PH = "\ue000{}\ue000"
RAW_TOKENS: dict[str, str] = {
    _PH.format("nan"): "NaN",
    _PH.format("inf"): "Infinity",
    _PH.format("-inf"): "-Infinity",
    _PH.format("overflow"): "1e999",
    _PH.format("-overflow"): "-1e999",
    _PH.format("hugeint"): "9" * 5000,
    _PH.format("deep-list-120"): "[" * 120 + "]" * 120,
    _PH.format("deep-list-600"): "[" * 600 + "]" * 600,
    _PH.format("deep-list-960"): "[" * 960 + "]" * 960,
    _PH.format("deep-list-5000"): "[" * 5000 + "]" * 5000,
    _PH.format("deep-dict-700"): '{"a":' * 700 + "1" + "}" * 700,
}
HUGE = ("Pickup late again 😡 पैसा नहीं आया " * 3000)[:100_000]
HOSTILE_SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    6,
    2**63,
    -(2**64),
    10**40,
    1.5,
    -0.0,
    1e308,
    "",
    " ",
    "\x00",
    "\ud800",
    "a\udfffb",
    "\udc80\ud800",
    "SIX",
    "FIVE",
    "five",
    "5",
    " 4 ",
    "5.0",
    "4.5",
    "1e3",
    "0x10",
    "-1",
    "NaN",
    "Infinity",
    "9" * 40,
    "2026-13-45T99:99:99Z",
    "2026-10-03T15:09:01",
    "0000-00-00",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+01:00",
    "\u202eevil.exe",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "[bold]x[/]",
    '=HYPERLINK("http://x","y")',
    "<script>alert(1)</script>",
    "null",
    "{}",
    "\u200b\u200d",
    "😀😀😀",
    "title\tbody",
    "\r\n\r\n",
    HUGE,
    "x" * 600,
    *RAW_TOKENS,
]
KEYS = sorted(
    set(
        """
        reviews reviewId authorName comments userComment developerComment text originalText
        lastModified seconds nanos starRating reviewerLanguage appVersionName thumbsUpCount
        data included type id attributes rating title body createdDate territory
        relationships response responseBody lastModifiedDate state links self feed entry
        label im:rating updated content author name locationReviews review reviewer
        displayName isAnonymous comment createTime updateTime reviewReply caption permalink
        timestamp username hidden from parent_id replies media owner paging next at score
        repliedAt replyContent error errors like_count
        """.split()  # noqa: SIM905 - a word list reads better as text
    )
)


class Chooser(Protocol):
    """Where the random choices come from: hypothesis draws, or a seeded Random."""

    def integer(self, low: int, high: int) -> int: ...

    def text(self) -> str: ...


class RandomChooser:
    """Choices from a seeded `random.Random` (the bench: reproducible, never stops early)."""

    _ALPHABET = "aZ09 _-:./\t\n\r\"'\\{}[]<>=@+\x00\x1b\u202e\u200b\ud800\udfffé€😀पै"

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def integer(self, low: int, high: int) -> int:
        return self.random.randint(low, high)

    def text(self) -> str:
        size = self.random.randint(0, 20)
        return "".join(self.random.choice(self._ALPHABET) for _ in range(size))


def pick(chooser: Chooser, items: Sequence[Any]) -> Any:
    return items[chooser.integer(0, len(items) - 1)]


@dataclass
class Payload:
    """One hostile input: the bytes, the format it is fed to, what was done to it."""

    fmt: str
    seed: str
    data: bytes
    steps: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.fmt} from {self.seed}: {'; '.join(self.steps)} ({len(self.data)} bytes)"


# --------------------------------------------------------------------------- JSON trees


def _paths(doc: Any, limit: int = 4000) -> list[tuple[Any, ...]]:
    """Every position in the tree (the root is ()), breadth first, at most `limit`."""
    found: list[tuple[Any, ...]] = [()]
    queue: list[tuple[tuple[Any, ...], Any]] = [((), doc)]
    while queue and len(found) < limit:
        path, node = queue.pop(0)
        children: list[tuple[Any, Any]] = []
        if isinstance(node, dict):
            children = list(node.items())
        elif isinstance(node, list):
            children = list(enumerate(node))
        for key, child in children:
            found.append((*path, key))
            queue.append(((*path, key), child))
    return found


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        doc = doc[key]
    return doc


def _garbage(chooser: Chooser, depth: int = 0) -> Any:
    kind = chooser.integer(0, 7 if depth < 3 else 1)
    if kind == 0:
        return pick(chooser, HOSTILE_SCALARS)
    if kind == 1:
        return chooser.text()
    if kind == 2:
        return []
    if kind == 3:
        return {}
    if kind == 4:
        return [_garbage(chooser, depth + 1) for _ in range(chooser.integer(1, 3))]
    if kind == 5:
        return {pick(chooser, KEYS): _garbage(chooser, depth + 1) for _ in range(3)}
    if kind == 6:
        return {"label": _garbage(chooser, depth + 1)}
    return {"seconds": pick(chooser, HOSTILE_SCALARS), "nanos": pick(chooser, HOSTILE_SCALARS)}


def _retype(value: Any) -> Any:
    """The same value in another JSON type: numbers as strings and back, containers flipped."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            try:
                return float(value.strip())
            except ValueError:
                return {"label": value}
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return [value]


def mutate_tree(doc: Any, chooser: Chooser, steps: list[str]) -> Any:
    """One mutation at a random position of a parsed JSON document."""
    paths = _paths(doc)
    path = pick(chooser, paths)
    op = chooser.integer(0, 7)
    where = "/".join(str(p) for p in path) or "(root)"
    if not path:
        if op in (0, 5, 6):
            op = 1
        replacement = _garbage(chooser) if op in (1, 2, 3) else _retype(doc)
        steps.append(f"root replaced ({type(replacement).__name__})")
        return replacement
    parent = _get(doc, path[:-1])
    key = path[-1]
    if op == 0:
        del parent[key]
        steps.append(f"dropped {where}")
    elif op in (1, 2):
        value = pick(chooser, HOSTILE_SCALARS)
        parent[key] = value
        steps.append(f"{where} = {_label(value)}")
    elif op == 3:
        parent[key] = _garbage(chooser)
        steps.append(f"{where} = garbage")
    elif op == 4:
        parent[key] = _retype(parent[key])
        steps.append(f"{where} retyped")
    elif op == 5:
        target = parent[key]
        if isinstance(target, dict):
            target[pick(chooser, KEYS)] = _garbage(chooser)
            steps.append(f"{where} got a junk key")
        elif isinstance(target, list) and target:
            target.append(json.loads(json.dumps(pick(chooser, target))))
            steps.append(f"{where} got a duplicate element")
        else:
            parent[key] = None
            steps.append(f"{where} = null")
    elif op == 6:
        parent[key] = pick(chooser, list(RAW_TOKENS))
        steps.append(f"{where} = {RAW_TOKENS[parent[key]][:12]}")
    else:
        parent[key] = chooser.text()
        steps.append(f"{where} = generated text")
    return doc


def _label(value: Any) -> str:
    if isinstance(value, str) and value in RAW_TOKENS:
        return RAW_TOKENS[value][:12]
    text = repr(value)
    return text if len(text) <= 30 else f"{text[:27]}…({len(text)})"


def dump_json(doc: Any, chooser: Chooser, steps: list[str]) -> bytes:
    """Serialise with escaped or raw surrogates, then swap in the raw tokens."""
    ascii_only = chooser.integer(0, 3) != 0
    text = json.dumps(doc, ensure_ascii=ascii_only)
    for placeholder, token in RAW_TOKENS.items():
        text = text.replace(json.dumps(placeholder, ensure_ascii=ascii_only), token)
    if not ascii_only:
        steps.append("unescaped text (lone surrogates become invalid UTF-8)")
    return text.encode("utf-8", "surrogatepass")


# --------------------------------------------------------------------------- bytes and CSV


def corrupt_bytes(data: bytes, chooser: Chooser, steps: list[str]) -> bytes:
    """Sometimes damage the file itself: invalid UTF-8, a cut, a BOM, another encoding."""
    op = chooser.integer(0, 9)
    at = chooser.integer(0, max(0, len(data) - 1))
    if op == 0:
        bad = pick(chooser, [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80"])
        steps.append(f"invalid UTF-8 {bad!r} at byte {at}")
        return data[:at] + bad + data[at:]
    if op == 1:
        steps.append(f"cut at byte {at}")
        return data[:at]
    if op == 2:
        steps.append("UTF-8 BOM")
        return codecs.BOM_UTF8 + data
    if op == 3:
        steps.append("re-encoded as UTF-16")
        return data.decode("utf-8", "surrogateescape").encode("utf-16", "surrogatepass")
    if op == 4:
        steps.append(f"NUL bytes at {at}")
        return data[:at] + b"\x00\x00" + data[at:]
    return data


def mutate_csv(text: str, chooser: Chooser, steps: list[str]) -> str:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for _ in range(chooser.integer(1, 4)):
        if not rows:
            break
        r = chooser.integer(0, len(rows) - 1)
        row = rows[r]
        op = chooser.integer(0, 6)
        if not row:
            continue
        c = chooser.integer(0, len(row) - 1)
        if op in (0, 1, 2):
            value = pick(chooser, HOSTILE_SCALARS)
            value = RAW_TOKENS.get(value, value) if isinstance(value, str) else value
            row[c] = "" if value is None else str(value)
            steps.append(f"line {r + 1} cell {c} = {_label(row[c])}")
        elif op == 3:
            del row[c]
            steps.append(f"line {r + 1} lost cell {c}")
        elif op == 4:
            row.append(chooser.text())
            steps.append(f"line {r + 1} got an extra cell")
        elif op == 5:
            rows.insert(r, list(row))
            steps.append(f"line {r + 1} duplicated")
        else:
            row[c] = chooser.text()
            steps.append(f"line {r + 1} cell {c} = generated text")
    out = io.StringIO()
    csv.writer(out, lineterminator=pick(chooser, ["\r\n", "\n"])).writerows(rows)
    return out.getvalue()


def _csv_text(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def hostile_payload(chooser: Chooser, fmt: str) -> Payload:
    """A real fixture of `fmt`, mutated one to four times, sometimes damaged as bytes."""
    seed = pick(chooser, SEEDS[fmt])
    raw = (FIXTURES / seed).read_bytes()
    steps: list[str] = []
    if seed.endswith(".csv"):
        text = mutate_csv(_csv_text(raw), chooser, steps)
        encoding = pick(chooser, ["utf-8", "utf-8-sig", "utf-16", "utf-16-le"])
        data = text.encode(encoding, "surrogatepass")
        if encoding != "utf-8":
            steps.append(encoding)
    elif seed.endswith(".jsonl"):
        lines = raw.decode("utf-8").splitlines()
        index = chooser.integer(0, len(lines) - 1)
        try:
            doc = json.loads(lines[index])
        except json.JSONDecodeError:
            lines[index] = chooser.text()
            steps.append(f"line {index + 1} replaced by text")
        else:
            for _ in range(chooser.integer(1, 3)):
                doc = mutate_tree(doc, chooser, steps)
            lines[index] = dump_json(doc, chooser, steps).decode("utf-8", "surrogatepass")
        data = "\n".join(lines).encode("utf-8", "surrogatepass")
    else:
        doc = json.loads(raw)
        for _ in range(chooser.integer(1, 4)):
            doc = mutate_tree(doc, chooser, steps)
        data = dump_json(doc, chooser, steps)
    return Payload(fmt, seed, corrupt_bytes(data, chooser, steps), steps)


# --------------------------------------------------------------------------- the properties


class PropertyBroken(AssertionError):
    """A parser broke its contract on one input."""


@dataclass
class Outcome:
    """What parsing one payload gave: a whole-file error, or records and rejections."""

    file_error: str | None = None
    result: ParseResult | None = None
    fmt: str | None = None
    deferred: int = 0  # records only ingest refuses (see DEFERRED)


# What a parser may leave to ingest's validation, because checking it while parsing would cost
# a serialisation per record: raw payloads nested absurdly deep, and NaN in JSON that a poller
# (not our loader) parsed. Ingest refuses both with a reason; the end-to-end tests check that.
DEFERRED = "raw payload is nested more than"


def check_record(record: Review, platform: str, parsed_elsewhere: bool = False) -> bool:
    """A returned record is whole: ingest's validation accepts it, its text is storable.

    Returns False for a record only ingest refuses (see DEFERRED)."""
    try:
        validate(record, platform)
    except InvalidRecord as exc:
        if str(exc).startswith(DEFERRED):
            return False
        if parsed_elsewhere and str(exc).startswith("raw payload is not storable as JSON"):
            return False
        raise PropertyBroken(f"partial record {record.external_id[:40]!r}: {exc}") from None
    for name in ("body", "title", "author", "external_id", "language", "territory"):
        value = getattr(record, name)
        if value is not None and not isinstance(value, str):
            raise PropertyBroken(f"{name} is {type(value).__name__}")
    for moment in (record.created_at, record.updated_at):
        if moment is not None and moment.utcoffset() != timedelta(0):
            raise PropertyBroken(f"a time that is not UTC: {moment!r}")
    return True


def check_parse(
    data: bytes | Mapping[str, Any] | list[Any], fmt: str | None, filename: str | None = None
) -> Outcome:
    """Parse and check the contract; raises PropertyBroken or the parser's own exception."""
    try:
        if isinstance(data, bytes):
            used, result = parse_bytes(data, fmt, OPTIONS, filename=filename)
        else:
            assert fmt is not None
            used, result = fmt, FORMATS[fmt].parse(data, OPTIONS)
    except ParseError as exc:
        message = str(exc)
        if not message.strip() or "\x1b" in message:
            raise PropertyBroken(f"an unreadable whole-file error: {message!r}") from None
        return Outcome(file_error=message)
    outcome = Outcome(result=result, fmt=used)
    platform = str(FORMATS[used].platform)
    for rejected in result.rejected:
        if not isinstance(rejected.reason, str) or not rejected.reason.strip():
            raise PropertyBroken(f"a rejection without a reason at {rejected.position!r}")
        if not isinstance(rejected.position, str) or not rejected.position:
            raise PropertyBroken(f"a rejection without a position: {rejected.reason!r}")
        if "internal error" in rejected.reason:
            raise PropertyBroken(f"a parser bug hidden as a rejection: {rejected.reason}")
    for record in result.records:
        if not check_record(record, platform, parsed_elsewhere=not isinstance(data, bytes)):
            outcome.deferred += 1
    return outcome


@dataclass
class Tally:
    """Counts for the issue note: inputs tried, whole-file errors, records, crashes."""

    inputs: int = 0
    file_errors: int = 0
    records: int = 0
    rejected: int = 0
    crashes: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.inputs += 1
        if outcome.file_error is not None:
            self.file_errors += 1
        elif outcome.result is not None:
            self.records += len(outcome.result.records)
            self.rejected += len(outcome.result.rejected)

    def crash(self, payload: object, exc: BaseException) -> None:
        self.inputs += 1
        self.crashes += 1
        if len(self.examples) < 20:
            self.examples.append(f"{type(exc).__name__}: {str(exc)[:200]} <- {payload}")

    def line(self) -> str:
        return (
            f"{self.inputs} bad inputs tried, {self.crashes} crashes; "
            f"{self.file_errors} refused whole with a clean error, {self.records} records "
            f"parsed, {self.rejected} records rejected with a reason"
        )


def run_one(tally: Tally, make: Callable[[], Payload], parse_too: bool = True) -> Payload | None:
    """Build and check one payload for the bench; crashes are counted, not raised."""
    payload = make()
    try:
        tally.add(check_parse(payload.data, payload.fmt))
        if parse_too:
            check_parse(payload.data, None, filename=f"fuzz.{payload.fmt}")
    except Exception as exc:  # the bench counts every crash instead of stopping
        tally.crash(payload, exc)
        return payload
    return None
