"""The theme and escalation model: TF-IDF word and character n-grams, star rating and platform,
one-vs-rest logistic regression, per-label thresholds chosen by cross-validation.

Labels are the taxonomy's theme ids plus `esc:<reason>` for each text-borne escalation reason,
so one model scores both, and one explanation method serves both.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier

from classifier.fastfeatures import TextFeatures
from classifier.normalize import normalize
from classifier.romanize import has_devanagari, romanize

# Words in Devanagari carry combining vowel signs, which `\w` does not match.
TOKEN_PATTERN = r"[\w\u0900-\u097F]+"  # noqa: S105 (a regex, not a password)
THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.025), 3)


@dataclass(frozen=True)
class ItemText:
    """What the model sees of an item."""

    text: str
    title: str | None = None
    rating: int | None = None
    platform: str | None = None


@dataclass(frozen=True)
class Example:
    item: ItemText
    labels: frozenset[str]


@dataclass(frozen=True)
class FeatureConfig:
    """Feature settings, chosen by measurement (bench/bench_classifier.py)."""

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    min_df: int = 2
    max_char_features: int | None = 60_000
    c: float = 32.0  # best of 2, 8, 32 by 5-fold CV on the seed corpus
    folds: int = 5
    romanize_hindi: bool = True  # see classifier/romanize.py


def model_text(item: ItemText, *, romanized: bool = True) -> str:
    """What the model and the rules read: title and text, normalised; Hindi in Devanagari
    also gets a romanised copy, so it meets the Hinglish training rows."""
    raw = f"{item.title}. {item.text}" if item.title else item.text
    if romanized and has_devanagari(raw):
        raw = f"{raw} {romanize(raw)}"
    return normalize(raw)


def meta_features(item: ItemText) -> dict[str, float]:
    out: dict[str, float] = {f"platform={item.platform or 'unknown'}": 1.0}
    out["rating=" + (str(item.rating) if item.rating else "none")] = 1.0
    return out


@dataclass
class Features:
    """Turns items into one sparse matrix: word n-grams | char n-grams | rating & platform."""

    config: FeatureConfig
    word: TfidfVectorizer = field(init=False)
    char: TfidfVectorizer = field(init=False)
    meta: DictVectorizer = field(init=False)
    _fast: TextFeatures | None = field(init=False, default=None, repr=False)
    _fast_source: tuple[TfidfVectorizer, TfidfVectorizer] | None = field(
        init=False, default=None, repr=False
    )

    def __post_init__(self) -> None:
        c = self.config
        self.word = TfidfVectorizer(
            ngram_range=c.word_ngrams,
            token_pattern=TOKEN_PATTERN,
            min_df=c.min_df,
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float32,
        )
        self.char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=c.char_ngrams,
            min_df=c.min_df,
            max_features=c.max_char_features,
            sublinear_tf=True,
            lowercase=False,
            dtype=np.float32,
        )
        self.meta = DictVectorizer(dtype=np.float32)

    def fit_transform(self, items: Sequence[ItemText]) -> sp.csr_matrix:
        texts = [self._text(i) for i in items]
        return sp.hstack(
            [
                self.word.fit_transform(texts),
                self.char.fit_transform(texts),
                self.meta.fit_transform([meta_features(i) for i in items]),
            ],
            format="csr",
        )

    def _text(self, item: ItemText) -> str:
        return model_text(item, romanized=self.config.romanize_hindi)

    def _text_features(self) -> TextFeatures:
        source = (self.word, self.char)
        if self._fast is None or self._fast_source != source:
            self._fast, self._fast_source = TextFeatures(self.word, self.char), source
        return self._fast

    def blocks(self, items: Sequence[ItemText]) -> list[sp.csr_matrix]:
        """The three feature blocks, unstacked."""
        word, char = self._text_features().transform([self._text(i) for i in items])
        return [word, char, self.meta.transform([meta_features(i) for i in items])]

    def linear(
        self, items: Sequence[ItemText], weights: np.ndarray, texts: Sequence[str] | None = None
    ) -> np.ndarray:
        """`transform(items) @ weights`, without building the tf-idf matrices; `texts` are
        the items' `model_text`s when the caller has them already."""
        n_word, n_char = len(self.word.vocabulary_), len(self.char.vocabulary_)
        if texts is None:
            texts = [self._text(i) for i in items]
        z = self._text_features().linear(texts, weights[:n_word], weights[n_word : n_word + n_char])
        # Rating and platform are one-hot: add their weight rows (values are all 1.0).
        vocabulary: dict[str, int] = self.meta.vocabulary_
        rows, columns = [], []
        for row, item in enumerate(items):
            for key in meta_features(item):
                column = vocabulary.get(key)
                if column is not None:
                    rows.append(row)
                    columns.append(column)
        np.add.at(z, rows, weights[n_word + n_char :][columns])
        return np.asarray(z)

    def transform(self, items: Sequence[ItemText]) -> sp.csr_matrix:
        return sp.hstack(self.blocks(items), format="csr")

    def names(self) -> list[str]:
        return (
            [f"word:{w}" for w in self.word.get_feature_names_out()]
            + [f"char:{c}" for c in self.char.get_feature_names_out()]
            + [f"meta:{m}" for m in self.meta.get_feature_names_out()]
        )


