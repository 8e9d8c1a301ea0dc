"""Hostile input, end to end: every import format fuzzed from its real fixtures, the import
path into a real SQLite database, the pollers' page decoders, and a live poll of a sandbox
serving records with hostile field values.

The properties: a parser raises nothing but ParseError (a whole-file problem, with a reason);
otherwise every record it returns is whole (ingest's `validate` accepts it) and every record it
refuses has a position and a reason. The import stores good records once and keeps every
refused one, with its reason, in `quarantine`. A deeper run: `python bench/bench_fuzz.py 20000`.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fuzz_support import (
    FIXTURES,
    HUGE,
    OPTIONS,
    Outcome,
    Payload,
    Tally,
    check_parse,
    hostile_payload,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from inbox.config import Config
from inbox.demo import RunningSandbox, start_sandbox
from inbox.errors import ImportFileError
from inbox.importer import import_bytes
from inbox.ingest import InvalidRecord, _clean_text, validate
from inbox.models import Item, Quarantine, Reply, SourceAccount
from inbox.poll import PollOutcome, poll_all
from sources.base import FIELD_LIMITS, MAX_ID_LENGTH, REPLY_LIMITS, ParseError
from sources.formats import FORMATS, parse_bytes
from sources.http import Http, RetryPolicy

NAMES = list(FORMATS)
TALLY = Tally()
_names = itertools.count(1)

PARSE = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
IMPORT = settings(
    max_examples=int(os.environ.get("FUZZ_IMPORT_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


class DrawChooser:
    """The fuzz engine's choices, drawn by hypothesis (so failures shrink and replay)."""

    _chars = st.characters(exclude_categories=())  # lone surrogates included

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))

    def text(self) -> str:
        return self.data.draw(st.text(self._chars, max_size=20))


def checked(payload: Payload, fmt: str | None) -> Outcome:
    outcome = check_parse(payload.data, fmt, filename=f"fuzz.{payload.fmt}")
    TALLY.add(outcome)
    return outcome


# --------------------------------------------------------------------------- parsers


@pytest.mark.parametrize("fmt", NAMES)
@PARSE
@given(data=st.data())
def test_mutated_fixture_parses_cleanly(fmt: str, data: st.DataObject) -> None:
    payload = hostile_payload(DrawChooser(data), fmt)
    checked(payload, fmt)
    checked(payload, None)  # detection must be as robust as parsing


@pytest.mark.parametrize("fmt", [n for n in NAMES if n != "play-csv"])
@PARSE
@given(data=st.data())
def test_mutated_json_from_a_poller_parses_cleanly(fmt: str, data: st.DataObject) -> None:
    """Pollers hand the parser JSON they decoded themselves (NaN and all)."""
    payload = hostile_payload(DrawChooser(data), fmt)
    try:
        value = json.loads(payload.data)
    except (ValueError, RecursionError):
        return
    if isinstance(value, dict | list):
        TALLY.add(check_parse(value, fmt))


def play_review(**user: Any) -> dict[str, Any]:
    comment = {
        "text": "Pickup was on time",
        "lastModified": {"seconds": "1793178862"},
        "starRating": 5,
        **user,
    }
    return {"reviewId": "gp:ok", "authorName": "Asha", "comments": [{"userComment": comment}]}


def page(*reviews: dict[str, Any], marker: str | None = None, token: str = "") -> bytes:
    text = json.dumps({"reviews": list(reviews)})
    return (text.replace(json.dumps(marker), token) if marker else text).encode()


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_nan_and_infinity_reject_their_record_only(token: str) -> None:
    data = page(
        play_review(),
        {**play_review(), "reviewId": "gp:nan", "x": "@@"},
        marker="@@",
        token=token,
    )
    _fmt, result = parse_bytes(data, "play-api")
    assert [r.external_id for r in result.records] == ["gp:ok"]
    [rejected] = result.rejected
    assert rejected.position == "reviews[1]"
    assert rejected.reason == "holds NaN or Infinity, which are not JSON numbers"
    assert math.isfinite(result.records[0].raw["comments"][0]["userComment"]["starRating"])


