"""Free-text search through the index (SQLite FTS5 trigram, PostgreSQL pg_trgm) finds exactly
what the plain LIKE / ILIKE scan finds, on every script and every character users type."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import col

from inbox.config import Config
from inbox.db import (
    TEXT_SEARCH_TABLE,
    _alembic_config,
    create_db_engine,
    current_revision,
    head_revision,
    session_scope,
    upgrade,
)
from inbox.ingest import ensure_account, ingest
from inbox.models import Item, ItemStatus
from inbox.service import InboxService, ItemFilter, Sort, fts_phrase
from sources.base import Platform, Review

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)

# (title, body, author): how people write, plus what trips query parsers and LIKE.
CORPUS: list[tuple[str | None, str, str | None]] = [
    (None, "Refund nahi mila abhi tak, 5 din ho gaye", "Rohit Sharma"),
    ("Worst", "REFUNDED only half. Not happy!!", "priya_k"),
    (None, "पेमेंट अभी तक नहीं आया, 5 दिन हो गए", "अमित"),
    (None, "पैसा कब आएगा? order RS-204411", None),
    ("👍👍👍", "Nice app 👍 super fast pickup 🚚💨", "Neha 🌸"),
    (None, "Family pickup 👨‍👩‍👧 was smooth", "Ravi"),
    (None, 'He said "NEAR the store" and left', "Imran"),
    (None, "bhai paisa kab aayega?? scam hai kya", "Imran_50%"),
    (None, "Got 100% of the quote, 10_000 rupees", "Zoya"),
    ("[bold]Great[/bold]", "[red]markup[/red] stays literal: [bold]", "a[b]c"),
    (None, "Tried a* and -wildcards (NEAR/2) OR title:refund AND body:x ^start", "q*bert"),
    (None, "ÉCOLE students love it; école run by KELVIN \u212a", "Émile"),
    (None, "straße and STRASSE, xſy and xsy", None),
    (None, "back\\slash and it's fine", "O'Brien"),
    (None, "tab\there and newline\nthere", "  spaced  "),
    ("App crash", "App crashes after OTP on my Redmi Note 10", "user 123"),
    (None, "Login otp never arrives on Jio", "User 1234"),
]

QUERIES = [
    "refun",
    "REFUND",
    "refunded only",
    "पेमेंट",
    "अभी तक",
    "पैसा",
    "आ",
    "👍",
    "👍👍",
    "👍 super",
    "👨‍👩‍👧",
    '"NEAR',
    '"',
    '""',
    "NEAR",
    "NEAR/2",
    "(NEAR/2)",
    "a*",
    "-wildcards",
    "title:refund",
    "^start",
    "AND",
    "100%",
    "%",
    "_",
    "10_000",
    "_50%",
    "[bold]",
    "[red]markup",
    "a[b]c",
    "école",
    "ÉCOLE",
    "Émile",
    "émile",
    "kelvin k",
    "\u212a",
    "strasse",
    "xsy",
    "back\\slash",
    "\\",
    "it's",
    "o'brien",
    "tab\there",
    "newline\nthere",
    "spaced",
    " otp ",
    "otp",
    "ot",
    "o",
    "user 123",
    "USER 1234",
    "nothing matches this",
]


def review(ext: str, title: str | None, body: str, author: str | None) -> Review:
    return Review(
        platform=Platform.GOOGLE_PLAY,
        external_id=ext,
        body=body,
        raw={"id": ext},
        created_at=NOW - timedelta(hours=1),
        title=title,
        author=author,
    )


def add(engine: Engine, texts: list[tuple[str | None, str, str | None]], prefix: str) -> None:
    with session_scope(engine) as s:
        account = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        records = [review(f"{prefix}-{i}", *t) for i, t in enumerate(texts)]
        ingest(s, account, records, now=NOW)


def like_ids(engine: Engine, needle: str) -> set[int]:
    """What the search matched before the index: LIKE on SQLite, ILIKE elsewhere."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    columns = (col(Item.body), col(Item.title), col(Item.author))
    sqlite = engine.dialect.name == "sqlite"
    matches = [
        c.like(pattern, escape="\\") if sqlite else c.ilike(pattern, escape="\\") for c in columns
    ]
    with engine.connect() as conn:
        return set(conn.execute(sa.select(col(Item.id)).where(sa.or_(*matches))).scalars())


