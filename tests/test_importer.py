"""Which account an imported record lands in, and the import path end to end on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from inbox.config import Config, parse_config
from inbox.errors import ImportFileError
from inbox.importer import import_bytes, import_file
from inbox.models import Item, SourceAccount
from inbox.textindex import count_not_indexed
from sources.formats import FORMATS

CONFIG = parse_config(
    {
        "sources": [
            {
                "name": "store-blr",
                "platform": "gbp",
                "account": "accounts/9/locations/1",
                "credentials_file": "/nonexistent.json",
                "display_name": "Koramangala",
            },
            {"name": "ios", "platform": "app_store", "kind": "public", "account": "1589034512"},
        ]
    },
    "test",
)


def gbp_review(location: str, rid: str, stars: str = "FIVE", **extra: Any) -> dict[str, Any]:
    return {
        "name": f"accounts/9/locations/{location}/reviews/{rid}",
        "reviewId": rid,
        "reviewer": {"displayName": "Kavya R", "isAnonymous": False},
        "starRating": stars,
        "comment": "Staff wiped my phone in front of me, good price",
        "createTime": "2026-11-20T10:00:00Z",
        "updateTime": "2026-11-20T10:00:00Z",
        **extra,
    }


def gbp_file(*reviews: dict[str, Any]) -> bytes:
    return json.dumps({"reviews": list(reviews), "totalReviewCount": len(reviews)}).encode()


def accounts_of(engine: Engine) -> dict[str, list[str]]:
    with Session(engine) as s:
        rows = s.execute(
            sa.select(SourceAccount.name, Item.external_id)
            .join(Item, Item.account_id == SourceAccount.id)
            .order_by(SourceAccount.name, Item.external_id)
        ).all()
    out: dict[str, list[str]] = {}
    for name, ext in rows:
        out.setdefault(name, []).append(ext)
    return out


def test_records_follow_the_location_they_name(engine: Engine) -> None:
    data = gbp_file(gbp_review("1", "r1"), gbp_review("2", "r2"), gbp_review("1", "r3"))
    result = import_bytes(engine, CONFIG, data, name="gbp.json")
    assert result.format == "gbp"
    assert (result.report.new, len(result.rejected)) == (3, 0)
    # location 1 is configured; location 2 is not, so it gets an account named after it
    assert accounts_of(engine) == {"gbp-2": ["r2"], "store-blr": ["r1", "r3"]}
    assert count_not_indexed(engine) == 0  # indexed after the commit, for search
    with Session(engine) as s:
        blr = s.execute(
            sa.select(SourceAccount).where(SourceAccount.name == "store-blr")
        ).scalar_one()
    assert blr.display_name == "Koramangala"
    assert blr.external_ref == "accounts/9/locations/1"


def test_explicit_account_must_match_the_platform(engine: Engine) -> None:
    with pytest.raises(
        ImportFileError, match="ios is a source on app_store, but the file holds gbp"
    ):
        import_bytes(engine, CONFIG, gbp_file(gbp_review("1", "r1")), name="x", account="ios")
    result = import_bytes(
        engine, CONFIG, gbp_file(gbp_review("7", "r9")), name="x", account="store-blr"
    )
    assert accounts_of(engine) == {"store-blr": ["r9"]}
    assert result.accounts == ["store-blr"]


def test_first_account_of_a_platform_is_named_after_it(engine: Engine) -> None:
    page = {
        "reviews": [
            {
                "reviewId": "gp:1",
                "comments": [
                    {
                        "userComment": {
                            "text": "ok",
                            "starRating": 4,
                            "lastModified": {"seconds": "1763980000", "nanos": 0},
                        }
                    }
                ],
            }
        ]
    }
    result = import_bytes(engine, Config(), json.dumps(page).encode(), name="p.json")
    assert result.accounts == ["google_play"]
    assert accounts_of(engine) == {"google_play": ["gp:1"]}


def test_import_keeps_raw_payload_and_converts_times(engine: Engine) -> None:
    review = gbp_review(
        "1", "r1", reviewReply={"comment": "Thank you Kavya!", "updateTime": "2026-11-20T12:30:00Z"}
    )
    import_bytes(engine, CONFIG, gbp_file(review), name="gbp.json")
    with Session(engine) as s:
        item = s.execute(sa.select(Item)).scalar_one()
    assert item.raw == review
    assert item.rating == 5
    assert item.created_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert item.status == "replied"


def test_unknown_format_name_is_refused(engine: Engine) -> None:
    with pytest.raises(ImportFileError, match="unknown format 'csv'"):
        import_bytes(engine, CONFIG, b"{}", name="x", fmt="csv")


# Import files live in fixtures/<format>/; fixtures/api/ holds recorded API pages for pollers.
FIXTURE_FILES = sorted(
    p
    for fmt in FORMATS
    for p in (Path(__file__).parent / "fixtures" / fmt).glob("*")
    if p.is_file()
)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_imports_and_reimports_unchanged(path: Path, sqlite_engine: Engine) -> None:
    """The whole import path on every recorded file: detected, stored, idempotent."""
    fmt = path.parent.name
    zone = ZoneInfo("Asia/Kolkata")
    first = import_file(sqlite_engine, Config(), path, account=None, naive_tz=zone)
    assert first.format == fmt
    before = _counts(sqlite_engine)
    assert before["item"] == first.report.new
    second = import_file(sqlite_engine, Config(), path, naive_tz=zone)
    assert (second.report.new, second.report.updated) == (0, 0)
    assert second.report.unchanged == first.report.new + first.report.updated
    assert len(second.rejected) == len(first.rejected)
    assert _counts(sqlite_engine) == before


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("item", "reply", "event", "quarantine")
        }
