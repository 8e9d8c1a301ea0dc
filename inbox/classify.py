"""Classifying stored items: model tags replaced, human tags never touched, escalations raised
with their reasons. The model is trained on first use and kept in the data dir."""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col

from classifier.corpus import seed_examples
from classifier.model import Example, ItemText, ThemeModel
from classifier.predict import Classifier, Prediction
from classifier.store import load_model, save_model
from classifier.taxonomy import ESCALATION_PREFIX, Taxonomy, load_taxonomy
from inbox.bulk import insert_rows
from inbox.config import Config, data_dir
from inbox.db import session_scope
from inbox.models import (
    Escalation,
    Event,
    EventKind,
    Item,
    ItemStatus,
    Tag,
    TagOrigin,
    utcnow,
)

BATCH = 500
ACTOR = "classifier"
_lock = threading.Lock()
_loaded: dict[tuple[str, str, str], Classifier] = {}


def model_path(config: Config) -> Path:
    override = os.environ.get("INBOX_CLASSIFIER_MODEL")
    if override:
        return Path(override)
    if config.classifier.model:
        return config.classifier.model.expanduser()
    return data_dir() / "model.skops"


def model_labels(taxonomy: Taxonomy) -> list[str]:
    """Themes, plus the escalation reasons that text can show (those with rules)."""
    return list(taxonomy.theme_ids) + [
        ESCALATION_PREFIX + r.id for r in taxonomy.escalation if r.patterns
    ]


def corrections(engine: Engine, taxonomy: Taxonomy) -> list[Example]:
    """Items a person retagged: their effective themes are labeled examples."""
    with Session(engine) as session:
        rows = session.execute(
            sa.select(
                col(Item.id), col(Item.title), col(Item.body), col(Item.rating), col(Item.platform)
            ).where(col(Item.id).in_(sa.select(col(Tag.item_id)).where(col(Tag.origin) == "human")))
        ).all()
        if not rows:
            return []
        tags = session.execute(
            sa.select(col(Tag.item_id), col(Tag.theme), col(Tag.origin), col(Tag.active)).where(
                col(Tag.item_id).in_([r[0] for r in rows])
            )
        ).all()
    effective: dict[int, dict[str, tuple[bool, bool]]] = {}
    for item_id, theme, origin, active in tags:
        per = effective.setdefault(item_id, {})
        human = origin == TagOrigin.HUMAN
        if theme not in per or (human and not per[theme][0]):
            per[theme] = (human, bool(active))
    known = set(taxonomy.theme_ids)
    out = []
    for item_id, title, body, rating, platform in rows:
        labels = frozenset(
            t for t, (_h, active) in effective.get(item_id, {}).items() if active and t in known
        )
        if body and labels:
            out.append(Example(ItemText(body, title, rating, platform), labels))
    return out


def train(
    config: Config, engine: Engine | None = None, taxonomy: Taxonomy | None = None
) -> ThemeModel:
    """A model on the seed corpus plus every human correction in the database."""
    taxonomy = taxonomy or load_taxonomy(config.classifier.taxonomy)
    examples = seed_examples() + (corrections(engine, taxonomy) if engine is not None else [])
    return ThemeModel.train(examples, model_labels(taxonomy), taxonomy_version=taxonomy.version)


def get_classifier(config: Config) -> Classifier:
    """The classifier for this config: loaded from disk, or trained once and saved."""
    taxonomy = load_taxonomy(config.classifier.taxonomy)
    path = model_path(config)
    key = (str(path), taxonomy.version, str(config.classifier.escalation_threshold))
    with _lock:
        if key in _loaded:
            return _loaded[key]
        if path.is_file():
            model = load_model(path)
            if model.metadata.get("taxonomy_version") != taxonomy.version:
                model = train(config, taxonomy=taxonomy)
                save_model(model, path)
        else:
            model = train(config, taxonomy=taxonomy)
            save_model(model, path)
        if config.classifier.escalation_threshold is not None:
            model.metadata["escalation_threshold"] = config.classifier.escalation_threshold
        _loaded[key] = Classifier(taxonomy, model)
        return _loaded[key]


def forget_loaded() -> None:
    with _lock:
        _loaded.clear()


@dataclass
class ClassifyReport:
    classified: int = 0
    escalated: int = 0


def _severity(taxonomy: Taxonomy, ids: Sequence[str]) -> str:
    levels = [r.severity for r in (taxonomy.reason(i) for i in ids) if r is not None]
    return "high" if "high" in levels else "normal"


def _any_of(column: Any, name: str, values: Sequence[Any], dialect: str = "") -> Any:
    """`column IN values` for a batch's hundreds of values. SQLAlchemy would expand and
    process an IN list value by value on every execution; on SQLite the list goes in as one
    JSON array that json_each unpacks (the plans stay lookups by key, tested). Elsewhere it
    is one expanding parameter."""
    if dialect == "sqlite" and _sqlite_has_json_each():
        unpacked = sa.func.json_each(
            sa.bindparam(name, json.dumps(list(values)), type_=sa.Text)
        ).table_valued("value")
        return column.in_(sa.select(unpacked.c.value))
    return column.in_(sa.bindparam(name, list(values), expanding=True))