def _classifier(config: FeatureConfig, *, dual: bool = False) -> OneVsRestClassifier:
    # One label after the other, with a fixed seed. liblinear's dual solver shuffles with one
    # process-wide random generator, so labels fitted on threads at once (as they were: 25%
    # faster on 2 cores) race on it and get coefficients that differ from run to run
    # (scikit-learn #31883, #8410); the seed makes the same examples give the same model.
    return OneVsRestClassifier(
        LogisticRegression(
            C=config.c,
            class_weight="balanced",
            max_iter=2000,
            solver="liblinear",
            dual=dual,
            random_state=0,
        )
    )


# Fits in threads of one process (a poll's sources, the inbox window) share that generator too.
_LIBLINEAR = threading.Lock()


def _fit(config: FeatureConfig, x: sp.csr_matrix, y: np.ndarray) -> OneVsRestClassifier:
    # The dual problem is the same model, solved 2-3x faster when features outnumber rows
    # (as with a few thousand reviews).
    with _LIBLINEAR:
        return _classifier(config, dual=x.shape[0] < x.shape[1]).fit(x, y)


def label_matrix(examples: Sequence[Example], labels: Sequence[str]) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    y = np.zeros((len(examples), len(labels)), dtype=np.int8)
    for row, ex in enumerate(examples):
        for label in ex.labels:
            if label in index:
                y[row, index[label]] = 1
    return y


def _fit_scores(
    x_train: sp.csr_matrix, y_train: np.ndarray, x_test: sp.csr_matrix, config: FeatureConfig
) -> np.ndarray:
    """Probabilities for x_test; a label absent from the training fold scores 0."""
    scores = np.zeros((x_test.shape[0], y_train.shape[1]), dtype=np.float64)
    present = [j for j in range(y_train.shape[1]) if 0 < y_train[:, j].sum() < len(y_train)]
    if present:
        clf = _fit(config, x_train, y_train[:, present])
        scores[:, present] = clf.predict_proba(x_test)
    return scores


def out_of_fold_scores(
    examples: Sequence[Example], labels: Sequence[str], config: FeatureConfig, seed: int = 0
) -> np.ndarray:
    """Scores for every example from a model that never saw it (k-fold)."""
    y = label_matrix(examples, labels)
    scores = np.zeros(y.shape, dtype=np.float64)
    folds = KFold(n_splits=min(config.folds, len(examples)), shuffle=True, random_state=seed)
    items = [ex.item for ex in examples]
    for train_idx, test_idx in folds.split(items):
        features = Features(config)
        x_train = features.fit_transform([items[i] for i in train_idx])
        x_test = features.transform([items[i] for i in test_idx])
        scores[test_idx] = _fit_scores(x_train, y[train_idx], x_test, config)
    return scores


def _f_beta(tp: int, fp: int, fn: int, beta: float) -> float:
    b2 = beta * beta
    denominator = (1 + b2) * tp + b2 * fn + fp
    return (1 + b2) * tp / denominator if denominator else 0.0


def choose_thresholds(scores: np.ndarray, y: np.ndarray, betas: Sequence[float]) -> np.ndarray:
    """Per label, the threshold with the best F-beta on out-of-fold scores (beta > 1 favours
    recall: used for escalation, where a missed case costs more than a false alarm)."""
    chosen = np.full(y.shape[1], 0.5)
    for j in range(y.shape[1]):
        truth = y[:, j].astype(bool)
        if not truth.any():
            continue
        best = -1.0
        for t in THRESHOLD_GRID:
            predicted = scores[:, j] >= t
            tp = int(np.sum(predicted & truth))
            fp = int(np.sum(predicted & ~truth))
            fn = int(np.sum(~predicted & truth))
            value = _f_beta(tp, fp, fn, betas[j])
            if value > best:
                best, chosen[j] = value, float(t)
    return chosen


def choose_any_threshold(scores: np.ndarray, y: np.ndarray, beta: float) -> float:
    """One threshold on the highest escalation score, with the best F-beta on out-of-fold
    scores; beta 2 weighs recall twice: a missed fraud claim costs more than a false alarm
    that a person dismisses in a second."""
    truth = y.any(axis=1)
    if not truth.any():
        return 1.0
    top = scores.max(axis=1)
    best_t, best = 0.5, -1.0
    for t in THRESHOLD_GRID:
        predicted = top >= t
        tp = int(np.sum(predicted & truth))
        value = _f_beta(tp, int(np.sum(predicted & ~truth)), int(np.sum(~predicted & truth)), beta)
        if value > best:
            best_t, best = float(t), value
    return best_t


@dataclass(frozen=True)
class LabelMetrics:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


