"""Classifier speed: `python bench/bench_classifier.py [N]`.

Prints training time on the seed corpus, and predict throughput (single process) on N texts
of about 200 characters for our model and for a bare scikit-learn baseline measured in the
same run: TF-IDF word 1-2-grams + char_wb 2-5-grams, one-vs-rest logistic regression.
"""

from __future__ import annotations

import random
import sys
import time

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion

from classifier.corpus import heldout_examples, seed_examples
from classifier.model import ItemText, ThemeModel, label_matrix
from classifier.normalize import clear_caches
from classifier.taxonomy import ESCALATION_PREFIX, load_taxonomy


def texts_of_200_chars(pool: list[str], n: int, seed: int = 1) -> list[str]:
    """Distinct ~200-character texts cut from real reviews (so words repeat as in life)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        text = ""
        while len(text) < 200:
            text += " " + rng.choice(pool)
        start = rng.randrange(0, max(1, len(text) - 200))
        out.append(text[start : start + 200].strip())
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    taxonomy = load_taxonomy()
    train = seed_examples()
    labels = list(taxonomy.theme_ids) + [
        ESCALATION_PREFIX + r.id for r in taxonomy.escalation if r.patterns
    ]
    t0 = time.perf_counter()
    model = ThemeModel.train(train, labels, taxonomy_version=taxonomy.version)
    train_seconds = time.perf_counter() - t0
    pool = [ex.item.text for ex in train + heldout_examples()]
    texts = texts_of_200_chars(pool, n)
    items = [ItemText(text=t, rating=4, platform="google_play") for t in texts]

    clear_caches()
    model.features._fast = None  # cold word tables, as in a fresh process
    t1 = time.perf_counter()
    ours = model.scores(items)
    ours_rate = n / (time.perf_counter() - t1)

    baseline_features = FeatureUnion(
        [
            ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
        ]
    )
    x_train = baseline_features.fit_transform([ex.item.text for ex in train])
    baseline = OneVsRestClassifier(LogisticRegression(max_iter=2000, solver="liblinear"))
    baseline.fit(x_train, label_matrix(train, labels))
    t2 = time.perf_counter()
    baseline.predict_proba(baseline_features.transform(texts))
    base_rate = n / (time.perf_counter() - t2)

    print(f"seed corpus: {len(train)} examples, {len(labels)} labels")
    print(
        f"training (with {model.metadata['config']['folds']}-fold threshold search): "
        f"{train_seconds:.1f} s"
    )
    print(f"predict, {n} texts of ~200 chars, one process:")
    print(f"  review-inbox model : {ours_rate:8.0f} items/s")
    print(f"  sklearn baseline   : {base_rate:8.0f} items/s")
    print(f"  ratio              : {ours_rate / base_rate:8.2f}x")
    print(f"  mean labels/text   : {float(np.mean((ours >= model.thresholds).sum(axis=1))):.2f}")


if __name__ == "__main__":
    main()