def searched(svc: InboxService, text: str) -> dict[str, set[int]]:
    """The ids each search path returns, with its count."""
    f = ItemFilter(text=text)
    listed = {r.id for r in svc.list_items(f, limit=10_000)}
    queued = {r.id for r in svc.queue_page(f, sort=Sort.NEWEST, limit=10_000)}
    assert svc.count_items(f) == len(listed)
    assert svc.count_queue(f) == len(queued)
    return {"list_items": listed, "queue_page": queued}


@pytest.fixture
def svc(engine: Engine) -> InboxService:
    add(engine, CORPUS, "c")
    return InboxService(engine, Config(), clock=lambda: NOW)


@pytest.mark.parametrize("text", QUERIES)
def test_search_finds_what_like_finds(svc: InboxService, text: str) -> None:
    expected = like_ids(svc.engine, text.strip())
    assert searched(svc, text) == {"list_items": expected, "queue_page": expected}


def test_partial_words_and_scripts_are_found(svc: InboxService) -> None:
    def bodies(text: str) -> set[str]:
        return {r.body for r in svc.list_items(ItemFilter(text=text))}

    assert bodies("refun") == {
        "Refund nahi mila abhi tak, 5 din ho gaye",
        "REFUNDED only half. Not happy!!",
        "Tried a* and -wildcards (NEAR/2) OR title:refund AND body:x ^start",
    }
    assert bodies("तक नहीं") == {"पेमेंट अभी तक नहीं आया, 5 दिन हो गए"}
    assert bodies("👍 super") == {"Nice app 👍 super fast pickup 🚚💨"}
    assert bodies('"NEAR the') == {'He said "NEAR the store" and left'}
    ecole = {"ÉCOLE students love it; école run by KELVIN \u212a"}
    assert bodies("école") == bodies("ÉCOLE s") == ecole
    if svc.engine.dialect.name == "sqlite":
        # SQLite's LIKE folds ASCII case only, and the index agrees: "école" is not "ÉCOLE",
        # and the Kelvin sign is not a K
        assert bodies("école s") == bodies("kelvin k") == set()
    else:
        assert bodies("école s") == ecole  # ILIKE folds every letter


def test_search_uses_the_index_on_sqlite(sqlite_engine: Engine) -> None:
    """Three characters and more come from the index (emptied here, so they find nothing);
    shorter searches, which it cannot answer, still scan."""
    add(sqlite_engine, CORPUS, "c")
    svc = InboxService(sqlite_engine, Config(), clock=lambda: NOW)
    assert len(svc.list_items(ItemFilter(text="otp"))) == 2
    with sqlite_engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO {TEXT_SEARCH_TABLE}({TEXT_SEARCH_TABLE}) VALUES ('delete-all')"
        )
    assert svc.list_items(ItemFilter(text="otp")) == []
    assert svc.count_queue(ItemFilter(text="otp")) == 0
    short = {r.id for r in svc.list_items(ItemFilter(text="ot"))}
    assert short == like_ids(sqlite_engine, "ot")
    assert len(short) > 2


def test_the_index_follows_edits_and_deletes(engine: Engine) -> None:
    add(engine, [(None, "Pickup was late by two hours", "Asha")], "e")
    svc = InboxService(engine, Config(), clock=lambda: NOW)

    def found(text: str) -> list[str]:
        return [r.external_id for r in svc.queue_page(ItemFilter(text=text))]

    assert found("two hours") == ["e-0"]
    # the customer edits the review: the old words go, the new ones come
    add(engine, [("Updated", "Pickup came on time after all", "Asha K")], "e")
    assert found("two hours") == []
    assert found("on time") == found("updated") == found("asha k") == ["e-0"]
    # status changes leave the text (and the index) alone
    svc.set_status(svc.list_items()[0].id, ItemStatus.NO_REPLY_NEEDED)
    assert found("on time") == ["e-0"]
    with engine.begin() as conn:
        conn.execute(sa.delete(Item).where(col(Item.external_id) == "e-0"))
    assert found("on time") == []


