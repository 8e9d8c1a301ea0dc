"""The format registry: detection, dispatch, and fuzzing of every parser."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Mapping
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sources
from sources import (
    FORMATS,
    ParseError,
    ParseOptions,
    ParseResult,
    Platform,
    PlatformReply,
    Review,
    detect_format,
    parse_bytes,
)

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = ["play-api", "play-csv", "play-scraper", "asc", "itunes-rss", "gbp", "instagram"]
OPTIONS = [ParseOptions(), ParseOptions(naive_tz=UTC, own_username="resello.in")]


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def test_registry_keys_and_platforms() -> None:
    assert list(FORMATS) == NAMES
    assert {name: spec.platform for name, spec in FORMATS.items()} == {
        "play-api": Platform.GOOGLE_PLAY,
        "play-csv": Platform.GOOGLE_PLAY,
        "play-scraper": Platform.GOOGLE_PLAY,
        "asc": Platform.APP_STORE,
        "itunes-rss": Platform.APP_STORE,
        "gbp": Platform.GBP,
        "instagram": Platform.INSTAGRAM,
    }
    assert all(spec.name == name and spec.description for name, spec in FORMATS.items())
    assert sources.ParseOptions is ParseOptions


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("play-api/reviews_page.json", "play-api"),
        ("play-api/pages.json", "play-api"),
        ("play-api/pages.jsonl", "play-api"),
        ("play-api/single_review.json", "play-api"),
        ("play-csv/reviews_in.resello.app_202610.csv", "play-csv"),
        ("play-csv/reviews_utf8.csv", "play-csv"),
        ("play-scraper/reviews.json", "play-scraper"),
        ("play-scraper/reviews.csv", "play-scraper"),
        ("asc/customer_reviews.json", "asc"),
        ("asc/single_review.json", "asc"),
        ("asc/empty.json", "asc"),
        ("asc/error.json", "asc"),
        ("itunes-rss/page1.json", "itunes-rss"),
        ("itunes-rss/single_entry.json", "itunes-rss"),
        ("itunes-rss/no_entry.json", "itunes-rss"),
        ("gbp/reviews_list.json", "gbp"),
        ("gbp/batch_get_reviews.json", "gbp"),
        ("instagram/media_comments.json", "instagram"),
        ("instagram/user_media.json", "instagram"),
        ("instagram/single_media.json", "instagram"),
    ],
)
def test_detect_every_fixture_from_content_alone(path: str, expected: str) -> None:
    assert detect_format(fixture(path)) == expected


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b'{"reviews": [], "tokenPagination": {}}', "play-api"),
        (b'{"reviews": [], "averageRating": 4.1, "totalReviewCount": 0}', "gbp"),
        (b'{"data": [], "paging": {"cursors": {}}}', "instagram"),
        (b'{"data": [], "meta": {"paging": {"total": 0}}}', "asc"),
        (
            b'[{"reviewId": "a", "score": 5, "content": "x", "at": "2026-10-01 10:00:00"}]',
            "play-scraper",
        ),
        (b'{"id": "1", "text": "hi", "timestamp": "2026-10-01T10:00:00+0000"}', "instagram"),
        (b'{"reviewId": "a", "starRating": "FIVE"}', "gbp"),
    ],
)
def test_detect_small_shapes(payload: bytes, expected: str) -> None:
    assert detect_format(payload) == expected


def test_empty_page_needs_a_file_name_hint() -> None:
    assert detect_format(fixture("gbp/empty.json"), "tests/fixtures/gbp/empty.json") == "gbp"
    assert detect_format(b'{"reviews": []}', "play-api-2026-10-28.json") == "play-api"
    assert detect_format(b"{}", "ig_comments.json") == "instagram"
    with pytest.raises(ParseError, match="could be gbp or play-api"):
        detect_format(b'{"reviews": []}', "export.json")


def test_unknown_shape_error_names_every_format() -> None:
    with pytest.raises(ParseError) as caught:
        detect_format(b'{"hello": "world"}', "notes.json")
    message = str(caught.value)
    assert message.startswith(
        "cannot tell which format this file is (it matches none of the known shapes); "
        "pass --format with one of: play-api ("
    )
    assert all(name in message for name in NAMES)


@pytest.mark.parametrize("payload", [b"", b"  \n", b"name,age\nx,1\n", b"hello"])
def test_undetectable_files(payload: bytes) -> None:
    with pytest.raises(ParseError) as caught:
        detect_format(payload)
    assert all(name in str(caught.value) for name in NAMES)


def test_invalid_utf8_is_a_clear_error() -> None:
    with pytest.raises(ParseError) as caught:
        detect_format(b'{"reviews": "\xc3\x28"}')
    assert str(caught.value) == (
        "the file is not readable UTF-8 text (byte 14 cannot be decoded); "
        "save it as UTF-8 or UTF-16 and import it again"
    )


def test_parse_bytes_detects_or_uses_the_given_format() -> None:
    fmt, result = parse_bytes(fixture("gbp/reviews_list.json"), None, ParseOptions())
    assert fmt == "gbp"
    assert len(result.records) == 4
    fmt, result = parse_bytes(b"{}", "instagram", ParseOptions())
    assert (fmt, result.records) == ("instagram", [])
    fmt, result = parse_bytes(b"{}", None, ParseOptions(), filename="fixtures/asc/x.json")
    assert fmt == "asc"


def test_parse_bytes_unknown_format_names_every_format() -> None:
    with pytest.raises(ParseError) as caught:
        parse_bytes(b"{}", "twitter", ParseOptions())
    assert str(caught.value).startswith("unknown format 'twitter'; use one of: play-api (")
    assert all(name in str(caught.value) for name in NAMES)


def test_wrong_format_gives_rejections_not_crashes() -> None:
    _, result = parse_bytes(fixture("gbp/reviews_list.json"), "play-api", ParseOptions())
    assert result.records == []
    assert result.rejected[0].reason == "no userComment in comments"


def test_one_line_json_scalar_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="holds a number, not a JSON object or list"):
        parse_bytes(b"42", "gbp", ParseOptions())


def test_deeply_nested_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_bytes(b"[" * 100_000 + b"]" * 100_000, "asc", ParseOptions())


# --------------------------------------------------------------------------- fuzzing


def assert_complete(result: ParseResult) -> None:
    """Every record is usable as-is; every rejection says where and why."""
    assert isinstance(result, ParseResult)
    for review in result.records:
        assert isinstance(review, Review)
        assert isinstance(review.platform, Platform)
        assert isinstance(review.external_id, str) and review.external_id.strip()
        assert isinstance(review.body, str)
        assert isinstance(review.raw, Mapping)
        for moment in (review.created_at, review.updated_at):
            assert moment is None or moment.utcoffset() == timedelta(0)
        assert review.rating is None or (type(review.rating) is int and 1 <= review.rating <= 5)
        for value in (review.body, review.title, review.author, review.external_id):
            if value is not None:
                value.encode("utf-8")  # no lone surrogates reach the database
                assert "\r" not in value or value is review.external_id
        if review.reply is not None:
            assert isinstance(review.reply, PlatformReply)
            assert isinstance(review.reply.text, str)
            moment = review.reply.replied_at
            assert moment is None or moment.utcoffset() == timedelta(0)
    for rejected in result.rejected:
        assert rejected.position and rejected.reason
        assert "internal error" not in rejected.reason, rejected
    assert all(isinstance(note, str) for note in result.notes)


def run(name: str, data: Any, options: ParseOptions) -> None:
    try:
        result = FORMATS[name].parse(data, options)
    except ParseError:
        return
    assert_complete(result)


KEYS = sorted(
    set(
        """
        reviews reviewId authorName comments userComment developerComment text
        originalText lastModified seconds nanos starRating reviewerLanguage
        appVersionName thumbsUpCount data included type id attributes rating title body
        createdDate territory relationships response responseBody lastModifiedDate state
        links self feed entry label im:rating updated content author name
        locationReviews review reviewer displayName isAnonymous comment createTime
        updateTime reviewReply caption permalink timestamp username hidden from
        parent_id replies media owner paging next at score repliedAt replyContent error
        errors like_count
        """.split()  # noqa: SIM905 - a word list reads better as text
    )
)
characters = st.characters(exclude_categories=())  # includes lone surrogates
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(characters, max_size=30),
    st.sampled_from(
        [
            "ONE",
            "FIVE",
            "SIX",
            "STAR_RATING_UNSPECIFIED",
            "5",
            "0",
            "1793178862",
            "2026-10-03T15:09:01Z",
            "2026-10-03 15:09:01",
            "2026-10-03T15:09:01+0000",
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+01:00",
            "customerReviews",
            "customerReviewResponses",
            "PUBLISHED",
            "resello.in",
            "\r\n",
            "\x00",
            "\ud800",
            "(Translated by Google) a\n\n(Original)\nb",
            "x" * 5000,
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=5),
    ),
    max_leaves=25,
)
JSON_FIXTURES = {
    "play-api": [
        "play-api/reviews_page.json",
        "play-api/pages.json",
        "play-api/single_review.json",
    ],
    "play-scraper": ["play-scraper/reviews.json"],
    "asc": ["asc/customer_reviews.json", "asc/single_review.json"],
    "itunes-rss": ["itunes-rss/page1.json", "itunes-rss/single_entry.json"],
    "gbp": ["gbp/reviews_list.json", "gbp/batch_get_reviews.json"],
    "instagram": [
        "instagram/media_comments.json",
        "instagram/user_media.json",
        "instagram/single_media.json",
    ],
}
# PARSE_FUZZ_EXAMPLES=5000 for a deeper run; the default keeps the suite fast.
FUZZ = settings(
    max_examples=int(os.environ.get("PARSE_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def mutate(value: Any, data: st.DataObject, depth: int = 0) -> Any:
    """Replace one randomly chosen subtree of a real payload with generated junk."""
    if depth > 12 or not isinstance(value, dict | list) or not value:
        return data.draw(json_values)
    if data.draw(st.integers(0, 5)) == 0:
        return data.draw(json_values)
    if isinstance(value, list):
        index = data.draw(st.integers(0, len(value) - 1))
        return [mutate(v, data, depth + 1) if i == index else v for i, v in enumerate(value)]
    key = data.draw(st.sampled_from(sorted(value)))
    return {k: mutate(v, data, depth + 1) if k == key else v for k, v in value.items()}


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(data=json_values, options=st.sampled_from(OPTIONS))
def test_fuzz_generated_json(name: str, data: Any, options: ParseOptions) -> None:
    run(name, json.dumps(data).encode(), options)
    run(name, data if isinstance(data, dict | list) else json.dumps(data), options)


@pytest.mark.parametrize("name", [n for n in NAMES if n in JSON_FIXTURES])
@FUZZ
@given(data=st.data(), options=st.sampled_from(OPTIONS))
def test_fuzz_mutated_fixtures(name: str, data: st.DataObject, options: ParseOptions) -> None:
    path = data.draw(st.sampled_from(JSON_FIXTURES[name]))
    payload = json.loads(fixture(path))
    for _ in range(data.draw(st.integers(1, 4))):
        payload = mutate(payload, data)
    run(name, json.dumps(payload).encode(), options)
    run(name, payload if isinstance(payload, dict | list) else json.dumps(payload), options)


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(data=st.binary(max_size=300), options=st.sampled_from(OPTIONS))
def test_fuzz_bytes(name: str, data: bytes, options: ParseOptions) -> None:
    run(name, data, options)


@pytest.mark.parametrize(
    ("name", "path"),
    [("play-csv", "play-csv/reviews_utf8.csv"), ("play-scraper", "play-scraper/reviews.csv")],
)
@FUZZ
@given(data=st.data(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_fuzz_csv_cells(name: str, path: str, data: st.DataObject, encoding: str) -> None:
    rows = list(csv.reader(io.StringIO(fixture(path).decode(), newline="")))
    for _ in range(data.draw(st.integers(1, 6))):
        row = data.draw(st.integers(0, len(rows) - 1))
        if not rows[row]:
            continue
        cell = data.draw(st.integers(0, len(rows[row]) - 1))
        rows[row][cell] = data.draw(st.text(max_size=40) | st.sampled_from(["", '"', "\r\n"]))
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    text = out.getvalue()
    if data.draw(st.booleans()):
        text += data.draw(st.text(max_size=60))
    for options in OPTIONS:
        run(name, text.encode(encoding, "surrogatepass"), options)


def test_detect_never_raises_anything_but_parse_error() -> None:
    @FUZZ
    @given(payload=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
    def check(payload: bytes) -> None:
        with contextlib.suppress(ParseError):
            assert detect_format(payload) in FORMATS

    check()