def test_an_integer_too_long_for_python_is_a_clean_file_error() -> None:
    data = page(play_review(), {**play_review(), "x": "@@"}, marker="@@", token="9" * 5000)
    with pytest.raises(ParseError, match="more than 4300 digits"):
        parse_bytes(data, "play-api")
    with pytest.raises(ParseError):
        parse_bytes(data, None)
    lines = b"\n".join([page(play_review()), b'{"reviews": [' + b"9" * 5000 + b"]}"])
    _fmt, result = parse_bytes(lines, "play-api")
    assert len(result.records) == 1
    assert [r.reason for r in result.rejected] == [
        "line 2 holds a number with more than 4300 digits, which cannot be read"
    ]


@pytest.mark.parametrize(
    ("review", "reason"),
    [
        ({"reviewId": "gp:" + "x" * MAX_ID_LENGTH}, "the id is 503 characters long (at most 500)"),
        ({"reviewId": "gp:a\x00b"}, "the id holds a NUL character"),
        ({"reviewId": "\r\n"}, "no reviewId"),
    ],
)
def test_ids_that_cannot_be_stored_are_rejected_by_the_parser(
    review: dict[str, Any], reason: str
) -> None:
    _fmt, result = parse_bytes(page(play_review(), {**play_review(), **review}), "play-api")
    assert [r.external_id for r in result.records] == ["gp:ok"]
    assert [(r.position, r.reason) for r in result.rejected] == [("reviews[1]", reason)]


def test_fields_longer_than_their_column_are_rejected_by_the_parser() -> None:
    long_device = {**play_review(device="d" * 201), "reviewId": "gp:device"}
    long_language = {**play_review(reviewerLanguage="l" * 21), "reviewId": "gp:lang"}
    _fmt, result = parse_bytes(page(play_review(), long_device, long_language), "play-api")
    assert [r.external_id for r in result.records] == ["gp:ok"]
    assert [r.reason for r in result.rejected] == [
        "device is 201 characters long (at most 200)",
        "language is 21 characters long (at most 20)",
    ]


def test_field_limits_match_the_database_columns() -> None:
    item = Item.__table__.c  # type: ignore[attr-defined]
    account = SourceAccount.__table__.c  # type: ignore[attr-defined]
    reply = Reply.__table__.c  # type: ignore[attr-defined]
    for name, limit in FIELD_LIMITS.items():
        column = account["external_ref"] if name == "account_hint" else item[name]
        assert column.type.length == limit, name
    assert item["external_id"].type.length == MAX_ID_LENGTH
    assert reply["platform_reply_id"].type.length == REPLY_LIMITS["external_id"]
    assert reply["platform_state"].type.length == REPLY_LIMITS["state"]


@pytest.mark.parametrize("depth", [101, 600, 950])
def test_a_raw_payload_nested_absurdly_deep_is_refused_by_ingest(depth: int) -> None:
    data = page({**play_review(), "x": "@@"}, marker="@@", token="[" * depth + "]" * depth)
    _fmt, result = parse_bytes(data, "play-api")
    [record] = result.records
    with pytest.raises(InvalidRecord, match="nested more than 100 levels deep"):
        validate(record, "google_play")


def test_huge_text_and_hostile_characters_are_kept_verbatim() -> None:
    body = HUGE + "\x1b[31m [bold]x[/] \u202e \u200b \ud800"
    _fmt, result = parse_bytes(page(play_review(text=body)), "play-api")
    [record] = result.records
    assert record.body == body.replace("\ud800", "\ufffd")
    validate(record, "google_play")


# --------------------------------------------------------------------------- import end to end

CONFIG = Config()
OWN = OPTIONS.own_username  # the import must read the file as check_parse did


