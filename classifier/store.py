"""Saving and loading models with skops: only the types we list are ever instantiated."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import skops.io as sio

from classifier.model import FeatureConfig, Features, ThemeModel

FORMAT = 1
# Every type a model file may contain. Anything else in a file is refused before loading:
# a model file is data, and loading it must never run someone else's code.
TRUSTED = [
    "builtins.dict",
    "builtins.list",
    "builtins.str",
    "builtins.tuple",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.float32",
    "numpy.float64",
    "numpy.int8",
    "numpy.int64",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.preprocessing._label.LabelBinarizer",
    "builtins.slice",
]


class ModelFileError(ValueError):
    """A model file that cannot or must not be loaded."""


def save_model(model: ThemeModel, path: Path) -> None:
    """Write atomically: a crash mid-write never leaves a half model where the good one was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "word": model.features.word,
        "char": model.features.char,
        "meta": model.features.meta,
        "classifier": model.classifier,
        "labels": list(model.labels),
        "thresholds": list(model.thresholds),
        "metadata_json": json.dumps(model.metadata, ensure_ascii=False),
    }
    tmp = path.with_suffix(path.suffix + ".tmp")
    sio.dump(payload, tmp)
    tmp.replace(path)


def _types_in(path: Path) -> set[str]:
    """Every type named in the file's schema, found without loading anything."""
    with zipfile.ZipFile(path) as archive:
        schema = json.loads(archive.read("schema.json"))
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def _untrusted(path: Path) -> list[str]:
    """Types outside our list: skops's own check trusts far more than a model needs."""
    listed = set(sio.get_untrusted_types(file=path)) | _types_in(path)
    return sorted(t for t in listed if t not in TRUSTED)


def load_model(path: Path) -> ThemeModel:
    """Load a model saved by `save_model`, refusing any type outside `TRUSTED`."""
    if not path.is_file():
        raise ModelFileError(f"{path}: no model file (run `inbox train`)")
    try:
        unknown = _untrusted(path)
    except Exception as exc:  # skops raises several kinds for a damaged zip
        raise ModelFileError(f"{path}: not a model file ({type(exc).__name__})") from None
    if unknown:
        raise ModelFileError(
            f"{path}: refusing to load types that a review-inbox model never contains: "
            + ", ".join(sorted(unknown))
        )
    payload: dict[str, Any] = sio.load(path, trusted=TRUSTED)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelFileError(f"{path}: not a review-inbox model (format {FORMAT})")
    needed = {"word", "char", "meta", "classifier", "labels", "thresholds", "metadata_json"}
    if needed - set(payload):
        missing = ", ".join(sorted(needed - set(payload)))
        raise ModelFileError(f"{path}: incomplete model file (no {missing})")
    metadata = json.loads(payload["metadata_json"])
    config = FeatureConfig(
        word_ngrams=tuple(metadata["config"]["word_ngrams"]),
        char_ngrams=tuple(metadata["config"]["char_ngrams"]),
        min_df=metadata["config"]["min_df"],
        max_char_features=metadata["config"]["max_char_features"],
        c=metadata["config"]["c"],
        folds=metadata["config"]["folds"],
        # Models saved before romanisation existed never used it.
        romanize_hindi=bool(metadata["config"].get("romanize_hindi", False)),
    )
    features = Features(config)
    features.word, features.char, features.meta = payload["word"], payload["char"], payload["meta"]
    return ThemeModel(
        features,
        payload["classifier"],
        list(payload["labels"]),
        [float(t) for t in payload["thresholds"]],
        metadata,
    )


def keep_previous(path: Path) -> Path | None:
    """Copy the current model aside before it is replaced (for `inbox train --rollback`)."""
    if not path.is_file():
        return None
    previous = path.with_name(path.stem + ".previous" + path.suffix)
    shutil.copy2(path, previous)
    return previous
