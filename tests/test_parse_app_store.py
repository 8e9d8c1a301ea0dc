"""App Store parsers (App Store Connect and the public RSS feed) on recorded-style payloads."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sources.app_store import (
    ALPHA3_TO_ALPHA2,
    parse_asc,
    parse_itunes_rss,
    territory_alpha2,
)
from sources.base import ParseResult, Platform, PlatformReply

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def reasons(result: ParseResult) -> list[tuple[str, str]]:
    return [(r.position, r.reason) for r in result.rejected]


# --------------------------------------------------------------------------- App Store Connect


def test_asc_exact_values_and_published_response() -> None:
    result = parse_asc(fixture("asc/customer_reviews.json"))
    first = result.records[0]
    assert first.platform is Platform.APP_STORE
    assert first.external_id == "00000071-8a3c-5e10-4f21-9d2b00000001"
    assert first.rating == 5
    assert first.title == "Best price for my iPhone 12"
    assert first.body.startswith("Compared with 3 other apps, Resello gave ₹2,000 more.")
    assert first.author == "mumbai_shopper"
    assert first.created_at == datetime(2026, 10, 27, 17, 15, 51, tzinfo=UTC)
    assert first.updated_at is None
    assert first.territory == "IN"
    assert first.account_hint == "1589034512"
    assert first.permalink is None
    assert first.language is None
    assert first.reply == PlatformReply(
        text="Thank you! Enjoy your new phone and see you for the next upgrade.",
        replied_at=datetime(2026, 10, 28, 4, 30, tzinfo=UTC),
        external_id="6a1e0f3b-24c8-4d77-9a15-0c7f1b2e3d01",
        state="PUBLISHED",
    )
    assert first.extra == {"territory_alpha3": "IND"}
    assert first.raw == json.loads(fixture("asc/customer_reviews.json"))["data"][0]


def test_asc_pending_publish_response_is_a_reply_with_its_state() -> None:
    pending = parse_asc(fixture("asc/customer_reviews.json")).records[1]
    assert pending.reply is not None
    assert pending.reply.state == "PENDING_PUBLISH"
    assert pending.reply.replied_at == datetime(2026, 10, 29, 5, 20, tzinfo=UTC)
    assert pending.territory == "AE"


def test_asc_review_without_nickname_or_response() -> None:
    hindi = parse_asc(fixture("asc/customer_reviews.json")).records[2]
    assert hindi.author is None
    assert hindi.reply is None
    assert hindi.title == "ठीक है"
    assert hindi.created_at == datetime(2026, 10, 25, 11, 10, 2, tzinfo=UTC)


def test_asc_response_not_included_is_noted_not_invented() -> None:
    result = parse_asc(fixture("asc/customer_reviews.json"))
    missing = result.records[3]
    assert missing.reply is None
    assert missing.extra["response_id"] == "6a1e0f3b-24c8-4d77-9a15-0c7f1b2e3d99"
    assert result.notes == [
        "1 review has a response whose text is not in the file; "
        "fetch with include=response to see it"
    ]


def test_asc_bad_date_rejected() -> None:
    result = parse_asc(fixture("asc/customer_reviews.json"))
    assert len(result.records) == 4
    assert reasons(result) == [("data[3]", "createdDate '2026-13-01T10:00:00Z' is not a date")]


def test_asc_single_review_object() -> None:
    (review,) = parse_asc(fixture("asc/single_review.json")).records
    assert review.external_id == "00000071-8a3c-5e10-4f21-9d2b00000006"
    assert review.account_hint is None  # /v1/customerReviews/{id} does not name the app
    assert review.created_at == datetime(2026, 10, 20, 6, 30, tzinfo=UTC)


def test_asc_empty_and_error_pages() -> None:
    empty = parse_asc(fixture("asc/empty.json"))
    assert (empty.records, empty.rejected) == ([], [])
    error = parse_asc(fixture("asc/error.json"))
    assert reasons(error) == [
        (
            "the file",
            "the file is an error response, not reviews: NOT_AUTHORIZED — Provide a properly "
            "configured and signed bearer token, and make sure that it has not expired.",
        )
    ]


def test_asc_array_of_pages_positions() -> None:
    pages = b"[" + fixture("asc/empty.json") + b"," + fixture("asc/customer_reviews.json") + b"]"
    result = parse_asc(pages)
    assert len(result.records) == 4
    assert [r.position for r in result.rejected] == ["page 2, data[3]"]


def test_asc_response_linked_only_from_the_response_side() -> None:
    page = json.loads(fixture("asc/customer_reviews.json"))
    del page["data"][0]["relationships"]
    assert parse_asc(page).records[0].reply is not None


def test_asc_wrong_type_and_junk_included() -> None:
    page = {
        "data": [
            {"type": "apps", "id": "1589034512", "attributes": {}},
            {"type": "customerReviews", "id": "r", "attributes": {"createdDate": "2026-10-01"}},
        ],
        "included": "nope",
    }
    result = parse_asc(page)
    assert reasons(result) == [
        ("included", "included is text, not a list"),
        ("data[0]", "type 'apps' is not a customer review"),
        ("data[1]", "createdDate '2026-10-01' has no time zone; pass --tz"),
    ]


def test_territory_table() -> None:
    assert len(ALPHA3_TO_ALPHA2) == 250
    assert len(set(ALPHA3_TO_ALPHA2.values())) == 250
    assert territory_alpha2("IND") == "IN"
    assert territory_alpha2("gbr") == "GB"
    assert territory_alpha2("us") == "US"
    assert territory_alpha2("ZZZ") == "ZZZ"  # unknown codes are kept, never guessed
    assert territory_alpha2("") is None


# --------------------------------------------------------------------------- RSS


def test_rss_page_skips_app_entry_and_reads_reviews() -> None:
    result = parse_itunes_rss(fixture("itunes-rss/page1.json"))
    first, hindi = result.records
    assert first.platform is Platform.APP_STORE
    assert first.external_id == "11234567890"
    assert first.author == "Ananya_S"
    assert first.rating == 5
    assert first.title == "Hassle free"
    assert first.body == (
        "Booked pickup at 10am, agent came by 12, money in my account by 1. Loved it 💯"
    )
    assert first.app_version == "4.1.2"
    assert first.created_at is None  # the feed only has "updated"
    assert first.updated_at == datetime(2026, 10, 28, 9, 14, 22, tzinfo=UTC)
    assert first.territory == "IN"
    assert first.account_hint == "1589034512"
    assert first.reply is None
    assert first.extra == {
        "author_uri": "https://itunes.apple.com/in/reviews/id987654321",
        "vote_sum": 0,
        "vote_count": 0,
    }
    assert hindi.body == "घर आकर कीमत 3000 कम कर दी। ऐप में जो दिखाया वो मिलना चाहिए।"
    assert hindi.extra["vote_count"] == 4


def test_rss_rejections_do_not_include_the_app_entry() -> None:
    result = parse_itunes_rss(fixture("itunes-rss/page1.json"))
    assert reasons(result) == [
        ("feed.entry[3]", "im:rating 'five' is not a star rating from 1 to 5"),
        ("feed.entry[4]", "no updated date"),
    ]
    assert result.notes == []


def test_rss_single_entry_as_object() -> None:
    (review,) = parse_itunes_rss(fixture("itunes-rss/single_entry.json")).records
    assert review.external_id == "11234567999"
    assert review.territory == "AE"
    assert review.body == "خدمة جيدة ولكن التوصيل متأخر قليلاً"
    assert review.updated_at == datetime(2026, 10, 20, 15, 0, tzinfo=UTC)


def test_rss_no_entry_is_zero_records() -> None:
    result = parse_itunes_rss(fixture("itunes-rss/no_entry.json"))
    assert (result.records, result.rejected, result.notes) == ([], [], [])


def test_rss_entry_without_rating_that_is_not_the_app() -> None:
    feed = {"feed": {"entry": [{"id": {"label": "1"}, "updated": {"label": "2026-10-01Z"}}]}}
    assert reasons(parse_itunes_rss(feed)) == [
        ("feed.entry[0]", "the entry has no im:rating, so it is neither a review nor the app")
    ]


def test_rss_several_pages_in_one_file() -> None:
    pages = b"[" + fixture("itunes-rss/page1.json") + b","
    pages += fixture("itunes-rss/single_entry.json") + b"]"
    result = parse_itunes_rss(pages)
    assert [r.territory for r in result.records] == ["IN", "IN", "AE"]
    assert [r.position for r in result.rejected] == [
        "page 1, feed.entry[3]",
        "page 1, feed.entry[4]",
    ]