def test_nul_characters_match_as_like_sees_them(sqlite_engine: Engine) -> None:
    """LIKE stops reading a text at a NUL character; the index does too (PostgreSQL cannot
    store NUL in text at all)."""
    add(sqlite_engine, [(None, "before\x00after", "x"), (None, "after all", "y")], "n")
    svc = InboxService(sqlite_engine, Config(), clock=lambda: NOW)
    for text in ("after", "before", "fore\x00aft", "before\x00"):
        assert searched(svc, text)["queue_page"] == like_ids(sqlite_engine, text)


def test_fts_phrase_makes_every_character_literal() -> None:
    assert fts_phrase('say "hi" NEAR(x*)') == '"say ""hi"" NEAR(x*)"'
    assert fts_phrase('"') == '""""'


@pytest.fixture
def old_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database made by the release before the index (revision 0004)."""
    url = (
        str(tmp_path / "old.db")
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    eng = create_db_engine(url)
    command.upgrade(_alembic_config(eng), "0004")
    yield eng
    eng.dispose()


@pytest.mark.parametrize(
    "old_engine", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_upgrade_indexes_existing_items_and_downgrade_removes_the_index(old_engine: Engine) -> None:
    add(old_engine, CORPUS, "old")
    upgrade(old_engine)
    assert current_revision(old_engine) == head_revision()
    svc = InboxService(old_engine, Config(), clock=lambda: NOW)
    for text in ("refun", "पेमेंट", "👍 super", "[bold]", "user 123"):
        expected = like_ids(old_engine, text)
        assert expected
        assert searched(svc, text) == {"list_items": expected, "queue_page": expected}
    command.downgrade(_alembic_config(old_engine), "0004")
    names = set(sa.inspect(old_engine).get_table_names())
    indexes = {i["name"] for i in sa.inspect(old_engine).get_indexes("item")}
    assert not any(n.startswith(TEXT_SEARCH_TABLE) for n in names)
    assert not any(str(n).endswith("_trgm") for n in indexes)
    add(old_engine, [(None, "written while downgraded", None)], "down")  # no trigger left
    upgrade(old_engine)
    svc = InboxService(old_engine, Config(), clock=lambda: NOW)
    assert [r.body for r in svc.list_items(ItemFilter(text="downgraded"))] == [
        "written while downgraded"
    ]


@pytest.mark.postgres
def test_postgres_has_trigram_indexes(postgres_url: str) -> None:
    engine = create_db_engine(postgres_url)
    upgrade(engine)
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("item")}
    assert {"ix_item_title_trgm", "ix_item_body_trgm", "ix_item_author_trgm"} <= indexes
    engine.dispose()


# Characters that differ between LIKE and a Unicode-folding index, that FTS5 or LIKE treat
# as syntax, and a few scripts: the property test draws texts and searches from them.
ALPHABET = st.sampled_from(
    [
        *"abkKsSzZ",
        *" \t\n.,!?'\"*-+():^%_\\[]/",
        *"0123",
        *"éÉßſ\u212a\u0130ıÅ\u212b",
        *"पेमंटअभीनह",
        *"👍🚚",
        "\u200d",
        "\x00",
    ]
)
texts = st.text(ALPHABET, min_size=0, max_size=14)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    corpus=st.lists(st.tuples(st.none() | texts, texts, st.none() | texts), min_size=1, max_size=6),
    pick=st.integers(min_value=0, max_value=100),
    start=st.integers(min_value=0, max_value=14),
    length=st.integers(min_value=1, max_value=8),
    swap=st.booleans(),
    other=texts,
)
def test_property_index_matches_like(
    sqlite_engine: Engine,
    corpus: list[tuple[str | None, str, str | None]],
    pick: int,
    start: int,
    length: int,
    swap: bool,
    other: str,
) -> None:
    """Searches for a piece of a stored text (case swapped or not) and for unrelated text
    find the same items as LIKE. The database grows across examples, which only adds rows
    that must not match."""
    add(sqlite_engine, corpus, f"h{next(_examples)}")
    svc = InboxService(sqlite_engine, Config(), clock=lambda: NOW)
    fields = [t for row in corpus for t in row if t]
    source = fields[pick % len(fields)] if fields else other
    piece = source[start : start + length]
    for text in (piece.swapcase() if swap else piece, other):
        expected = like_ids(sqlite_engine, text.strip())
        assert searched(svc, text) == {"list_items": expected, "queue_page": expected}


_examples = itertools.count()
