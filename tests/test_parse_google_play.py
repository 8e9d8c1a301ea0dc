"""Google Play parsers on recorded-style payloads: exact values, positions and reasons."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sources.base import (
    ParseError,
    ParseOptions,
    ParseResult,
    Platform,
    PlatformReply,
    Rejected,
)
from sources.google_play import parse_play_api, parse_play_csv, parse_play_scraper

FIXTURES = Path(__file__).parent / "fixtures"
IST = ZoneInfo("Asia/Kolkata")


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def reasons(result: ParseResult) -> list[tuple[str, str]]:
    return [(r.position, r.reason) for r in result.rejected]


# --------------------------------------------------------------------------- Developer API


def test_play_api_page_exact_values() -> None:
    result = parse_play_api(fixture("play-api/reviews_page.json"))
    first = result.records[0]
    assert first.platform is Platform.GOOGLE_PLAY
    assert first.external_id == "gp:AOqpTOG7kX2f9bWc3mLq0sVhR1nYtE5uJ8iZaKdP4oQwXe6Ff"
    assert first.author == "Rohit Sharma"
    assert first.title == "Pickup was late by 2 days"
    assert first.body.startswith("Agent came on Saturday instead of Thursday. Price was same")
    assert first.rating == 4
    assert first.language == "en"
    assert first.device == "tapas"
    assert first.app_version == "4.1.2"
    assert first.created_at is None  # the API only says when a review was last modified
    assert first.updated_at == datetime(2026, 10, 28, 9, 14, 22, 512000, tzinfo=UTC)
    assert first.reply == PlatformReply(
        text="Hi Rohit, sorry about the slot mix-up. We have shared this with the Pune pickup "
        "team. Thanks for the 4 stars!",
        replied_at=datetime(2026, 10, 28, 11, 2, 5, tzinfo=UTC),
    )
    assert first.permalink is None  # reviews.list does not name the package
    assert first.account_hint is None
    assert first.extra == {
        "thumbs_up": 3,
        "thumbs_down": 0,
        "app_version_code": 412,
        "android_os": 34,
    }
    raw = json.loads(fixture("play-api/reviews_page.json"))["reviews"][0]
    assert first.raw == raw


def test_play_api_translated_review_keeps_original_in_extra() -> None:
    translated = parse_play_api(fixture("play-api/reviews_page.json")).records[1]
    assert translated.title == "Very bad experience"
    assert translated.body.startswith("They quoted 18000 on the app")
    assert translated.language == "hi"
    assert translated.extra["original_title"] == "बहुत खराब अनुभव"
    assert translated.extra["original_text"].startswith("ऐप पर 18000 बताया था")
    assert translated.reply is None


def test_play_api_line_endings_normalised_and_emoji_kept() -> None:
    review = parse_play_api(fixture("play-api/reviews_page.json")).records[2]
    assert review.author is None
    assert review.title is None
    assert review.body == (
        "bhai paisa abhi tak nahi aaya 😡😡 3 din ho gaye, customer care call bhi nahi uthata\n"
        "fraud lagta hai"
    )


def test_play_api_bad_records_rejected_with_reasons() -> None:
    result = parse_play_api(fixture("play-api/reviews_page.json"))
    assert reasons(result) == [
        ("reviews[3]", "starRating '6' is not a star rating from 1 to 5"),
        ("reviews[4]", "no reviewId"),
        ("reviews[5]", "userComment has no lastModified time"),
    ]
    assert result.rejected[1].raw["authorName"] == "Anjali Nair"


def test_play_api_array_of_pages_with_object_for_list() -> None:
    result = parse_play_api(fixture("play-api/pages.json"))
    assert [r.external_id[:20] for r in result.records] == [
        "gp:AOqpTOPage1Review",
        "gp:AOqpTOPage2OnlyRe",
        "gp:AOqpTOPage4Goodcc",
    ]
    single = result.records[1]
    assert single.rating == 2  # "2" as a string
    assert single.body == "App keeps asking for IMEI again and again"
    assert reasons(result) == [
        ("page 3", "page 3 is text, not a JSON object"),
        ("page 4, reviews[1]", "userComment.lastModified 'yesterday' is not a time"),
        ("page 4, reviews[2]", "no userComment in comments"),
    ]


def test_play_api_json_lines() -> None:
    result = parse_play_api(fixture("play-api/pages.jsonl"))
    assert [r.author for r in result.records] == ["Pooja"]
    assert reasons(result) == [
        ("line 3", "line 3 is not valid JSON (Expecting value at column 15)")
    ]


@pytest.mark.parametrize("payload", [b"{}", b'{"reviews": []}', b"[]", b"[{}, {}]", b"{}\n{}\n"])
def test_play_api_empty_pages_are_not_errors(payload: bytes) -> None:
    result = parse_play_api(payload)
    assert (result.records, result.rejected, result.notes) == ([], [], [])


def test_play_api_single_review_get_response() -> None:
    (review,) = parse_play_api(fixture("play-api/single_review.json")).records
    assert review.title is None
    assert review.body == "No title here, just the body after a tab"
    assert review.updated_at == datetime(2026, 10, 29, 5, 20, 0, 999999, tzinfo=UTC)


def test_play_api_accepts_parsed_json() -> None:
    parsed = json.loads(fixture("play-api/reviews_page.json"))
    assert parse_play_api(parsed) == parse_play_api(fixture("play-api/reviews_page.json"))


def test_play_api_developer_comment_without_text_is_rejected() -> None:
    page = {
        "reviews": [
            {
                "reviewId": "gp:x",
                "comments": [
                    {"userComment": {"text": "a", "lastModified": {"seconds": 1}}},
                    {"developerComment": {"lastModified": {"seconds": "2"}}},
                ],
            }
        ]
    }
    assert reasons(parse_play_api(page)) == [("reviews[0]", "developerComment has no text")]


def test_play_api_error_response_is_rejected_page() -> None:
    body = b'{"error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}}'  # noqa: E501
    assert reasons(parse_play_api(body)) == [
        (
            "the file",
            "the file is an error response, not reviews: "
            "PERMISSION_DENIED — The caller does not have permission",
        )
    ]


def test_play_api_invalid_json_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as caught:
        parse_play_api(b'{"reviews": [,]}')
    assert str(caught.value) == (
        "the file is not valid JSON (Expecting value at line 1, column 14)"
    )


def test_play_api_invalid_utf8_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="not readable UTF-8 text"):
        parse_play_api(b'{"reviews": ["\xff\xfe\xfa"]}\n\n\x80')


# --------------------------------------------------------------------------- Console CSV

CSV_UTF16 = "play-csv/reviews_in.resello.app_202610.csv"


def test_play_csv_utf16_exact_values() -> None:
    result = parse_play_csv(fixture(CSV_UTF16))
    first = result.records[0]
    assert first.external_id == "gp:AOqpTOEcsv1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    assert first.account_hint == "in.resello.app"
    assert first.permalink == (
        "https://play.google.com/store/apps/details?id=in.resello.app"
        "&reviewId=gp:AOqpTOEcsv1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    )
    assert first.title == "Quick pickup"
    assert first.body == (
        "Agent came on time, paid ₹12,400 by UPI. Only issue: had to reset the phone twice "
        "for the IMEI check."
    )
    assert first.rating == 4
    assert first.language == "en"
    assert first.device == "tapas"
    assert first.app_version == "4.1.2"
    assert first.created_at == datetime(2026, 10, 3, 15, 9, 1, tzinfo=UTC)
    assert first.updated_at == datetime(2026, 10, 3, 15, 9, 1, tzinfo=UTC)
    assert first.reply == PlatformReply(
        text="Thank you for choosing Resello! We are making the IMEI step simpler in the next "
        "update.",
        replied_at=datetime(2026, 10, 5, 8, 21, 47, tzinfo=UTC),
    )
    assert first.raw["Star Rating"] == "4"
    assert first.extra["app_version_code"] == "412"


def test_play_csv_rating_only_rows_get_stable_synthetic_ids() -> None:
    result = parse_play_csv(fixture(CSV_UTF16))
    synthetic = [r for r in result.records if r.extra.get("synthetic_id")]
    assert [r.external_id for r in synthetic] == [
        "play-csv:393c74869c9924bfe95a55ca",
        "play-csv:d27450dd576985b712df1cbd",
    ]
    assert [(r.rating, r.body, r.title, r.permalink) for r in synthetic] == [
        (5, "", None, None),
        (2, "", None, None),
    ]
    assert result.notes == [
        "2 rows had no reviewId in Review Link (usually rating-only reviews); gave them "
        "synthetic ids 'play-csv:…' made from package, submit time, device, language and "
        "version code. They stay the same in later exports but never match a review from the API."
    ]


def test_play_csv_multiline_hindi_and_rtl_text() -> None:
    records = parse_play_csv(fixture(CSV_UTF16)).records
    hindi, urdu = records[2], records[3]
    assert hindi.body == "पैसे टाइम पर आ गए 👍\nलेकिन pickup boy charger bhi le gaya, wapas nahi kiya"
    assert hindi.updated_at == datetime(2026, 10, 9, 12, 0, 4, tzinfo=UTC)
    assert urdu.title == "شکریہ"
    assert urdu.language == "ur"


def test_play_csv_rejections_count_header_as_line_1() -> None:
    result = parse_play_csv(fixture(CSV_UTF16))
    assert reasons(result) == [
        ("line 6", "Review Submit Date and Time '2026-10-32T10:00:00Z' is not a date"),
        ("line 9", "line 9 has 5 columns but the header has 16"),
    ]
    assert result.rejected[0].raw["Review Text"] == "Price dropped at doorstep"


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("utf-16-be"),
        lambda t: t.encode("utf-16-le"),
        lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    ],
    ids=["utf8", "utf8-bom", "utf16be-no-bom", "utf16le-no-bom", "utf16be-bom"],
)
def test_play_csv_encodings_give_the_same_records(encode: object) -> None:
    text = fixture("play-csv/reviews_utf8.csv").decode("utf-8")
    expected = parse_play_csv(fixture("play-csv/reviews_utf8.csv"))
    assert parse_play_csv(encode(text)) == expected  # type: ignore[operator]


def test_play_csv_utf16_crlf_file_matches_utf8_file_except_raw() -> None:
    utf16 = parse_play_csv(fixture(CSV_UTF16))
    utf8 = parse_play_csv(fixture("play-csv/reviews_utf8.csv"))
    for record in utf16.records + utf8.records:
        record.raw = {}
    assert utf16.records == utf8.records
    assert reasons(utf16) == reasons(utf8)


def test_play_csv_created_from_millis_when_date_column_empty() -> None:
    header = fixture("play-csv/reviews_utf8.csv").decode().splitlines()[0]
    row = "in.resello.app,1,1.0,en,d,,1791040141123,,,5,,hi,,,,"
    (review,) = parse_play_csv(f"{header}\n{row}\n".encode()).records
    assert review.created_at == datetime(2026, 10, 3, 15, 9, 1, 123000, tzinfo=UTC)


def test_play_csv_identical_synthetic_rows_are_rejected() -> None:
    header = fixture("play-csv/reviews_utf8.csv").decode().splitlines()[0]
    row = "in.resello.app,1,1.0,en,d,2026-10-03T15:09:01Z,,,,5,,,,,,"
    result = parse_play_csv(f"{header}\n{row}\n{row}\n".encode())
    assert len(result.records) == 1
    assert reasons(result) == [
        (
            "line 3",
            "no reviewId, and package, submit time, device, language and version are the same "
            "as line 2, so it cannot get a distinct id",
        )
    ]


def test_play_csv_row_without_submit_date_is_rejected() -> None:
    header = fixture("play-csv/reviews_utf8.csv").decode().splitlines()[0]
    row = "in.resello.app,1,1.0,en,d,,,,,5,,text,,,,"
    result = parse_play_csv(f"{header}\n{row}\n".encode())
    assert reasons(result) == [("line 2", "no Review Submit Date and Time")]


def test_play_csv_wrong_file_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match='no "Package Name", "Star Rating"'):
        parse_play_csv(b"a,b,Review Text,Review Submit Date and Time\n1,2,3,4\n")


# --------------------------------------------------------------------------- scraper


def test_play_scraper_json_reads_naive_times_in_given_zone() -> None:
    result = parse_play_scraper(fixture("play-scraper/reviews.json"), ParseOptions(naive_tz=IST))
    first, google_user, tamil = result.records
    assert first.external_id == "0b1f6c1e-8d7a-4c44-9a51-3f2d8e6b7a01"
    assert first.author == "Nikhil Gupta"
    assert first.rating == 4
    assert first.app_version == "4.1.2"
    assert first.created_at == datetime(2026, 10, 28, 9, 14, 22, tzinfo=UTC)
    assert first.reply is not None
    assert first.reply.replied_at == datetime(2026, 10, 28, 11, 2, 5, tzinfo=UTC)
    assert first.extra == {"thumbs_up": 2}
    assert first.language is None
    assert google_user.author == "A Google user"
    assert google_user.app_version is None
    assert google_user.created_at == datetime(2026, 10, 27, 17, 45, 51, tzinfo=UTC)
    assert tamil.created_at == datetime(2026, 10, 26, 21, 12, 40, tzinfo=UTC)
    assert tamil.reply is None  # empty replyContent is no reply
    assert reasons(result) == [("[2]", "no reviewId")]
    assert result.notes == ["3 timestamps had no time zone; read as Asia/Kolkata"]


def test_play_scraper_naive_times_without_zone_are_rejected() -> None:
    result = parse_play_scraper(fixture("play-scraper/reviews.json"))
    assert [r.external_id for r in result.records] == ["5e7a0c3b-9f21-4d6a-a0b4-1c8e2f3d4a05"]
    assert reasons(result) == [
        ("[0]", "at '2026-10-28 14:44:22' has no time zone; pass --tz"),
        ("[1]", "at '2026-10-27T23:15:51' has no time zone; pass --tz"),
        ("[2]", "no reviewId"),
    ]
    assert result.notes == []


def test_play_scraper_csv_with_pandas_index_column() -> None:
    options = ParseOptions(naive_tz=timezone(timedelta(hours=5, minutes=30)))
    result = parse_play_scraper(fixture("play-scraper/reviews.csv"), options)
    first, sneha = result.records
    assert first.body.startswith("Sold my Samsung M31 for 6800.")
    assert first.reply is not None
    assert sneha.rating == 1  # "1.0" as pandas writes it
    assert sneha.body == "Worst app. Pickup cancelled 3 times.\nNever again."
    assert sneha.author == "Sneha"
    assert sneha.app_version is None
    assert sneha.raw["thumbsUpCount"] == "7"
    assert reasons(result) == [("line 5", "score 'five' is not a star rating from 1 to 5")]
    assert result.notes == ["3 timestamps had no time zone; read as UTC+05:30"]


def test_play_scraper_list_of_pages_and_datetime_objects() -> None:
    naive = datetime(2026, 10, 28, 14, 44, 22)
    page = [{"reviewId": "a", "content": "x", "score": 5, "at": naive}]
    result = parse_play_scraper([page, [*page, {"reviewId": "b", "score": 9, "at": naive}]])
    assert result.records == []
    assert [r.position for r in result.rejected] == ["page 1, [0]", "page 2, [0]", "page 2, [1]"]
    result = parse_play_scraper([page], ParseOptions(naive_tz=IST))
    assert result.records[0].created_at == datetime(2026, 10, 28, 9, 14, 22, tzinfo=UTC)


def test_play_scraper_single_object_and_empty() -> None:
    one = b'{"reviewId": "r1", "content": "ok", "score": 3, "at": "2026-10-01T10:00:00Z"}'
    assert [r.external_id for r in parse_play_scraper(one).records] == ["r1"]
    assert parse_play_scraper(b"[]").records == []
    assert parse_play_scraper(b"{}").rejected == []


def test_play_scraper_csv_without_review_id_column() -> None:
    with pytest.raises(ParseError, match="no reviewId column"):
        parse_play_scraper(b"userName,content\nx,y\n")


def test_rejected_raw_is_the_row() -> None:
    result = parse_play_scraper(fixture("play-scraper/reviews.csv"), ParseOptions(naive_tz=UTC))
    assert result.rejected == [
        Rejected(
            "line 5",
            "score 'five' is not a star rating from 1 to 5",
            {
                "": "2",
                "reviewId": "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c07",
                "userName": "Arjun",
                "userImage": "",
                "content": "Paisa mil gaya",
                "score": "five",
                "thumbsUpCount": "0",
                "reviewCreatedVersion": "4.1.2",
                "at": "2026-10-25 10:00:00",
                "replyContent": "",
                "repliedAt": "",
                "appVersion": "4.1.2",
            },
        )
    ]
