"""Escalation files for the CX team: CSV that Excel opens safely, typed XLSX, JSON Lines.

Cells come from customers, so a CSV cell starting with `=`, `+`, `-`, `@`, tab or CR is
prefixed with an apostrophe (OWASP's advice against formula injection). Files are created
with mode 0600 and written atomically.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from inbox.export.rows import COLUMNS, EscalationRow

FORMATS = ("csv", "xlsx", "jsonl")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 (and so XLSX) cannot hold most C0 control characters.
_XML_BAD = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)], " ")


def neutralise(value: str) -> str:
    """A cell Excel and Sheets show as text, never evaluate."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def csv_bytes(rows: Sequence[EscalationRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        values = row.as_dict()
        writer.writerow([neutralise(_cell(values[c])) for c in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8", "surrogatepass")  # BOM: Excel reads UTF-8


def jsonl_bytes(rows: Sequence[EscalationRow]) -> bytes:
    lines = [json.dumps(r.as_dict(), ensure_ascii=False) for r in rows]
    return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8", "surrogatepass")


def xlsx_bytes(rows: Sequence[EscalationRow]) -> bytes:
    from openpyxl import Workbook  # imported here: only XLSX exports pay for it

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Escalations"
    sheet.append(list(COLUMNS))
    for row in rows:
        values = row.as_dict()
        cells: list[Any] = []
        for column in COLUMNS:
            value = getattr(row, column)
            if isinstance(value, datetime):
                cells.append(value.replace(tzinfo=None))  # Excel has no zones: UTC, said in header
            elif isinstance(value, int | float) or value is None:
                cells.append(value)
            else:
                cells.append(neutralise(_cell(values[column])).translate(_XML_BAD))
        sheet.append(cells)
    for cell in sheet[1]:
        cell.value = (
            f"{cell.value} (UTC)" if cell.value in ("created", "escalated_at") else cell.value
        )
    for letter, width in zip(
        "ABCDEFGHIJKLMNOPQ",
        (8, 30, 30, 11, 24, 18, 6, 20, 60, 24, 24, 9, 10, 30, 18, 14, 20),
        strict=False,
    ):
        sheet.column_dimensions[letter].width = width
    for row_cells in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        for c in row_cells:
            c.number_format = "0"
    for column in ("H", "Q"):
        for c in sheet[column][1:]:
            c.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def render(rows: Sequence[EscalationRow], fmt: str) -> bytes:
    if fmt == "csv":
        return csv_bytes(rows)
    if fmt == "xlsx":
        return xlsx_bytes(rows)
    if fmt == "jsonl":
        return jsonl_bytes(rows)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def write_private(path: Path, data: bytes) -> None:
    """Write atomically, readable by the owner only (exports hold customers' words)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.chmod(tmp, 0o600)
    tmp.replace(path)
