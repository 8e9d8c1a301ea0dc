"""Classifying stored items: model tags replaced, human tags never touched, escalations raised
with their reasons. The model is trained on first use and kept in the data dir."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from classifier.corpus import seed_examples
from classifier.model import Example, ItemText, ThemeModel
from classifier.predict import Classifier, Prediction
from classifier.store import load_model, save_model
from classifier.taxonomy import ESCALATION_PREFIX, Taxonomy, load_taxonomy
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


def classify_items(
    engine: Engine, classifier: Classifier, item_ids: Sequence[int]
) -> ClassifyReport:
    """(Re)classify items: model tags replaced, human tags kept, new escalations raised."""
    report = ClassifyReport()
    for start in range(0, len(item_ids), BATCH):
        chunk = list(item_ids[start : start + BATCH])
        with session_scope(engine) as session:
            rows = session.execute(
                sa.select(
                    col(Item.id),
                    col(Item.title),
                    col(Item.body),
                    col(Item.rating),
                    col(Item.platform),
                    col(Item.status),
                ).where(col(Item.id).in_(chunk))
            ).all()
            if not rows:
                continue
            predictions = classifier.predict(
                [ItemText(r.body or "", r.title, r.rating, r.platform) for r in rows]
            )
            already = set(
                session.execute(
                    sa.select(col(Escalation.item_id)).where(col(Escalation.item_id).in_(chunk))
                ).scalars()
            )
            session.execute(
                sa.delete(Tag).where(
                    col(Tag.item_id).in_(chunk),
                    col(Tag.origin).in_([TagOrigin.MODEL.value, TagOrigin.RULE.value]),
                )
            )
            _store(session, classifier, rows, predictions, already, report)
    return report


def _store(
    session: Session,
    classifier: Classifier,
    rows: Sequence[Any],
    predictions: Sequence[Prediction],
    already: set[int],
    report: ClassifyReport,
) -> None:
    now = utcnow()
    tags: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for row, prediction in zip(rows, predictions, strict=True):
        report.classified += 1
        for theme, score in prediction.themes:
            tags.append(
                {
                    "item_id": row.id,
                    "theme": theme,
                    "score": round(score, 4),
                    "origin": TagOrigin.MODEL.value,
                    "active": True,
                    "model_version": prediction.model_version,
                    "taxonomy_version": prediction.taxonomy_version,
                    "created_by": ACTOR,
                    "created_at": now,
                }
            )
        events.append(
            {
                "item_id": row.id,
                "kind": EventKind.TAGGED.value,
                "actor": ACTOR,
                "at": now,
                "data": {
                    "themes": {t: round(s, 3) for t, s in prediction.themes},
                    "model_version": prediction.model_version,
                    "taxonomy_version": prediction.taxonomy_version,
                },
            }
        )
        if prediction.escalate and row.id not in already:
            report.escalated += 1
            session.add(
                Escalation(
                    item_id=row.id,
                    reasons=list(prediction.reasons),
                    severity=_severity(classifier.taxonomy, prediction.escalation_ids),
                    note="raised automatically: " + ", ".join(prediction.escalation_ids),
                    created_by=ACTOR,
                    created_at=now,
                )
            )
            events.append(
                {
                    "item_id": row.id,
                    "kind": EventKind.ESCALATED.value,
                    "actor": ACTOR,
                    "at": now,
                    "data": {"reasons": list(prediction.reasons)},
                }
            )
            if row.status in (ItemStatus.NEW, ItemStatus.OPEN):
                session.execute(
                    sa.update(Item)
                    .where(col(Item.id) == row.id)
                    .values(status=ItemStatus.ESCALATED, version=col(Item.version) + 1)
                )
    if tags:
        session.execute(sa.insert(Tag), tags)
    if events:
        session.execute(sa.insert(Event), events)


def unclassified_ids(engine: Engine, *, everything: bool = False) -> list[int]:
    """Items with no model tag yet (or every item)."""
    with Session(engine) as session:
        query = sa.select(col(Item.id)).order_by(col(Item.id))
        if not everything:
            tagged = sa.select(col(Tag.item_id)).where(col(Tag.origin) == TagOrigin.MODEL.value)
            seen = sa.select(col(Event.item_id)).where(col(Event.kind) == EventKind.TAGGED.value)
            query = query.where(~col(Item.id).in_(tagged), ~col(Item.id).in_(seen))
        return [int(i) for i in session.execute(query).scalars()]
