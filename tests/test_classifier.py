"""The classifier: normalisation, features, thresholds, rules with reasons, explain, skops,
learning from corrections, and evaluation of any labeled file."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import skops.io as sio
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_reference import reference_rule_hits
from sqlalchemy.engine import Engine

from classifier.corpus import CorpusError, heldout_examples, read_jsonl, seed_examples
from classifier.fastfeatures import TextFeatures
from classifier.model import (
    Example,
    FeatureConfig,
    Features,
    ItemText,
    ThemeModel,
    choose_thresholds,
    model_text,
)
from classifier.normalize import normalize
from classifier.predict import Classifier, rule_hits
from classifier.rulegate import required_strings
from classifier.store import ModelFileError, load_model, save_model
from classifier.taxonomy import TaxonomyError, load_taxonomy, parse_taxonomy
from inbox.classify import classify_items, model_labels, train
from inbox.config import Config
from inbox.db import session_scope
from inbox.ingest import ensure_account, ingest
from inbox.service import InboxService
from inbox.training import evaluate_command
from sources.base import Platform, Review

TAXONOMY = load_taxonomy()


def test_normalize() -> None:
    assert normalize("Paisa NHI aaya abhi tak 😡😡 bhai!!!!") == (
        "paisa nahi aaya abhi tak emoji_enraged_face emoji_enraged_face bhai!!"
    )
    assert normalize("Soooo goood app h pls add EMI") == "soo good app hai please add emi"
    # control characters and bidi overrides never reach the model or the rules
    assert normalize("पैसा नहीं\u202e आया\x1b[31m") == "पैसा नहीं आया [31m"
    assert normalize("₹5000 nahin mila") == "rs 5000 nahi mila"


def test_seed_and_heldout_are_complete_and_separate() -> None:
    seed, held = seed_examples(), heldout_examples()
    assert len(seed) >= 1500
    for theme in TAXONOMY.theme_ids:
        assert sum(theme in ex.labels for ex in seed) >= 80, theme
    assert not {ex.item.text for ex in seed} & {ex.item.text for ex in held}
    assert len({ex.item.text for ex in seed}) == len(seed)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=80), min_size=1, max_size=6)
)
def test_fast_transform_equals_sklearn(texts: list[str]) -> None:
    features = Features(FeatureConfig(min_df=1, max_char_features=None))
    features.fit_transform([ItemText(t) for t in ["payment nahi aaya", "पैसा नहीं आया 😡", *texts]])
    normalized = [model_text(ItemText(t)) for t in texts]
    fast = TextFeatures(features.word, features.char)
    for _ in range(2):  # the second pass reads every token from the table
        for fast_block, vectorizer in zip(
            fast.transform(normalized), (features.word, features.char), strict=True
        ):
            slow = vectorizer.transform(normalized)
            assert fast_block.shape == slow.shape
            assert np.allclose(fast_block.toarray(), slow.toarray(), atol=1e-6)
    # Scoring takes a shortcut (idf in the weights, row norms on the scores): same numbers.
    rng = np.random.default_rng(0)
    word_weights = rng.normal(size=(len(features.word.vocabulary_), 3))
    char_weights = rng.normal(size=(len(features.char.vocabulary_), 3))
    expected = features.word.transform(normalized) @ word_weights + (
        features.char.transform(normalized) @ char_weights
    )
    got = fast.linear(normalized, word_weights, char_weights)
    assert np.allclose(got, expected, atol=1e-5)


def test_thresholds_maximise_f1_per_label() -> None:
    scores = np.array([[0.9, 0.2], [0.7, 0.35], [0.4, 0.3], [0.1, 0.8]])
    truth = np.array([[1, 0], [1, 1], [0, 1], [0, 1]])
    thresholds = choose_thresholds(scores, truth, [1.0, 1.0])
    assert 0.4 < thresholds[0] <= 0.7
    assert thresholds[1] <= 0.3


def test_rules_give_reasons_and_respect_negation() -> None:
    def hits(text: str) -> list[tuple[str, str]]:
        return rule_hits(TAXONOMY, normalize(text))

    assert hits("I will file a case in consumer court") == [("legal_threat", "consumer court")]
    assert hits("7 din ho gaye paisa nhi aaya") == [("money_not_received", "paisa nahi aaya")]
    assert hits("Fraud app. They cheated me of 3000") == [("fraud_allegation", "fraud app")]
    assert hits("Not a scam, money came in 2 minutes") == []
    assert hits("pehle laga tha fraud hoga lol, paisa aa gaya") == []
    assert hits("staff ne koi badtameezi nahi ki") == []


@pytest.fixture
def model(seed_model_path: Path) -> ThemeModel:
    return load_model(seed_model_path)


def test_model_predicts_themes_multi_label_and_escalation(model: ThemeModel) -> None:
    clf = Classifier(TAXONOMY, model)
    payment, multi, spam = clf.predict(
        [
            ItemText(
                "Phone pickup ho gaya 8 din pehle, paisa abhi tak nahi aaya. "
                "Customer care koi jawab nahi deta",
                rating=1,
                platform="google_play",
            ),
            ItemText(
                "Quote was 20k, at pickup the executive cut it to 12k, "
                "and the app crashed when I tried to cancel",
                rating=1,
            ),
            ItemText("Follow my page for free followers 🔥🔥 link in bio", platform="instagram"),
        ]
    )
    assert {"payment", "support"} <= set(dict(payment.themes))
    assert payment.escalate
    assert any(r.startswith("rule money_not_received matched") for r in payment.reasons)
    assert {"price_cut", "app_bug"} <= set(dict(multi.themes))
    assert [t for t, _s in spam.themes] == ["spam"]
    assert not spam.escalate
    assert payment.taxonomy_version == TAXONOMY.version


def test_scoring_from_many_threads_matches_one_thread(model: ThemeModel) -> None:
    """Sources are polled in threads that share one model (and its growing token table)."""
    texts = [ex.item for ex in heldout_examples()]
    expected = model.scores(texts)
    # The fast scoring path gives sklearn's own probabilities.
    slow = model.classifier.predict_proba(model.features.transform(texts))
    assert np.allclose(expected, slow, atol=1e-5)
    model.features._fast = None  # cold tables: every thread adds tokens at once
    chunks = [texts[i::6] for i in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(model.scores, chunks))
    for i, got in enumerate(results):
        assert np.allclose(got, expected[i::6], atol=1e-6)


def test_explain_names_the_words(model: ThemeModel) -> None:
    clf = Classifier(TAXONOMY, model)
    why = clf.explain(ItemText("OTP nahi aa raha, login nahi ho raha 2 din se"))
    assert "login_otp" in why
    terms = [term for term, weight in why["login_otp"]]
    assert any("otp" in t or "login" in t for t in terms)
    assert all(weight > 0 for _t, weight in why["login_otp"])


def test_skops_round_trip_and_refusal(model: ThemeModel, tmp_path: Path) -> None:
    path = tmp_path / "model.skops"
    save_model(model, path)
    loaded = load_model(path)
    items = [ItemText("money not received"), ItemText("बहुत अच्छी सर्विस 👍")]
    assert np.allclose(loaded.scores(items), model.scores(items))
    assert loaded.metadata["training_set_hash"] == model.metadata["training_set_hash"]
    assert loaded.metadata["taxonomy_version"] == TAXONOMY.version

    evil = tmp_path / "evil.skops"
    from sklearn.decomposition import PCA  # a type no model file contains

    sio.dump({"format": 1, "classifier": PCA()}, evil)
    with pytest.raises(ModelFileError, match=r"refusing to load types.*PCA"):
        load_model(evil)
    incomplete = tmp_path / "incomplete.skops"
    sio.dump({"format": 1, "labels": ["a"]}, incomplete)
    with pytest.raises(ModelFileError, match="incomplete model file"):
        load_model(incomplete)
    (tmp_path / "junk.skops").write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="not a model file"):
        load_model(tmp_path / "junk.skops")


def test_classify_items_keeps_human_tags_and_escalates(engine: Engine, model: ThemeModel) -> None:
    clf = Classifier(TAXONOMY, model)
    with session_scope(engine) as s:
        acct = ensure_account(s, "play", Platform.GOOGLE_PLAY)
        report = ingest(
            s,
            acct,
            [
                Review(
                    Platform.GOOGLE_PLAY,
                    "a",
                    "Paisa nahi aaya 10 din se, consumer court jaunga",
                    {},
                    rating=1,
                ),
                Review(Platform.GOOGLE_PLAY, "b", "Smooth pickup, great price 👍", {}, rating=5),
            ],
        )
    ids = report.changed_ids
    service = InboxService(engine, Config())
    service.add_tag(ids[1], "feature_request")
    first = classify_items(engine, clf, ids)
    assert (first.classified, first.escalated) == (2, 1)
    again = classify_items(engine, clf, ids)
    assert again.escalated == 0  # escalated once, not every time
    a, b = service.get_item(ids[0]), service.get_item(ids[1])
    assert a.item.status == "escalated"
    assert "payment" in a.themes
    assert any("consumer court" in r for r in a.escalations[0].reasons)
    assert "feature_request" in b.themes and "praise" in b.themes
    model_tags = [t for t in b.tags if t.origin == "model"]
    assert len(model_tags) == len({t.theme for t in model_tags})  # replaced, not duplicated


def test_training_gives_the_same_model_every_time_even_from_threads_at_once() -> None:
    """liblinear shuffles with one process-wide generator: labels or models fitted on threads
    at once, or without a seed, get different coefficients each time."""
    examples = seed_examples()[:300]
    present = {label for ex in examples for label in ex.labels}
    labels = [label for label in model_labels(TAXONOMY) if label in present]

    def coefficients() -> np.ndarray:
        model = ThemeModel.train(examples, labels, taxonomy_version="x")
        return np.concatenate([e.coef_.ravel() for e in model.classifier.estimators_])

    first = coefficients()
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(lambda _n: coefficients(), range(2)))
    assert len(labels) > 10
    for other in together:
        assert np.array_equal(first, other)


def test_retrain_from_corrections_changes_a_prediction(sqlite_engine: Engine) -> None:
    """Five human retags of an unseen product word teach the model that word."""
    with session_scope(sqlite_engine) as s:
        acct = ensure_account(s, "play", Platform.GOOGLE_PLAY)
        texts = [f"zorbex {w} zorbex" for w in ("please", "kab", "when", "jaldi", "soon")]
        report = ingest(
            s,
            acct,
            [Review(Platform.GOOGLE_PLAY, f"z{n}", t, {}, rating=3) for n, t in enumerate(texts)],
        )
    service = InboxService(sqlite_engine, Config())
    for item_id in report.changed_ids:
        service.add_tag(item_id, "feature_request")
    probe = ItemText("zorbex zorbex", rating=3)
    base = ThemeModel.train(seed_examples(), model_labels(TAXONOMY), taxonomy_version="x")
    retrained = train(Config(), sqlite_engine, TAXONOMY)
    j = base.labels.index("feature_request")
    assert retrained.metadata["examples"] == base.metadata["examples"] + 5
    assert retrained.scores([probe])[0, j] > base.scores([probe])[0, j] + 0.2


def test_evaluate_on_a_tiny_csv(tmp_path: Path) -> None:
    rows = ["review,labels"]
    good = ["love it", "great app", "super fast", "best ever", "so good", "amazing work"]
    bad = [
        "crashes daily",
        "app crash",
        "keeps crashing",
        "crash on start",
        "bug crash",
        "crash again",
    ]
    for n in range(4):
        rows += [f"{t} {n},praise" for t in good] + [f'"{t} {n}",bug|crash' for t in bad]
    path = tmp_path / "tiny.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    report = evaluate_command(
        Config(),
        data=path,
        test=None,
        heldout=False,
        text_column="review",
        label_column="labels",
        title_column=None,
        rating_column=None,
        folds=4,
    )
    by_label = {m.label: m for m in report.labels}
    assert set(by_label) == {"praise", "bug", "crash"}
    assert by_label["praise"].support == 24
    assert report.macro_f1 > 0.9
    assert report.folds == 4
    assert json.loads(json.dumps(report.as_dict()))["examples"] == 48


def test_bad_taxonomy_and_corpus_are_clear_errors() -> None:
    with pytest.raises(
        TaxonomyError, match=r"escalation\[0\]\.patterns: '\(' is not a valid regex"
    ):
        parse_taxonomy(
            {
                "version": "1",
                "themes": [{"id": "a", "name": "A"}],
                "escalation": [{"id": "x", "name": "X", "patterns": ["("]}],
            },
            "tax.toml",
        )
    with pytest.raises(TaxonomyError, match="no \\[\\[themes\\]\\]"):
        parse_taxonomy({"version": "1"}, "tax.toml")
    with pytest.raises(CorpusError, match="line 2: not JSON"):
        read_jsonl('{"text": "ok", "themes": ["a"]}\n{broken', "c.jsonl")


def test_untrained_label_is_refused() -> None:
    examples = [
        Example(ItemText("hello"), frozenset({"a"})),
        Example(ItemText("bye"), frozenset({"a"})),
    ]
    with pytest.raises(ValueError, match="no training example for: b"):
        ThemeModel.train(examples, ["a", "b"], taxonomy_version="x")


def test_model_file_path_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from inbox.classify import model_path

    monkeypatch.setenv("INBOX_CLASSIFIER_MODEL", str(tmp_path / "m.skops"))
    assert model_path(Config()) == tmp_path / "m.skops"


def test_repeat_and_high_reach_authors_escalate(engine: Engine, model: ThemeModel) -> None:
    from datetime import UTC, datetime, timedelta

    clf = Classifier(TAXONOMY, model)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    with session_scope(engine) as s:
        acct = ensure_account(s, "gbp", Platform.GBP)
        report = ingest(
            s,
            acct,
            [
                Review(
                    Platform.GBP,
                    "r1",
                    "Store staff was slow",
                    {},
                    rating=2,
                    author="Kavya R",
                    created_at=t0,
                ),
                Review(
                    Platform.GBP,
                    "r2",
                    "Again waited an hour at the counter",
                    {},
                    rating=1,
                    author="kavya r",
                    created_at=t0 + timedelta(days=10),
                ),
                Review(
                    Platform.GBP,
                    "r3",
                    "Waited long",
                    {},
                    rating=2,
                    author="Someone Else",
                    created_at=t0 + timedelta(days=10),
                ),
                Review(
                    Platform.GBP,
                    "r4",
                    "Nice store",
                    {},
                    rating=5,
                    author="Tech Guru",
                    created_at=t0,
                    extra={"followers_count": 1_200_000},
                ),
                # Not ASCII: the database folds the case (SQLite: ASCII only), so must we.
                Review(Platform.GBP, "r5", "Rude", {}, rating=1, author="ÉMILIE D", created_at=t0),
                Review(
                    Platform.GBP,
                    "r6",
                    "Rude again",
                    {},
                    rating=2,
                    author="Émilie D",
                    created_at=t0 + timedelta(days=3),
                ),
            ],
        )
    classify_items(engine, clf, report.changed_ids)
    service = InboxService(engine, Config())
    reasons = {
        service.get_item(i).item.external_id: [
            r for e in service.get_item(i).escalations for r in e.reasons
        ]
        for i in report.changed_ids
    }
    assert any(r.startswith("repeated_complaint: 2 complaints by") for r in reasons["r2"])
    assert any(r.startswith("repeated_complaint") for r in reasons["r1"])
    assert not any(r.startswith("repeated_complaint") for r in reasons["r3"])
    assert any(r.startswith("repeated_complaint: 2 complaints by") for r in reasons["r6"])
    assert reasons["r4"] == ["high_reach_author: Tech Guru has 1,200,000 followers"]


def _reference_predictions(clf: Classifier, items: list[ItemText]) -> list[tuple[Any, ...]]:
    model, taxonomy = clf.model, clf.taxonomy
    scores = model.scores(items)
    out = []
    for row, item in enumerate(items):
        by_label = {label: float(scores[row, j]) for j, label in enumerate(model.labels)}
        themes = sorted(
            (
                (label, by_label[label])
                for j, label in enumerate(model.labels)
                if not label.startswith("esc:") and by_label[label] >= model.thresholds[j]
            ),
            key=lambda pair: -pair[1],
        )
        hits = reference_rule_hits(taxonomy, model_text(item))
        ids = [reason_id for reason_id, _ in hits]
        reasons = [f"rule {reason_id} matched '{matched[:60]}'" for reason_id, matched in hits]
        for label in model.labels:
            reason_id = label.removeprefix("esc:")
            if label.startswith("esc:") and by_label[label] >= model.escalation_threshold:
                reason = taxonomy.reason(reason_id)
                name = reason.name.lower() if reason else reason_id
                reasons.append(f"model: {name} {by_label[label]:.2f}")
                if reason_id not in ids:
                    ids.append(reason_id)
        out.append((tuple(themes), by_label, bool(ids), tuple(ids), tuple(reasons)))
    return out


def test_predictions_equal_the_straightforward_path(model: ThemeModel) -> None:
    """Normalising once, per-reason prefilters and patterns-before-unless change nothing."""
    items = [ex.item for ex in heldout_examples()] + [ex.item for ex in seed_examples()[::3]]
    items += [ItemText("Not a scam, money came in 2 minutes"), ItemText("")]
    clf = Classifier(TAXONOMY, model)
    predictions = clf.predict(items)
    got = [(p.themes, p.scores, p.escalate, p.escalation_ids, p.reasons) for p in predictions]
    expected = _reference_predictions(clf, items)
    assert got == expected
    assert sum(1 for p in got if p[2]) >= 20  # the set exercises the rules, not only themes


def test_rules_without_a_literal_gate_match_the_same() -> None:
    """A backreference gives the gate nothing: the pattern is searched wherever its literal
    parts allow."""
    data = {
        "version": "t1",
        "themes": [{"id": "other", "name": "Other"}],
        "escalation": [
            {"id": "echo", "name": "Echo", "patterns": [r"\b(\w+) \1\b", "never paid"]},
            {"id": "paid", "name": "Paid", "patterns": ["paid"], "unless": ["paid back"]},
        ],
    }
    taxonomy = parse_taxonomy(data, "test")
    # Of `\b(\w+) \1\b` the gate knows only that a match holds a space.
    assert required_strings(taxonomy.escalation[0].patterns[0]) == (frozenset({" "}),)
    for text in ["bye bye they never paid", "they paid back", "never paid", "all good", "", "x x"]:
        assert rule_hits(taxonomy, text) == reference_rule_hits(taxonomy, text)