def quarantined(engine: Engine, origin: str) -> set[tuple[str, str]]:
    with Session(engine) as session:
        rows = session.execute(
            sa.select(Quarantine.position, Quarantine.reason).where(
                col(Quarantine.origin) == origin
            )
        ).all()
    return {(position, reason) for position, reason in rows}


@IMPORT
@given(data=st.data())
def test_hostile_files_import_cleanly(sqlite_engine: Engine, data: st.DataObject) -> None:
    fmt = data.draw(st.sampled_from(NAMES))
    payload = hostile_payload(DrawChooser(data), fmt)
    name = f"fuzz-{next(_names)}.{fmt}"
    expected = checked(payload, fmt)
    try:
        result = import_bytes(
            sqlite_engine, CONFIG, payload.data, name=name, fmt=fmt, own_username=OWN
        )
    except ImportFileError as exc:
        refused = str(exc)
    else:
        refused = None
    if refused is not None:
        assert refused == f"{name}: {expected.file_error}"
        assert not quarantined(sqlite_engine, name)
        return
    assert expected.result is not None, expected.file_error
    records = expected.result.records
    unplaced = len(result.parse_rejected) - len(expected.result.rejected)
    report = result.report
    # Every record is stored, found unchanged, or refused: none vanishes.
    assert report.new + report.updated + report.unchanged + len(report.rejected) + unplaced == len(
        records
    )
    # Every refused record is in quarantine with its reason.
    kept = quarantined(sqlite_engine, name)
    for rejected in result.rejected:
        assert rejected.reason.strip()
        assert (rejected.position[:300], _clean_text(rejected.reason)) in kept, rejected
    # Stored once: the same file again changes nothing and quarantines nothing new.
    again = import_bytes(sqlite_engine, CONFIG, payload.data, name=name, fmt=fmt, own_username=OWN)
    assert (again.report.new, again.report.updated) == (0, 0), payload
    assert quarantined(sqlite_engine, name) == kept


def test_one_review_id_in_two_accounts_keeps_a_reply_each(sqlite_engine: Engine) -> None:
    """Found by the fuzzer: the platform reply's idempotency key ignored the item, so the
    second account's copy of a replied review crashed the import (UNIQUE constraint)."""
    data = (FIXTURES / "play-csv/reviews_utf8.csv").read_bytes()
    first = import_bytes(sqlite_engine, CONFIG, data, name="a.csv", account="play-a")
    second = import_bytes(sqlite_engine, CONFIG, data, name="b.csv", account="play-b")
    assert first.report.new == second.report.new > 0
    assert first.report.replies_found == second.report.replies_found > 0


def test_a_reply_with_nul_is_recognised_on_the_next_import(sqlite_engine: Engine) -> None:
    """Found by the fuzzer: a platform reply holding NUL is stored with U+FFFD, so the next
    import took it for a new reply and crashed on the duplicate key."""
    review = play_review()
    review["comments"].append(
        {"developerComment": {"text": "Sorry\x00 \ud800", "lastModified": {"seconds": "1"}}}
    )
    data = page(review)
    first = import_bytes(sqlite_engine, CONFIG, data, name="nul.json", fmt="play-api")
    again = import_bytes(sqlite_engine, CONFIG, data, name="nul.json", fmt="play-api")
    assert (first.report.replies_found, again.report.replies_found) == (1, 0)
    assert (again.report.new, again.report.updated, again.report.unchanged) == (0, 0, 1)
    with Session(sqlite_engine) as session:
        bodies = session.execute(sa.select(Reply.body)).scalars().all()
    assert bodies == ["Sorry\ufffd \ufffd"]


def _deepest_loadable() -> int:
    """The deepest nesting json.loads still reads from this point of the stack."""
    low, high = 1, 5000
    while low < high:
        middle = (low + high + 1) // 2
        try:
            json.loads("[" * middle + "]" * middle)
        except RecursionError:
            high = middle - 1
        else:
            low = middle
    return low


