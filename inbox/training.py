"""`inbox train` and `inbox classifier evaluate`: retraining with a quality gate, rollback,
and evaluation on the shipped data or any labeled file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine

from classifier.corpus import Columns, heldout_examples, read_labeled_file, seed_examples
from classifier.evaluate import EvalReport, cross_validate, holdout, predict_labels
from classifier.model import Example, ThemeModel, label_matrix
from classifier.model import model_text as text_for_rules
from classifier.predict import rule_hits
from classifier.store import ModelFileError, keep_previous, load_model, save_model
from classifier.taxonomy import ESCALATION_PREFIX, Taxonomy, load_taxonomy
from inbox.classify import forget_loaded, model_labels, model_path, train
from inbox.config import Config
from inbox.errors import InboxError

MAX_DROP = 0.02


class TrainingError(InboxError):
    title = "Classifier"


def with_rules(taxonomy: Taxonomy, labels: Sequence[str]):  # type: ignore[no-untyped-def]
    """A hook for `holdout`: escalation = the model's labels OR the taxonomy's rules."""
    index = {label: j for j, label in enumerate(labels)}

    def apply(model: ThemeModel, examples: Sequence[Example], predicted: np.ndarray) -> np.ndarray:
        """Escalation columns as the inbox decides them: model score over the escalation
        threshold, or a rule."""
        out = predicted.copy()
        scores = model.scores([ex.item for ex in examples])
        for j, label in enumerate(labels):
            if label.startswith(ESCALATION_PREFIX) and label in model.labels:
                k = model.labels.index(label)
                out[:, j] = scores[:, k] >= model.escalation_threshold
        for row, ex in enumerate(examples):
            for reason_id, _text in rule_hits(taxonomy, text_for_rules(ex.item)):
                column = index.get(ESCALATION_PREFIX + reason_id)
                if column is not None:
                    out[row, column] = True
        return out

    return apply


def heldout_score(model: ThemeModel, taxonomy: Taxonomy) -> EvalReport:
    """The model (with the rules) on the held-out split, with no retraining."""
    from classifier.evaluate import _report

    test = heldout_examples()
    labels = model.labels
    predicted, rate = predict_labels(model, test)
    predicted = with_rules(taxonomy, labels)(model, test, predicted)
    return _report(predicted, label_matrix(test, labels), labels, 0.0, rate, None)


@dataclass
class RetrainResult:
    replaced: bool
    lines: list[str] = field(default_factory=list)


def retrain(engine: Engine, config: Config, *, force: bool = False) -> RetrainResult:
    taxonomy = load_taxonomy(config.classifier.taxonomy)
    path = model_path(config)
    lines = []
    before: EvalReport | None = None
    if path.is_file():
        try:
            current = load_model(path)
            if current.labels == model_labels(taxonomy):
                before = heldout_score(current, taxonomy)
                cv = current.metadata.get("cv", {}).get("macro_f1_themes", 0.0)
                lines.append(
                    f"current model ({current.metadata.get('trained_at')}): CV macro-F1 {cv:.3f}, "
                    f"held-out macro-F1 {before.macro_f1:.3f}"
                )
        except ModelFileError as exc:
            lines.append(f"current model unusable ({exc}); training a new one")
    new = train(config, engine, taxonomy)
    after = heldout_score(new, taxonomy)
    lines.append(
        f"new model on {new.metadata['examples']} examples: CV macro-F1 "
        f"{new.metadata['cv']['macro_f1_themes']:.3f}, held-out macro-F1 {after.macro_f1:.3f} "
        f"({new.metadata['train_seconds']:.1f} s)"
    )
    if before is not None and after.macro_f1 < before.macro_f1 - MAX_DROP and not force:
        lines.append(
            f"not replaced: held-out macro-F1 would drop by "
            f"{(before.macro_f1 - after.macro_f1) * 100:.1f} points (more than "
            f"{MAX_DROP * 100:.0f}); check the recent retags, or use --force"
        )
        return RetrainResult(False, lines)
    previous = keep_previous(path)
    save_model(new, path)
    forget_loaded()
    lines.append(f"saved {path}" + (f" (previous kept as {previous.name})" if previous else ""))
    lines.append("run `inbox classify --all` to retag existing items with it")
    return RetrainResult(True, lines)


def roll_back(config: Config) -> str:
    path = model_path(config)
    previous = path.with_name(path.stem + ".previous" + path.suffix)
    if not previous.is_file():
        raise TrainingError(f"no previous model next to {path}")
    load_model(previous)  # refuse to roll back to something unloadable
    backup = path.with_name(path.stem + ".rolled-back" + path.suffix)
    if path.is_file():
        path.replace(backup)
    previous.replace(path)
    forget_loaded()
    return f"restored the previous model to {path} (the replaced one is {backup.name})"


def evaluate_command(
    config: Config,
    *,
    data: Path | None,
    test: Path | None,
    heldout: bool,
    text_column: str,
    label_column: str,
    title_column: str | None,
    rating_column: str | None,
    folds: int,
) -> EvalReport:
    taxonomy = load_taxonomy(config.classifier.taxonomy)
    columns = Columns(text_column, label_column, title_column, rating_column)
    if heldout:
        labels = model_labels(taxonomy)
        return holdout(
            seed_examples(), heldout_examples(), labels, extra=with_rules(taxonomy, labels)
        )
    examples = _read(data, columns) if data else seed_examples()
    labels = sorted({label for ex in examples for label in ex.labels})
    if test is not None:
        return holdout(examples, _read(test, columns), labels)
    if len(examples) < folds:
        raise TrainingError(f"{len(examples)} examples are too few for {folds} folds")
    return cross_validate(examples, labels, folds=folds)


def _read(path: Path, columns: Columns) -> list[Example]:
    try:
        return read_labeled_file(path, columns)
    except (ValueError, OSError) as exc:
        raise TrainingError(str(exc)) from None
