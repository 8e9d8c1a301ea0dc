"""Google Business Profile parser on recorded-style reviews.list and batchGetReviews pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sources.base import ParseResult, Platform, PlatformReply
from sources.gbp import parse_gbp, split_translation

FIXTURES = Path(__file__).parent / "fixtures"
KORAMANGALA = "accounts/11223344556677889900/locations/4455667788990011223"


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def reasons(result: ParseResult) -> list[tuple[str, str]]:
    return [(r.position, r.reason) for r in result.rejected]


def test_gbp_list_exact_values() -> None:
    result = parse_gbp(fixture("gbp/reviews_list.json"))
    first = result.records[0]
    assert first.platform is Platform.GBP
    assert first.external_id == "AbFvOqkRm1Ns2Ot3Pu4Qv5Rw6Sx7Ty8Uz9Va0Wb1Xc2Yd3"
    assert first.author == "Sandeep Kulkarni"
    assert first.rating == 5
    assert first.title is None
    assert first.body.startswith("Walked into the Koramangala store with my old Pixel 6")
    assert first.created_at == datetime(2026, 10, 27, 7, 30, 10, 412345, tzinfo=UTC)
    assert first.updated_at == datetime(2026, 10, 27, 7, 30, 10, 412345, tzinfo=UTC)
    assert first.account_hint == KORAMANGALA
    assert first.location == "locations/4455667788990011223"
    assert first.permalink is None
    assert first.reply == PlatformReply(
        text="Thanks Sandeep! See you again at Resello Koramangala.",
        replied_at=datetime(2026, 10, 27, 9, 2, 44, 120000, tzinfo=UTC),
    )
    assert first.extra == {}
    assert first.raw == json.loads(fixture("gbp/reviews_list.json"))["reviews"][0]


def test_gbp_translated_comment_kept_whole_with_original_in_extra() -> None:
    translated = parse_gbp(fixture("gbp/reviews_list.json")).records[1]
    assert translated.body.startswith("(Translated by Google) The price they quoted")
    assert translated.body.endswith("ಚೆನ್ನಾಗಿಲ್ಲ.")
    assert translated.extra == {"original_text": "ಫೋನ್‌ನಲ್ಲಿ ಹೇಳಿದ ಬೆಲೆಯನ್ನು ಅಂಗಡಿಯಲ್ಲಿ ಕಡಿಮೆ ಮಾಡಿದರು. ಚೆನ್ನಾಗಿಲ್ಲ."}
    assert translated.author == "ಮಂಜುನಾಥ್ ಗೌಡ"


def test_gbp_rating_only_anonymous_and_unspecified() -> None:
    records = parse_gbp(fixture("gbp/reviews_list.json")).records
    rating_only, unspecified = records[2], records[3]
    assert (rating_only.body, rating_only.rating, rating_only.author) == ("", 4, None)
    assert rating_only.extra == {"anonymous": True}
    assert unspecified.rating is None
    assert unspecified.updated_at is None


def test_gbp_bad_records_rejected() -> None:
    result = parse_gbp(fixture("gbp/reviews_list.json"))
    assert len(result.records) == 4
    assert reasons(result) == [
        ("reviews[4]", "starRating 'SIX' is not one of ONE..FIVE"),
        ("reviews[5]", "no createTime"),
    ]


def test_gbp_batch_get_reviews() -> None:
    result = parse_gbp(fixture("gbp/batch_get_reviews.json"))
    andheri, koramangala = result.records
    assert andheri.account_hint == "accounts/11223344556677889900/locations/9988776655443322110"
    assert andheri.location == "locations/9988776655443322110"
    assert andheri.body == "Waited 45 min at the Andheri West counter 😤 token system not working"
    assert andheri.updated_at == datetime(2026, 10, 28, 11, 2, 5, tzinfo=UTC)
    # this review has no `name`; the wrapper's location name still tells the account
    assert koramangala.account_hint == KORAMANGALA
    assert koramangala.external_id == "AbFvOqmKoramangala00000000000000000000000000000002"
    assert reasons(result) == [("locationReviews[2].review", "the review is empty, not an object")]


def test_gbp_review_id_from_name_when_field_missing() -> None:
    review = {
        "name": f"{KORAMANGALA}/reviews/AbFvOqmFromName",
        "starRating": "THREE",
        "createTime": "2026-10-01T00:00:00Z",
    }
    (record,) = parse_gbp({"reviews": [review]}).records
    assert record.external_id == "AbFvOqmFromName"


def test_gbp_single_review_and_empty_pages() -> None:
    review = {"reviewId": "x", "starRating": "ONE", "createTime": "2026-10-01T00:00:00Z"}
    assert [r.rating for r in parse_gbp(review).records] == [1]
    for empty in (b"{}", b'{"reviews": []}', b'{"averageRating": 4.3, "totalReviewCount": 0}'):
        result = parse_gbp(empty)
        assert (result.records, result.rejected) == ([], [])


def test_gbp_reply_without_comment_is_rejected() -> None:
    review = {
        "reviewId": "x",
        "createTime": "2026-10-01T00:00:00Z",
        "reviewReply": {"updateTime": "2026-10-02T00:00:00Z"},
    }
    assert reasons(parse_gbp({"reviews": [review]})) == [
        ("reviews[0]", "reviewReply has no comment")
    ]


def test_gbp_reply_state_is_kept_when_given() -> None:
    review = {
        "reviewId": "x",
        "createTime": "2026-10-01T00:00:00Z",
        "reviewReply": {"comment": "Thanks", "state": "REJECTED", "policyViolation": {}},
    }
    (record,) = parse_gbp(review).records
    assert record.reply == PlatformReply("Thanks", None, state="REJECTED")


@pytest.mark.parametrize(
    ("comment", "original"),
    [
        ("(Translated by Google) Good\n\n(Original)\nअच्छा", "अच्छा"),
        ("बहुत बढ़िया\n\n(Translated by Google)\nVery good", "बहुत बढ़िया"),
        ("Plain English review", None),
        ("(Translated by Google) only a translation", None),
        ("(Translated by Google) a\n\n(Original)\n", None),
        ("(Translated by Google) a\n\n(Original)\nb (Translated by Google) c", None),
    ],
)
def test_split_translation(comment: str, original: str | None) -> None:
    assert split_translation(comment) == original
