"""Honest evaluation: k-fold cross-validation of the whole pipeline (thresholds chosen inside
each training fold), or train-on-one-file / score-on-another, for any labeled data."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import KFold

from classifier.model import (
    Example,
    FeatureConfig,
    LabelMetrics,
    ThemeModel,
    label_matrix,
    label_metrics,
)
from classifier.taxonomy import ESCALATION_PREFIX


@dataclass
class EvalReport:
    labels: list[LabelMetrics]
    macro_f1: float
    micro_precision: float
    micro_recall: float
    micro_f1: float
    examples: int
    train_seconds: float
    predict_per_second: float
    folds: int | None = None
    # Escalation as one yes/no decision (any reason), where the data has escalation labels.
    escalation: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["labels"] = [asdict(m) for m in self.labels]
        return out


def _micro(predicted: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    p, t = predicted.astype(bool), y.astype(bool)
    tp, fp, fn = int(np.sum(p & t)), int(np.sum(p & ~t)), int(np.sum(~p & t))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _report(
    predicted: np.ndarray,
    y: np.ndarray,
    labels: Sequence[str],
    train_seconds: float,
    predict_rate: float,
    folds: int | None,
) -> EvalReport:
    metrics = label_metrics(predicted, y, labels)
    themes = [j for j, label in enumerate(labels) if not label.startswith(ESCALATION_PREFIX)]
    theme_metrics = [metrics[j] for j in themes]
    precision, recall, f1 = _micro(predicted[:, themes], y[:, themes])
    escalation: dict[str, float] = {}
    esc = [j for j, label in enumerate(labels) if label.startswith(ESCALATION_PREFIX)]
    if esc and y[:, esc].any():
        any_p = np.asarray(predicted[:, esc].any(axis=1), dtype=np.int8).reshape(-1, 1)
        any_t = np.asarray(y[:, esc].any(axis=1), dtype=np.int8).reshape(-1, 1)
        [m] = label_metrics(any_p, any_t, ["escalate"])
        escalation = {
            "precision": m.precision,
            "recall": m.recall,
            "f1": m.f1,
            "support": m.support,
        }
    return EvalReport(
        labels=metrics,
        macro_f1=float(np.mean([m.f1 for m in theme_metrics])) if theme_metrics else 0.0,
        micro_precision=precision,
        micro_recall=recall,
        micro_f1=f1,
        examples=len(y),
        train_seconds=train_seconds,
        predict_per_second=predict_rate,
        folds=folds,
        escalation=escalation,
    )


def predict_labels(model: ThemeModel, examples: Sequence[Example]) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    scores = model.scores([ex.item for ex in examples])
    rate = len(examples) / max(time.perf_counter() - started, 1e-9)
    return scores >= np.asarray(model.thresholds), rate


def holdout(
    train: Sequence[Example],
    test: Sequence[Example],
    labels: Sequence[str],
    *,
    config: FeatureConfig | None = None,
    extra: Any = None,
) -> EvalReport:
    """Train on `train` (thresholds by CV inside it), score once on `test`."""
    started = time.perf_counter()
    model = ThemeModel.train(train, labels, taxonomy_version="evaluation", config=config)
    train_seconds = time.perf_counter() - started
    predicted, rate = predict_labels(model, test)
    if extra is not None:
        predicted = extra(model, test, predicted)
    return _report(predicted, label_matrix(test, labels), labels, train_seconds, rate, None)


def cross_validate(
    examples: Sequence[Example],
    labels: Sequence[str],
    *,
    folds: int = 10,
    seed: int = 0,
    config: FeatureConfig | None = None,
) -> EvalReport:
    """Stratification by the rarest label of each row keeps rare labels in every fold."""
    config = config or FeatureConfig(folds=3)
    y = label_matrix(examples, labels)
    predicted = np.zeros(y.shape, dtype=bool)
    train_seconds = 0.0
    rates = []
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(examples))):
        train = [examples[i] for i in train_idx]
        present = [j for j in range(len(labels)) if y[train_idx, j].any()]
        kept = [labels[j] for j in present]
        started = time.perf_counter()
        model = ThemeModel.train(train, kept, taxonomy_version="evaluation", config=config)
        train_seconds += time.perf_counter() - started
        fold_pred, rate = predict_labels(model, [examples[i] for i in test_idx])
        rates.append(rate)
        for k, j in enumerate(present):
            predicted[test_idx, j] = fold_pred[:, k]
    return _report(predicted, y, labels, train_seconds / folds, float(np.mean(rates)), folds)
