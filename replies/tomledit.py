"""Setting a few keys in one [[template]] table of a TOML file, leaving every other byte alone.

Template files are reviewed in git, so approving one must produce a diff of the approval lines
only: comments, layout and the other templates are kept. The edit is checked by parsing the
result and comparing it with the intended data; anything unexpected is refused.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

TomlValue = str | date

_HEADER = re.compile(r"\s*\[\[\s*template\s*\]\]\s*(?:#.*)?")
_TABLE = re.compile(r"\s*\[")
_KEY = re.compile(r"\s*([A-Za-z0-9_\-]+)\s*=")


class EditError(ValueError):
    """The file could not be changed safely; it was left as it was."""


@dataclass(frozen=True)
class _Line:
    text: str
    in_string: bool  # starts inside a multi-line string
    opens_string: bool  # ends inside a multi-line string


def _scan(lines: list[str]) -> list[_Line]:
    """Mark which lines start or end inside a multi-line string (a tiny TOML tokenizer)."""
    scanned: list[_Line] = []
    delimiter: str | None = None
    for text in lines:
        starts_inside = delimiter is not None
        i = 0
        while i < len(text):
            if delimiter is not None:
                if delimiter == '"""' and text[i] == "\\":
                    i += 2
                    continue
                if text.startswith(delimiter, i):
                    i += 3
                    while i < len(text) and text[i] == delimiter[0]:  # up to two extra quotes
                        i += 1
                    delimiter = None
                    continue
                i += 1
                continue
            char = text[i]
            if char == "#":
                break
            if text.startswith('"""', i) or text.startswith("'''", i):
                delimiter = text[i : i + 3]
                i += 3
            elif char in "\"'":
                i = _skip_single(text, i)
            else:
                i += 1
        scanned.append(_Line(text, starts_inside, delimiter is not None))
    return scanned


def _skip_single(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while i < len(text) and text[i] != quote:
        i += 2 if quote == '"' and text[i] == "\\" else 1
    return i + 1


def toml_value(value: TomlValue) -> str:
    """A TOML literal for a date or a single-line string."""
    if isinstance(value, date):
        return value.isoformat()
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(ch if ch >= " " and ch != "\x7f" else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'


def set_template_keys(text: str, index: int, values: dict[str, TomlValue]) -> str:
    """`text` with `values` set in its `index`-th [[template]] table (zero-based)."""
    original = tomllib.loads(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = _scan(text.splitlines(keepends=True))
    headers = [
        n for n, line in enumerate(lines) if not line.in_string and _HEADER.fullmatch(line.text)
    ]
    others = [
        n
        for n, line in enumerate(lines)
        if not line.in_string and _TABLE.match(line.text) and n not in headers
    ]
    if index >= len(headers) or others:
        raise EditError("the file has tables other than [[template]]; edit it by hand")
    end = headers[index + 1] if index + 1 < len(headers) else len(lines)
    body = lines[headers[index] : end]
    kept = [
        line
        for line in body
        if line.in_string
        or line.opens_string
        or not (match := _KEY.match(line.text))
        or match.group(1) not in values
    ]
    content = [
        n
        for n, line in enumerate(kept)
        if line.in_string or (line.text.strip() and not line.text.lstrip().startswith("#"))
    ]
    at = content[-1] + 1
    if not kept[at - 1].text.endswith(("\n", "\r")):
        kept[at - 1] = _Line(kept[at - 1].text + newline, False, False)
    added = [_Line(f"{key} = {toml_value(v)}{newline}", False, False) for key, v in values.items()]
    new_lines = [*lines[: headers[index]], *kept[:at], *added, *kept[at:], *lines[end:]]
    result = "".join(line.text for line in new_lines)
    expected = copy.deepcopy(original)
    expected["template"][index].update(values)
    try:
        if tomllib.loads(result) == expected:
            return result
    except tomllib.TOMLDecodeError:
        pass
    raise EditError("could not update the file without changing other content; edit it by hand")


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, so an interrupted write never leaves half a file."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
