"""Labeled data: the shipped seed corpus, and any CSV/JSONL a user wants to evaluate on."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from classifier.model import Example, ItemText
from classifier.taxonomy import ESCALATION_PREFIX

SEED_FILES = ("seed_a.jsonl", "seed_b.jsonl", "seed_c.jsonl", "seed_d.jsonl")
HELDOUT_FILE = "heldout.jsonl"


class CorpusError(ValueError):
    """A labeled file that cannot be read; the message names the file and the row."""


def _example(row: dict[str, Any], where: str) -> Example:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{where}: 'text' is missing or empty")
    themes = row.get("themes") or []
    escalation = row.get("escalation") or []
    if not isinstance(themes, list) or not isinstance(escalation, list):
        raise CorpusError(f"{where}: 'themes' and 'escalation' must be lists")
    rating = row.get("rating")
    labels = frozenset([str(t) for t in themes] + [ESCALATION_PREFIX + str(e) for e in escalation])
    return Example(
        ItemText(
            text=text,
            title=row.get("title") or None,
            rating=int(rating) if isinstance(rating, int | float) else None,
            platform=row.get("platform"),
        ),
        labels,
    )


def read_jsonl(text: str, origin: str) -> list[Example]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{origin}, line {number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise CorpusError(f"{origin}, line {number}: not a JSON object")
        out.append(_example(row, f"{origin}, line {number}"))
    return out


def _bundled(name: str) -> str:
    return resources.files("classifier").joinpath("data", name).read_text(encoding="utf-8")


def seed_examples() -> list[Example]:
    """The shipped training corpus."""
    out: list[Example] = []
    for name in SEED_FILES:
        out.extend(read_jsonl(_bundled(name), f"(bundled) {name}"))
    return out


def heldout_examples() -> list[Example]:
    """The shipped held-out split: written separately, never trained on."""
    return read_jsonl(_bundled(HELDOUT_FILE), f"(bundled) {HELDOUT_FILE}")


@dataclass(frozen=True)
class Columns:
    text: str
    label: str
    title: str | None = None
    rating: str | None = None
    platform: str | None = None
    separator: str = "|"


def _labels(value: Any, separator: str) -> frozenset[str]:
    if isinstance(value, list):
        return frozenset(str(v).strip() for v in value if str(v).strip())
    if value is None:
        return frozenset()
    return frozenset(p.strip() for p in str(value).split(separator) if p.strip())


def _rating(value: Any) -> int | None:
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 5 else None


def read_labeled_file(path: Path, columns: Columns, encoding: str | None = None) -> list[Example]:
    """Examples from a CSV or JSONL file with a text column and a (multi-)label column.

    Labels in a CSV cell are split on `columns.separator`; several label columns may be given
    comma-separated (`class1,class2,class3`), and their values are pooled.
    """
    raw = path.read_bytes()
    text = _decode(raw, encoding, path)
    label_columns = [c.strip() for c in columns.label.split(",") if c.strip()]
    rows: Iterable[dict[str, Any]]
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    out = []
    for number, row in enumerate(rows, start=2):
        missing = [c for c in [columns.text, *label_columns] if c not in row]
        if missing:
            raise CorpusError(f"{path}: no column {', '.join(missing)} (row {number})")
        body = str(row[columns.text] or "").strip()
        if not body:
            continue
        labels: frozenset[str] = frozenset()
        for column in label_columns:
            labels |= _labels(row.get(column), columns.separator)
        if not labels:
            continue
        out.append(
            Example(
                ItemText(
                    text=body,
                    title=str(row.get(columns.title) or "") or None if columns.title else None,
                    rating=_rating(row.get(columns.rating)) if columns.rating else None,
                    platform=str(row.get(columns.platform)) if columns.platform else None,
                ),
                labels,
            )
        )
    if not out:
        raise CorpusError(f"{path}: no row has both text and a label")
    return out


def _decode(raw: bytes, encoding: str | None, path: Path) -> str:
    if encoding:
        return raw.decode(encoding)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Last resort for old exports (the URR golden set is ISO-8859-1): never fails, says so.
    return raw.decode("latin-1")