@pytest.mark.parametrize("near_limit", [False, True])
def test_a_deeply_nested_record_is_quarantined_not_a_crash(
    sqlite_engine: Engine, near_limit: bool
) -> None:
    """Found by the fuzzer: a raw payload nested just under the recursion limit passed
    `validate` but overflowed it inside SQLAlchemy's JSON encoder, failing the whole import."""
    depth = _deepest_loadable() - 10 if near_limit else 150
    nested = {**play_review(), "reviewId": "gp:deep", "x": "@@"}
    data = page(play_review(), nested, marker="@@", token="[" * depth + "]" * depth)
    result = import_bytes(sqlite_engine, CONFIG, data, name="deep.json", fmt="play-api")
    assert result.report.new == 1
    assert [r.reason for r in result.rejected] == [
        "raw payload is nested more than 100 levels deep"
    ]
    assert quarantined(sqlite_engine, "deep.json") == {
        ("record id gp:deep", "raw payload is nested more than 100 levels deep")
    }


# --------------------------------------------------------------------------- pollers' decoders


def _response(body: bytes, url: str = "https://example.test/v1/x?access_token=SECRET") -> Any:
    return httpx.Response(200, content=body, request=httpx.Request("GET", url))


BAD_BODIES = [
    b'{"data": [' + b"9" * 5000 + b"]}",
    b"[" * 5000 + b"]" * 5000,
    b'{"data": "\xff\xfe"}',
    b"not json",
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=["huge-int", "deep", "bad-utf8", "text"])
def test_poller_page_decoders_refuse_bad_pages_cleanly(body: bytes) -> None:
    from sources.asc_api import _page_json as asc_page
    from sources.google_auth import decode_page
    from sources.instagram_api import _page_json as ig_page

    value, problem = decode_page(body)
    assert value is None and problem
    for read in (asc_page, ig_page):
        value, problem = read(_response(body))
        assert value is None and problem and "SECRET" not in problem

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    http = Http(httpx.Client(transport=httpx.MockTransport(handler)), "Instagram", RetryPolicy())
    with pytest.raises(Exception, match="not JSON") as caught:
        http.json("GET", "https://example.test/v1/x?access_token=SECRET")
    assert type(caught.value).__name__ == "Unavailable"
    assert "SECRET" not in str(caught.value)


# --------------------------------------------------------------------------- live poll


@pytest.fixture
def running(tmp_path: Path) -> Iterator[RunningSandbox]:
    with start_sandbox(now=datetime.now(UTC), folder=tmp_path / "sandbox") as sandbox:
        yield sandbox


SOURCES = ("play", "appstore", "gbp-koramangala", "instagram")
GOOD_TEXT = "\x1b[31mRED\x1b[0m [bold]x[/] [@click=app.quit]q[/] <script>x</script> \u202e\u200b"


def _poll(engine: Engine, running: RunningSandbox) -> dict[str, PollOutcome]:
    policy = RetryPolicy(attempts=2, base_seconds=0.01, max_backoff=0.02, sleep=lambda _s: None)
    outcomes = poll_all(
        engine, running.config, only=SOURCES, environ=running.environ, policy=policy
    )
    return {o.source: o for o in outcomes}