@functools.cache
def _sqlite_has_json_each() -> bool:
    """SQLite builds since 3.38 have JSON built in; older ones may lack it."""
    try:
        with closing(sqlite3.connect(":memory:")) as probe:
            probe.execute("SELECT value FROM json_each('[1]')").fetchall()
    except sqlite3.Error:
        return False
    return True


def _item_rows(connection: Connection, item_ids: Sequence[int]) -> Sequence[Any]:
    """What classifying reads of each item, in one query: its text, its author, and whether
    it is escalated already."""
    published = sa.func.coalesce(
        col(Item.created_at), col(Item.updated_at), col(Item.first_seen_at)
    ).label("published")
    return connection.execute(
        sa.select(
            col(Item.id),
            col(Item.title),
            col(Item.body),
            col(Item.rating),
            col(Item.platform),
            col(Item.status),
            col(Item.author),
            col(Item.author_id),
            col(Item.extra),
            published,
            sa.exists().where(col(Escalation.item_id) == col(Item.id)).label("escalated"),
            author_key().label("author_key"),
        ).where(_any_of(col(Item.id), "item_ids", item_ids, connection.dialect.name))
    ).all()


def classify_items(
    engine: Engine, classifier: Classifier, item_ids: Sequence[int]
) -> ClassifyReport:
    """(Re)classify items: model tags replaced, human tags kept, new escalations raised."""
    report = ClassifyReport()
    for start in range(0, len(item_ids), BATCH):
        chunk = list(item_ids[start : start + BATCH])
        with session_scope(engine) as session:
            # Core statements on the session's connection: no ORM bookkeeping per row.
            connection = session.connection()
            rows = _item_rows(connection, chunk)
            if not rows:
                continue
            predictions = classifier.predict(
                [ItemText(r.body or "", r.title, r.rating, r.platform) for r in rows]
            )
            already = {r.id for r in rows if r.escalated}
            connection.execute(
                sa.delete(Tag).where(
                    _any_of(col(Tag.item_id), "item_ids", chunk, connection.dialect.name),
                    col(Tag.origin).in_([TagOrigin.MODEL.value, TagOrigin.RULE.value]),
                )
            )
            extra = metadata_reasons(session, chunk, rows)
            _store(session, classifier, rows, predictions, already, report, extra)
    return report


REPEAT_WINDOW_DAYS = 30
HIGH_REACH_FOLLOWERS = 10_000


def _is_complaint(rating: int | None, escalated: bool) -> bool:
    return escalated or (rating is not None and rating <= 2)


def metadata_reasons(
    session: Session, item_ids: Sequence[int], rows: Sequence[Any] | None = None
) -> dict[int, list[str]]:
    """Escalation reasons that come from who wrote, not what: a high-reach author (followers
    in the payload), or the same author (same platform, same id or name) complaining again
    within 30 days. `rows` are the items' `_item_rows` when the caller has read them."""
    connection = session.connection()
    if rows is None:
        rows = _item_rows(connection, item_ids)
    out: dict[int, list[str]] = {}
    # Each row's author key as the database computes it, so that it equals the history's:
    # SQLite's lower() folds ASCII only ("ÉMILIE" → "Émilie", Python says "émilie").
    # A blank name is nobody in particular, not one author.
    names: list[str] = [row.author_key if (row.author_key or "").strip() else "" for row in rows]
    for row in rows:
        extra = row.extra
        followers = (extra or {}).get("followers_count") if isinstance(extra, dict) else None
        if isinstance(followers, int) and followers >= HIGH_REACH_FOLLOWERS:
            out.setdefault(row.id, []).append(
                f"high_reach_author: {row.author or 'the author'} has {followers:,} followers"
            )
    keys = {name for name in names if name}
    if not keys:
        return out
    history = connection.execute(author_history(sorted(keys), connection.dialect.name)).all()
    by_author: dict[tuple[str, str], list[tuple[int, Any]]] = {}
    for other_id, platform, name, rating, escalated, when in history:
        if _is_complaint(rating, bool(escalated)):
            by_author.setdefault((platform, name), []).append((other_id, when))
    if not by_author:
        return out  # nobody in this batch has complained before: no repeat
    window = REPEAT_WINDOW_DAYS * 86400
    for row, name in zip(rows, names, strict=True):
        complaints = by_author.get((row.platform, name)) if name else None
        item_id, when = row.id, row.published
        if not complaints or when is None:
            continue
        others = [
            other
            for other, at in complaints
            if other != item_id and at is not None and abs((at - when).total_seconds()) <= window
        ]
        if others:
            out.setdefault(item_id, []).append(
                f"repeated_complaint: {len(others) + 1} complaints by "
                f"{row.author or row.author_id} within {REPEAT_WINDOW_DAYS} days"
            )
    return out


