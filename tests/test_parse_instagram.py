"""Instagram parser: comments, replies by others, and our own replies folded into `reply`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sources.base import ParseOptions, ParseResult, Platform, PlatformReply
from sources.instagram import parse_instagram

FIXTURES = Path(__file__).parent / "fixtures"
OURS = ParseOptions(own_username="@Resello.in")
DIWALI_POST = "17895695668004550"


def fixture(path: str) -> bytes:
    return (FIXTURES / path).read_bytes()


def by_id(result: ParseResult) -> dict[str, object]:
    return {r.external_id: r for r in result.records}


def test_media_comments_with_own_username() -> None:
    result = parse_instagram(fixture("instagram/media_comments.json"), OURS)
    assert [r.external_id for r in result.records] == [
        "17858893269000101",
        "17858893269000103",
        "17858893269000104",
        "17858893269000105",
    ]
    amit = result.records[0]
    assert amit.platform is Platform.INSTAGRAM
    assert amit.body == (
        "Bhai mera payment 4 din se pending hai, order RS-2026-88412 @resello.in please check 🙏"
    )
    assert amit.author == "amit.k_92"
    assert amit.author_id == "17841455500000101"
    assert amit.rating is None
    assert amit.created_at == datetime(2026, 10, 28, 9, 14, 22, tzinfo=UTC)
    assert amit.parent_id == DIWALI_POST  # from the paging link …/{media-id}/comments
    assert amit.parent_text is None
    assert amit.permalink is None
    assert amit.account_hint is None
    assert amit.reply == PlatformReply(
        text="Hi Amit, sorry for the delay! Please DM us your registered number and we will "
        "check right away.",
        replied_at=datetime(2026, 10, 28, 11, 2, 5, tzinfo=UTC),
        external_id="17858893269000102",
    )
    assert amit.extra == {"top_level": True, "hidden": False, "like_count": 2}
    assert amit.raw == json.loads(fixture("instagram/media_comments.json"))["data"][0]
    assert result.rejected == []
    assert result.notes == []


def test_reply_by_someone_else_is_an_item() -> None:
    result = parse_instagram(fixture("instagram/media_comments.json"), OURS)
    neha = result.records[1]
    assert neha.author == "neha_sharma.21"
    assert neha.body == "same here bro, mera bhi 3 din se"
    assert neha.extra == {"top_level": False, "parent_comment_id": "17858893269000101"}
    assert neha.parent_id == DIWALI_POST
    assert neha.reply is None


def test_hidden_comment_and_missing_username() -> None:
    result = parse_instagram(fixture("instagram/media_comments.json"), OURS)
    spam, anonymous = result.records[2], result.records[3]
    assert spam.extra["hidden"] is True
    assert anonymous.author is None  # no permission to see usernames: never invented
    assert anonymous.author_id is None


def test_without_knowing_the_account_replies_stay_items_with_a_note() -> None:
    result = parse_instagram(fixture("instagram/media_comments.json"))
    assert len(result.records) == 5
    assert result.records[0].reply is None
    assert result.notes == [
        "2 replies could not be checked for our own: the file does not name the account; "
        "pass --own-username"
    ]


def test_user_media_with_expanded_comments() -> None:
    result = parse_instagram(fixture("instagram/user_media.json"))
    records = by_id(result)
    assert list(records) == ["17858893269000201", "17858893269000203", "17858893269000205"]
    shweta = result.records[0]
    assert shweta.parent_id == DIWALI_POST
    assert shweta.parent_text is not None
    assert shweta.parent_text.startswith("Diwali upgrade offer 🪔")
    assert shweta.permalink == "https://www.instagram.com/p/DQx1aBcD2eF/"
    assert shweta.account_hint == "17841400000000001"  # from the …/{ig-user-id}/media link
    # two replies by the owner (one spelled "Resello.in"): the earliest one is the reply
    assert shweta.reply == PlatformReply(
        text="Hi Shweta! Yes, Lucknow is covered.",
        replied_at=datetime(2026, 10, 25, 8, 45, 10, tzinfo=UTC),
        external_id="17858893269000202",
    )
    kanpur = result.records[1]
    assert kanpur.extra == {"top_level": False, "parent_comment_id": "17858893269000201"}
    assert kanpur.permalink == shweta.permalink
    urdu = result.records[2]
    assert urdu.body == "مجھے پیسے نہیں ملے ابھی تک"
    assert urdu.author is None
    assert urdu.author_id == "17841455500000205"
    assert [(r.position, r.reason) for r in result.rejected] == [
        ("data[0].comments.data[2]", "no timestamp")
    ]
    assert result.notes == []


def test_single_media_object_with_one_comment_as_object() -> None:
    (comment,) = parse_instagram(fixture("instagram/single_media.json")).records
    assert comment.external_id == "17858893269000301"
    assert comment.account_hint == "17841400000000001"
    assert comment.parent_id == "17895695668004552"
    assert comment.permalink == "https://www.instagram.com/p/DQz3cDeF4gH/"
    assert comment.extra == {"top_level": True, "hidden": False}


def test_single_comment_object_with_media_reference() -> None:
    comment = {
        "id": "1",
        "text": "hi",
        "timestamp": "2026-10-01T10:00:00+0000",
        "media": {"id": "99", "media_product_type": "FEED"},
        "parent_id": "0",
    }
    (record,) = parse_instagram(comment).records
    assert record.parent_id == "99"
    assert record.extra == {"top_level": False, "parent_comment_id": "0"}


def test_flat_reply_by_owner_attaches_to_parent_in_same_file() -> None:
    page = {
        "data": [
            {"id": "1", "text": "price?", "timestamp": "2026-10-01T10:00:00+0000"},
            {
                "id": "2",
                "text": "DM us",
                "timestamp": "2026-10-01T11:00:00+0000",
                "username": "resello.in",
                "parent_id": "1",
            },
        ]
    }
    (record,) = parse_instagram(page, OURS).records
    assert record.reply is not None
    assert record.reply.external_id == "2"


def test_own_top_level_comment_is_marked() -> None:
    page = {
        "data": [
            {
                "id": "1",
                "text": "Offer ends today!",
                "timestamp": "2026-10-01T10:00:00Z",
                "username": "resello.in",
            }
        ]
    }
    (record,) = parse_instagram(page, OURS).records
    assert record.extra == {"top_level": True, "own": True}


def test_own_reply_with_bad_time_is_rejected_alone() -> None:
    page = {
        "data": [
            {
                "id": "1",
                "text": "q",
                "timestamp": "2026-10-01T10:00:00+0000",
                "replies": {
                    "data": [
                        {"id": "2", "text": "a", "timestamp": "soon", "username": "resello.in"}
                    ]
                },
            }
        ]
    }
    result = parse_instagram(page, OURS)
    assert [r.external_id for r in result.records] == ["1"]
    assert result.records[0].reply is None
    assert [(r.position, r.reason) for r in result.rejected] == [
        ("data[0].replies.data[0]", "timestamp 'soon' is not a date")
    ]


def test_empty_pages_and_unknown_shape() -> None:
    for empty in (b"{}", b'{"data": []}', b'{"data": [], "paging": {}}', b"[]"):
        result = parse_instagram(empty)
        assert (result.records, result.rejected) == ([], [])
    result = parse_instagram(b'{"foo": 1}')
    assert [(r.position, r.reason) for r in result.rejected] == [
        ("the file", "the file has no data, comments or id: not an Instagram response")
    ]


def test_graph_api_error_page() -> None:
    body = {
        "error": {"message": "Error validating access token", "type": "OAuthException", "code": 190}
    }
    assert [r.reason for r in parse_instagram(body).rejected] == [
        "the file is an error response, not reviews: OAuthException — Error validating access token"
    ]