def _plant(running: RunningSandbox) -> tuple[dict[str, str], dict[str, str]]:
    """Hostile records on every platform: those that must be stored (id → text), and those
    that must be quarantined (id → words of the reason)."""
    sandbox = running.sandbox
    data = sandbox.data
    good: dict[str, str] = {}
    bad: dict[str, str] = {}

    def play(review_id: str, reason: str | None, text: str = "hostile", **fields: Any) -> None:
        sandbox.add_review("google_play", text=text, rating=2, external_id=review_id)
        review = data.play.reviews[review_id]
        user = review["comments"][0]["userComment"]
        for key, value in fields.items():
            (review if key in ("authorName", "extra") else user)[key] = value
        data.play.touch()
        (bad if reason else good)[review_id] = reason or text

    play("gp:hostile-text", None, text=GOOD_TEXT + HUGE)
    play("gp:hostile-lang", None, reviewerLanguage="\x00")
    play("gp:" + "x" * 600, "characters long", text="long id")
    play("gp:nul\x00id", "NUL character")
    play("gp:six", "not a star rating", starRating="SIX")
    play("gp:nan-stars", "not a star rating", starRating=float("nan"))
    play("gp:nan-elsewhere", "not storable as JSON", androidOsVersion=float("inf"))
    play("gp:author-object", "authorName is an object", authorName={"name": "x"})
    play("gp:device", "device is 300 characters long", device="d" * 300)
    nested: Any = []
    for _ in range(150):
        nested = [nested]
    play("gp:deep", "nested more than 100 levels", extra=nested)

    review_id = sandbox.add_review("gbp", text=GOOD_TEXT, rating=1, external_id="gbp-hostile")
    good[review_id] = GOOD_TEXT
    for review_id, key, value, reason in (
        ("gbp-six", "starRating", "SIX", "not one of ONE..FIVE"),
        ("gbp-comment", "comment", 12345, "comment is a number"),
        ("gbp-reviewer", "reviewer", "Asha", "reviewer is text"),
    ):
        sandbox.add_review("gbp", text="x", rating=1, external_id=review_id)
        location = next(iter(data.gbp.locations))
        data.gbp.locations[location][review_id][key] = value
        bad[review_id] = reason
    data.gbp.touch()

    good[sandbox.add_review("app_store", text=GOOD_TEXT, rating=1)] = GOOD_TEXT
    for key, value, reason in (
        ("rating", 0, "not a star rating"),
        ("body", ["list"], "body is a list"),
        ("territory", "X" * 30, "territory is 30 characters long"),
    ):
        review_id = sandbox.add_review("app_store", text="x", rating=1)
        data.app_store.reviews[review_id]["attributes"][key] = value
        bad[review_id] = reason
    data.app_store.touch()

    good[sandbox.add_review("instagram", text=GOOD_TEXT, author="\x1b[31mred")] = GOOD_TEXT
    for key, value, reason in (
        ("text", {"x": 1}, "text is an object"),
        ("like_count", -5, "like_count '-5' is not a count"),
        ("timestamp", "yesterday", "timestamp 'yesterday' is not a date"),
    ):
        comment_id = sandbox.add_review("instagram", text="x")
        data.instagram.comments[comment_id][key] = value
        bad[comment_id] = reason
    data.instagram.touch()
    return good, bad


def test_live_poll_quarantines_hostile_records_and_stores_the_rest(
    sqlite_engine: Engine, running: RunningSandbox
) -> None:
    good, bad = _plant(running)
    outcomes = _poll(sqlite_engine, running)
    assert {n: o.error for n, o in outcomes.items()} == dict.fromkeys(SOURCES), outcomes
    assert all(o.complete for o in outcomes.values())
    with Session(sqlite_engine) as session:
        stored = dict(
            session.execute(
                sa.select(Item.external_id, Item.body).where(
                    col(Item.external_id).in_([*good, *bad])
                )
            ).all()
        )
        reasons = session.execute(sa.select(Quarantine.raw, Quarantine.reason)).all()
    assert stored == {rid: text.replace("\x00", "\ufffd") for rid, text in good.items()}
    for review_id, words in bad.items():
        key = json.dumps(review_id)[1:-1][:40]
        found = [reason for raw, reason in reasons if key in raw]
        assert found, f"{review_id[:40]!r} is not in quarantine"
        assert any(words in reason for reason in found), (review_id[:40], found)
    TALLY.inputs += len(good) + len(bad)

    again = _poll(sqlite_engine, running)
    assert all(o.error is None and o.report.new == 0 for o in again.values()), again


# --------------------------------------------------------------------------- the figures


def test_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """The figures for the issue note (bench/bench_fuzz.py gives them for a longer run)."""
    assert TALLY.crashes == 0, TALLY.examples
    with capsys.disabled():
        print(f"\nfuzz: {TALLY.line()}")