def label_metrics(
    predicted: np.ndarray, y: np.ndarray, labels: Sequence[str]
) -> list[LabelMetrics]:
    out = []
    for j, label in enumerate(labels):
        p, t = predicted[:, j].astype(bool), y[:, j].astype(bool)
        tp, fp, fn = int(np.sum(p & t)), int(np.sum(p & ~t)), int(np.sum(~p & t))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.append(LabelMetrics(label, precision, recall, f1, int(t.sum())))
    return out


def training_hash(examples: Sequence[Example]) -> str:
    digest = hashlib.sha256()
    for ex in examples:
        row = [ex.item.text, ex.item.title, ex.item.rating, ex.item.platform, sorted(ex.labels)]
        digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass
class ThemeModel:
    """A fitted model with everything needed to use it and to say how good it was."""

    features: Features
    classifier: OneVsRestClassifier
    labels: list[str]
    thresholds: list[float]
    metadata: dict[str, Any]
    _weights: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    @classmethod
    def train(
        cls,
        examples: Sequence[Example],
        labels: Sequence[str],
        *,
        taxonomy_version: str,
        config: FeatureConfig | None = None,
        escalation_beta: float = 3.0,
        escalation_any_beta: float = 2.0,
    ) -> ThemeModel:
        """Fit on every example; thresholds and CV metrics come from k-fold out-of-fold scores."""
        config = config or FeatureConfig()
        started = time.perf_counter()
        y = label_matrix(examples, labels)
        missing = [label for j, label in enumerate(labels) if y[:, j].sum() == 0]
        if missing:
            raise ValueError(f"no training example for: {', '.join(missing)}")
        scores = out_of_fold_scores(examples, labels, config)
        betas = [escalation_beta if label.startswith("esc:") else 1.0 for label in labels]
        thresholds = choose_thresholds(scores, y, betas)
        esc = [j for j, label in enumerate(labels) if label.startswith("esc:")]
        escalation_threshold = (
            choose_any_threshold(scores[:, esc], y[:, esc], escalation_any_beta) if esc else 1.0
        )
        metrics = label_metrics(scores >= thresholds, y, labels)
        features = Features(config)
        x = features.fit_transform([ex.item for ex in examples])
        classifier = _fit(config, x, y)
        theme_f1 = [m.f1 for m in metrics if not m.label.startswith("esc:")]
        metadata = {
            "labels": list(labels),
            "taxonomy_version": taxonomy_version,
            "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "training_set_hash": training_hash(examples),
            "examples": len(examples),
            "config": {
                "word_ngrams": list(config.word_ngrams),
                "char_ngrams": list(config.char_ngrams),
                "min_df": config.min_df,
                "max_char_features": config.max_char_features,
                "c": config.c,
                "folds": config.folds,
                "romanize_hindi": config.romanize_hindi,
            },
            "cv": {
                "macro_f1_themes": float(np.mean(theme_f1)) if theme_f1 else 0.0,
                "labels": {
                    m.label: {
                        "precision": m.precision,
                        "recall": m.recall,
                        "f1": m.f1,
                        "support": m.support,
                    }
                    for m in metrics
                },
            },
            "escalation_threshold": escalation_threshold,
            "escalation_beta": escalation_any_beta,
            "train_seconds": round(time.perf_counter() - started, 2),
        }
        return cls(features, classifier, list(labels), [float(t) for t in thresholds], metadata)

    @property
    def escalation_threshold(self) -> float:
        return float(self.metadata.get("escalation_threshold", 0.5))

    def _stacked(self) -> tuple[np.ndarray, np.ndarray]:
        """All labels' coefficients as one matrix: one sparse product scores every label,
        instead of one pass per label as OneVsRestClassifier.predict_proba does."""
        if self._weights is None:
            estimators = self.classifier.estimators_
            weights = np.vstack([np.asarray(e.coef_).ravel() for e in estimators]).T
            bias = np.array([float(np.asarray(e.intercept_).ravel()[0]) for e in estimators])
            self._weights = (np.ascontiguousarray(weights, dtype=np.float64), bias)
        return self._weights

    def scores(self, items: Sequence[ItemText], texts: Sequence[str] | None = None) -> np.ndarray:
        """Probability of every label for every item (same values as predict_proba);
        `texts`, when given, are each item's `model_text` as the features read it."""
        if not items:
            return np.zeros((0, len(self.labels)))
        weights, bias = self._stacked()
        z = self.features.linear(items, weights, texts) + bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def explain(self, item: ItemText, label: str, top: int = 6) -> list[tuple[str, float]]:
        """The features that pushed `label` up for this item: coefficient × feature value,
        strongest first; word n-grams before character n-grams of similar weight."""
        j = self.labels.index(label)
        x = self.features.transform([item]).tocsr()
        estimator = self.classifier.estimators_[j]
        coef = np.asarray(estimator.coef_).ravel()
        names = self.features.names()
        contributions = [
            (names[i], float(coef[i] * v)) for i, v in zip(x.indices, x.data, strict=True)
        ]
        positive = sorted((c for c in contributions if c[1] > 0), key=lambda c: -c[1])
        return positive[:top]