def author_key() -> sa.Function[Any]:
    """Who wrote an item, case folded by the database (the expression of ix_item_author_key)."""
    return sa.func.lower(sa.func.coalesce(col(Item.author_id), col(Item.author)))


def author_history(names: Sequence[str], dialect: str = "") -> sa.Select[Any]:
    """Every complaint (rated 1 or 2, or escalated) by these authors (lowercased id, else
    name): read by the index ix_item_author_key; whether each is escalated, one index probe
    per row. Other items by them are never counted, so they are not read."""
    key = author_key()
    escalated = sa.exists().where(col(Escalation.item_id) == col(Item.id))
    return sa.select(
        col(Item.id),
        col(Item.platform),
        key,
        col(Item.rating),
        escalated,
        sa.func.coalesce(col(Item.created_at), col(Item.updated_at), col(Item.first_seen_at)),
    ).where(
        _any_of(key, "author_keys", names, dialect),
        sa.or_(col(Item.rating) <= 2, escalated),  # what _is_complaint keeps
    )


def _store(
    session: Session,
    classifier: Classifier,
    rows: Sequence[Any],
    predictions: Sequence[Prediction],
    already: set[int],
    report: ClassifyReport,
    metadata: dict[int, list[str]],
) -> None:
    now = utcnow()
    tags: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    escalations: list[dict[str, Any]] = []
    newly_escalated: list[int] = []
    model, tagged, escalated = (
        TagOrigin.MODEL.value,
        EventKind.TAGGED.value,
        EventKind.ESCALATED.value,
    )
    unhandled = (ItemStatus.NEW, ItemStatus.OPEN)
    for row, prediction in zip(rows, predictions, strict=True):
        report.classified += 1
        item_id, model_version = row.id, prediction.model_version
        taxonomy_version = prediction.taxonomy_version
        for theme, score in prediction.themes:
            tags.append(
                {
                    "item_id": item_id,
                    "theme": theme,
                    "score": round(score, 4),
                    "origin": model,
                    "active": True,
                    "model_version": model_version,
                    "taxonomy_version": taxonomy_version,
                    "created_by": ACTOR,
                    "created_at": now,
                }
            )
        events.append(
            {
                "item_id": item_id,
                "kind": tagged,
                "actor": ACTOR,
                "at": now,
                "data": {
                    "themes": {t: round(s, 3) for t, s in prediction.themes},
                    "model_version": model_version,
                    "taxonomy_version": taxonomy_version,
                },
            }
        )
        from_metadata = metadata.get(item_id)
        if (prediction.escalate or from_metadata) and item_id not in already:
            report.escalated += 1
            ids = list(prediction.escalation_ids)
            reasons = list(prediction.reasons)
            if from_metadata:
                ids += [m.split(":", 1)[0] for m in from_metadata]
                reasons += from_metadata
            escalations.append(
                {
                    "item_id": item_id,
                    "reasons": reasons,
                    "severity": _severity(classifier.taxonomy, ids),
                    "note": "raised automatically: " + ", ".join(ids),
                    "created_by": ACTOR,
                    "created_at": now,
                }
            )
            events.append(
                {
                    "item_id": item_id,
                    "kind": escalated,
                    "actor": ACTOR,
                    "at": now,
                    "data": {"reasons": list(reasons)},
                }
            )
            if row.status in unhandled:
                newly_escalated.append(item_id)
    # Whole-batch statements (executemany): one round trip each, not one per item.
    connection = session.connection()
    insert_rows(connection, Escalation.__table__, escalations)  # type: ignore[attr-defined]
    if newly_escalated:
        connection.execute(mark_escalated(newly_escalated, connection.dialect.name))
    insert_rows(connection, Tag.__table__, tags)  # type: ignore[attr-defined]
    insert_rows(connection, Event.__table__, events)  # type: ignore[attr-defined]


def mark_escalated(item_ids: Sequence[int], dialect: str = "") -> sa.Update:
    """Items still new or open become escalated. The status test is wrapped so that no index
    serves it: SQLite (with no statistics) would otherwise read the status index through,
    every item still new, instead of looking these ids up: a cost growing with the inbox."""
    still_open = sa.func.coalesce(col(Item.status), "")
    return (
        sa.update(Item)
        .where(
            _any_of(col(Item.id), "item_ids", item_ids, dialect),
            still_open.in_([ItemStatus.NEW.value, ItemStatus.OPEN.value]),
        )
        .values(status=ItemStatus.ESCALATED, version=col(Item.version) + 1)
    )


def unclassified_ids(engine: Engine, *, everything: bool = False) -> list[int]:
    """Items with no model tag yet (or every item)."""
    with Session(engine) as session:
        query = sa.select(col(Item.id)).order_by(col(Item.id))
        if not everything:
            tagged = sa.select(col(Tag.item_id)).where(col(Tag.origin) == TagOrigin.MODEL.value)
            seen = sa.select(col(Event.item_id)).where(col(Event.kind) == EventKind.TAGGED.value)
            query = query.where(~col(Item.id).in_(tagged), ~col(Item.id).in_(seen))
        return [int(i) for i in session.execute(query).scalars()]
