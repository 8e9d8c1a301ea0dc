"""Free-text search through the index (SQLite FTS5 trigram, PostgreSQL pg_trgm) finds exactly
what the plain LIKE / ILIKE scan finds, on every script and every character users type."""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import col

from inbox import cli
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
from inbox.textindex import catch_up, count_not_indexed, index_pending
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


def add(
    engine: Engine,
    texts: list[tuple[str | None, str, str | None]],
    prefix: str,
    *,
    index: bool = True,
) -> None:
    """Store `texts` as a poll does: ingest and commit, then write the text index (unless
    `index` is False: a poll that died between the two)."""
    with session_scope(engine) as s:
        account = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        records = [review(f"{prefix}-{i}", *t) for i, t in enumerate(texts)]
        ingest(s, account, records, now=NOW)
    if index:
        catch_up(engine)


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


def test_every_query_reads_the_same_urgent_pages_walked_or_sorted(
    svc: InboxService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each hostile query (operators, quotes, %, _, backslashes, NUL-free control text,
    emoji, scripts) through the walked urgent queue on SQLite, with its matches in the
    temporary table and the walk forced, gives the pages of the single sorted query."""
    from inbox import queue_walk

    monkeypatch.setattr(queue_walk, "FEW_MATCHES", 0)
    monkeypatch.setattr(queue_walk, "LARGE_RANK", 1)
    needs = (ItemStatus.NEW, ItemStatus.OPEN, ItemStatus.ESCALATED)
    for text in QUERIES:
        f = ItemFilter(text=text, statuses=needs)
        expected = [r.id for r in svc.list_items(f, limit=1_000)]
        walked = [r.id for o in range(0, 40, 3) for r in svc.queue_page(f, limit=3, offset=o)]
        assert walked == expected, text


@pytest.mark.parametrize(
    "statuses",
    [
        (ItemStatus.NEW, ItemStatus.OPEN, ItemStatus.ESCALATED),
        (ItemStatus.REPLIED,),
        (ItemStatus.ESCALATED,),
    ],
)
def test_search_within_statuses_finds_what_like_finds(
    svc: InboxService, statuses: tuple[ItemStatus, ...]
) -> None:
    """A search inside a view of some statuses (read by id from the index's matches for
    most, through the status index for escalated items) finds the matching items of those
    statuses, page after page."""
    items = svc.list_items(limit=10_000)
    for i, row in enumerate(items):  # every status present
        status = [ItemStatus.NEW, ItemStatus.REPLIED, ItemStatus.ESCALATED][i % 3]
        if row.status != status:
            svc.set_status(row.id, status)
    wanted = {r.id for r in svc.list_items(ItemFilter(statuses=statuses), limit=10_000)}
    for text in ("refun", "पेमेंट", "a", "user", "👍", "pickup", "nothing matches this"):
        expected = like_ids(svc.engine, text) & wanted
        f = ItemFilter(text=text, statuses=statuses)
        pages = [svc.queue_page(f, sort=Sort.NEWEST, limit=2, offset=o) for o in range(0, 40, 2)]
        assert {r.id for page in pages for r in page} == expected, text
        assert sum(len(page) for page in pages) == len(expected)
        assert svc.count_queue(f) == len(expected)


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


def _write_as_a_script(engine: Engine) -> None:
    """Writes that bypass ingest, as a script or the sqlite3 shell would make them: a copy
    of every item (queued, not indexed), an edit of an indexed item and of a queued one,
    and a delete of a queued one."""
    names = [c.name for c in Item.__table__.c if c.name != "id"]  # type: ignore[attr-defined]
    copied = ", ".join(
        {"external_id": "'copy-' || external_id", "body": "'scripted ' || body"}.get(n, n)
        for n in names
    )
    with engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO item ({', '.join(names)}) SELECT {copied} FROM item")
        conn.exec_driver_sql(
            "UPDATE item SET body = 'edited refund text' WHERE external_id = 'c-0'"
        )
        conn.exec_driver_sql("UPDATE item SET body = 'twice edited' WHERE external_id = 'copy-c-1'")
        conn.exec_driver_sql("DELETE FROM item WHERE external_id = 'copy-c-2'")
        conn.exec_driver_sql("UPDATE item SET author = 'Rohit S' WHERE external_id = 'c-1'")
        conn.exec_driver_sql("DELETE FROM item WHERE external_id = 'c-3'")


def test_items_not_yet_indexed_are_found_and_the_next_catch_up_indexes_them(
    sqlite_engine: Engine,
) -> None:
    add(sqlite_engine, CORPUS, "c")
    assert count_not_indexed(sqlite_engine) == 0  # the catch-up after the commit indexed the batch
    _write_as_a_script(sqlite_engine)
    # the copies but the deleted one, and the two edited indexed items
    assert count_not_indexed(sqlite_engine) == len(CORPUS) - 1 + 2
    svc = InboxService(sqlite_engine, Config(), clock=lambda: NOW)
    extra = ["scripted", "scripted refun", "edited refund", "twice edited", "rohit s", "पैसा"]
    expected = {text: like_ids(sqlite_engine, text.strip()) for text in [*QUERIES, *extra]}
    assert expected["scripted refun"] and expected["rohit s"] and expected["पैसा"]
    for text, ids in expected.items():
        assert searched(svc, text) == {"list_items": ids, "queue_page": ids}, text

    add(sqlite_engine, [(None, "one more review", None)], "later")
    assert count_not_indexed(sqlite_engine) == 0
    for text in expected:
        assert searched(svc, text)["queue_page"] == like_ids(sqlite_engine, text.strip()), text
    # found by the index alone now: emptying it finds nothing
    with sqlite_engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO {TEXT_SEARCH_TABLE}({TEXT_SEARCH_TABLE}) VALUES ('delete-all')"
        )
    assert svc.count_queue(ItemFilter(text="scripted")) == 0


def test_items_committed_but_not_indexed_are_found_until_the_catch_up_indexes_them(
    sqlite_engine: Engine,
) -> None:
    """Ingest commits items without their text index (a poll that died before its catch-up
    leaves them so): search finds them by scanning, and the next catch-up indexes them."""
    add(sqlite_engine, CORPUS[:4], "a")
    add(sqlite_engine, CORPUS[4:], "b", index=False)
    assert count_not_indexed(sqlite_engine) == len(CORPUS) - 4
    svc = InboxService(sqlite_engine, Config(), clock=lambda: NOW)
    expected = {text: like_ids(sqlite_engine, text.strip()) for text in QUERIES}
    assert sum(map(len, expected.values())) > 10
    for text, ids in expected.items():
        assert searched(svc, text) == {"list_items": ids, "queue_page": ids}, text

    assert catch_up(sqlite_engine) == len(CORPUS) - 4
    assert count_not_indexed(sqlite_engine) == 0
    for text, ids in expected.items():
        assert searched(svc, text) == {"list_items": ids, "queue_page": ids}, text
    with sqlite_engine.begin() as conn:  # found by the index alone now
        conn.exec_driver_sql(
            f"INSERT INTO {TEXT_SEARCH_TABLE}({TEXT_SEARCH_TABLE}) VALUES ('delete-all')"
        )
    assert all(not svc.list_items(ItemFilter(text=t)) for t in expected if len(t.strip()) >= 3)


def test_a_catch_up_with_nothing_to_index_takes_no_write_lock(sqlite_engine: Engine) -> None:
    """A poll that brought nothing new must not wait for (or block) another writer."""
    add(sqlite_engine, CORPUS[:3], "c")
    database = sqlite_engine.url.database
    assert database is not None
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        started = time.monotonic()
        assert catch_up(sqlite_engine) == 0
        assert time.monotonic() - started < 5  # not the 10 s busy timeout
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_indexing_an_empty_queue_writes_nothing(sqlite_engine: Engine) -> None:
    add(sqlite_engine, CORPUS[:2], "c")
    with sqlite_engine.begin() as conn:
        assert index_pending(conn) == 0
    with sqlite_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE item SET body = 'new words' WHERE external_id = 'c-0'")
        assert index_pending(conn) == 1
        assert index_pending(conn) == 0


def test_db_reindex_rebuilds_the_index_from_every_item(tmp_path: Path) -> None:
    """The one write the batches cannot see, an INSERT naming an id below the mark, is
    found again after `inbox db reindex`."""
    db = tmp_path / "inbox.db"
    engine = create_db_engine(str(db))
    upgrade(engine)
    add(engine, CORPUS, "c")
    names = [c.name for c in Item.__table__.c]  # type: ignore[attr-defined]
    values = ", ".join(
        {"id": "5", "external_id": "'restored'", "body": "'restored by hand'"}.get(n, n)
        for n in names
    )
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM item WHERE id = 5")  # below the mark
        conn.exec_driver_sql(
            f"INSERT INTO item ({', '.join(names)}) SELECT {values} FROM item LIMIT 1"
        )
    svc = InboxService(engine, Config(), clock=lambda: NOW)
    assert svc.count_queue(ItemFilter(text="by hand")) == 0
    with engine.begin() as conn:  # and a damaged index
        conn.exec_driver_sql(
            f"INSERT INTO {TEXT_SEARCH_TABLE}({TEXT_SEARCH_TABLE}) VALUES ('delete-all')"
        )

    result = CliRunner().invoke(cli.app, ["--db", str(db), "db", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"Indexed the text of {len(CORPUS)} items" in result.output
    assert svc.count_queue(ItemFilter(text="by hand")) == 1
    for text in ("by hand", "restore", "refun", "पेमेंट", "user 123"):
        assert searched(svc, text)["queue_page"] == like_ids(engine, text), text
    engine.dispose()


def test_downgrade_to_row_triggers_indexes_the_queue_first(sqlite_engine: Engine) -> None:
    add(sqlite_engine, CORPUS, "c")
    _write_as_a_script(sqlite_engine)
    assert count_not_indexed(sqlite_engine) > 0
    command.downgrade(_alembic_config(sqlite_engine), "0006")

    def matched(text: str) -> set[int]:
        with sqlite_engine.connect() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT rowid FROM {TEXT_SEARCH_TABLE} WHERE {TEXT_SEARCH_TABLE} MATCH ?",
                (fts_phrase(text.lower()),),
            )
            return set(rows.scalars())

    for text in ("scripted", "twice edited", "edited refund", "refun", "rohit s"):
        assert matched(text) == like_ids(sqlite_engine, text), text
    add(sqlite_engine, [(None, "written by the old triggers", None)], "old")
    assert len(matched("old triggers")) == 1
    upgrade(sqlite_engine)
    svc = InboxService(sqlite_engine, Config(), clock=lambda: NOW)
    for text in ("scripted", "old triggers", "refun"):
        assert searched(svc, text)["queue_page"] == like_ids(sqlite_engine, text)


WORDS = st.sampled_from(["refund", "pickup late", "पैसा", "otp", "fine 👍", "late refund"])
OPS = st.lists(
    st.tuples(
        st.sampled_from(["ingest", "script", "edit", "delete", "delete top", "index"]), WORDS
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ops=OPS)
def test_property_any_mix_of_writes_keeps_search_exact(
    sqlite_engine: Engine, ops: list[tuple[str, str]]
) -> None:
    """Ingests, rows written by scripts, edits, deletes (the highest id too, which SQLite
    hands out again) and indexing, in any order: every search finds what LIKE finds."""
    svc = InboxService(sqlite_engine, Config(), clock=lambda: NOW)
    run = next(_examples)
    for step, (op, words) in enumerate(ops):
        with sqlite_engine.begin() as conn:
            ids = list(conn.execute(sa.select(col(Item.id)).order_by(col(Item.id))).scalars())
            if op == "script" and ids:
                names = [c.name for c in Item.__table__.c if c.name != "id"]  # type: ignore[attr-defined]
                values = ", ".join(
                    {"external_id": f"'s{run}-{step}'", "body": ":words"}.get(n, n) for n in names
                )
                copy = f"INSERT INTO item ({', '.join(names)}) SELECT {values} FROM item"
                conn.execute(
                    sa.text(f"{copy} WHERE id = :id"),
                    {"words": words, "id": ids[0]},
                )
            elif op == "edit" and ids:
                conn.execute(
                    sa.update(Item).where(col(Item.id) == ids[step % len(ids)]).values(body=words)
                )
            elif op.startswith("delete") and ids:
                gone = ids[-1] if op == "delete top" else ids[step % len(ids)]
                conn.execute(sa.delete(Item).where(col(Item.id) == gone))
            elif op == "index":
                index_pending(conn)
        if op == "ingest":
            add(sqlite_engine, [(None, words, None)], f"p{run}-{step}")
        for text in ("refund", "late", "पैसा", "👍", "otp"):
            expected = like_ids(sqlite_engine, text)
            assert searched(svc, text)["queue_page"] == expected, (op, text)


def test_a_poll_that_only_refreshes_metadata_keeps_search_in_step(engine: Engine) -> None:
    """Unchanged texts with a newer payload are stored in one batch; a renamed author (not
    part of the content hash) is searchable under the new name at once."""
    texts = [(None, f"Pickup number {i} was fine", f"Author {i}") for i in range(6)]
    add(engine, texts, "m")
    renamed = [(t, b, f"Renamed {i}" if i % 2 else a) for i, (t, b, a) in enumerate(texts)]
    with session_scope(engine) as s:
        account = ensure_account(s, "play", Platform.GOOGLE_PLAY, "in.resello.app")
        records = [
            replace(review(f"m-{i}", *t), raw={"id": f"m-{i}", "likes": 3})
            for i, t in enumerate(renamed)
        ]
        report = ingest(s, account, records, now=NOW)
    assert (report.unchanged, report.updated) == (6, 0)
    svc = InboxService(engine, Config(), clock=lambda: NOW)
    for text in ("renamed", "author 1", "author 2", "pickup number"):
        assert searched(svc, text)["queue_page"] == like_ids(engine, text), text
    assert svc.count_queue(ItemFilter(text="renamed")) == 3
    with engine.connect() as conn:
        raws = conn.execute(sa.select(col(Item.raw))).scalars().all()
    assert all(raw["likes"] == 3 for raw in raws)


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


@pytest.mark.postgres
def test_db_reindex_makes_missing_trigram_indexes_on_postgres(postgres_url: str) -> None:
    """Made when pg_trgm could not be created at upgrade, once the role may."""
    engine = create_db_engine(postgres_url)
    upgrade(engine)
    add(engine, CORPUS, "c")
    with engine.begin() as conn:
        for column in ("title", "body", "author"):
            conn.exec_driver_sql(f"DROP INDEX ix_item_{column}_trgm")
    result = CliRunner().invoke(cli.app, ["--db", postgres_url, "db", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"Indexed the text of {len(CORPUS)} items" in result.output
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("item")}
    assert {"ix_item_title_trgm", "ix_item_body_trgm", "ix_item_author_trgm"} <= indexes
    engine.dispose()


@pytest.mark.postgres
def test_db_reindex_says_what_the_role_lacks_on_postgres(postgres_url: str) -> None:
    """A role that may not index the table gets one clear line and exit code 1."""
    engine = create_db_engine(postgres_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_item_body_trgm")
        conn.exec_driver_sql(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'inbox_reader')"
            " THEN CREATE ROLE inbox_reader LOGIN; END IF; END $$"
        )
        conn.exec_driver_sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO inbox_reader")
    engine.dispose()
    url = sa.make_url(postgres_url).set(username="inbox_reader", password=None)
    db = url.render_as_string(hide_password=False)
    result = subprocess.run(
        [sys.executable, "-m", "inbox", "--db", db, "db", "reindex"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "cannot build the search index" in result.stderr
    assert "must be owner of table item" in result.stderr
    assert "Traceback" not in result.stderr


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
