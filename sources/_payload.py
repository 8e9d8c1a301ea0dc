"""Helpers every payload parser shares: decoding, pages, typed field access, times and stars."""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, TypeVar

from sources.base import (
    ParseError,
    ParseOptions,
    ParseResult,
    Rejected,
    Review,
    as_utc,
    record_problem,
)

# What a parser accepts: the file's bytes, its decoded text, or JSON a poller already parsed.
Payload = bytes | bytearray | str | Mapping[str, Any] | list[Any]
T = TypeVar("T")


class RecordError(Exception):
    """One record cannot be used; the message is the reason shown to the user."""


# --------------------------------------------------------------------------- decoding


def decode(data: bytes | bytearray | str) -> str:
    """Decode a file as UTF-8 or UTF-16 (BOM or not): Play Console exports are UTF-16."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    raw = bytes(data)
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(raw[3:], "utf-8")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, "utf-16")
    guessed = _utf16_without_bom(raw)
    return _strict(raw, guessed or "utf-8")


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL in every other byte of mostly-ASCII text."""
    head = raw[:2000]
    pairs = len(head) // 2
    if pairs < 2 or len(raw) % 2:
        return None
    odd = head[1::2].count(0)
    even = head[0::2].count(0)
    if odd > pairs * 0.4 and even == 0:
        return "utf-16-le"
    if even > pairs * 0.4 and odd == 0:
        return "utf-16-be"
    return None


def _strict(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        name = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
        raise ParseError(
            f"the file is not readable {name} text (byte {exc.start + 1} cannot be decoded); "
            "save it as UTF-8 or UTF-16 and import it again"
        ) from None


# --------------------------------------------------------------------------- JSON pages


@dataclass(frozen=True)
class Page:
    """One API response inside a file; `prefix` locates it ("page 2", "line 14" or "").

    `nonfinite` says the JSON text held NaN, Infinity or a number too large for a float:
    Python reads them, JSON has no such values, so records holding one are rejected.
    """

    value: object
    prefix: str = ""
    nonfinite: bool = False

    def at(self, inner: str) -> str:
        """Position of something inside this page, e.g. "page 2, reviews[7]"."""
        return f"{self.prefix}, {inner}" if self.prefix else inner

    @property
    def name(self) -> str:
        """How to point at the whole page in a message."""
        return self.prefix or "the file"


# Set by the decoder's hooks when the JSON text held NaN, Infinity or a number too large for a
# float (1e999): Python reads them, JSON has no such values. Per thread: polls run in threads.
_numbers = threading.local()


def _constant(name: str) -> float:
    _numbers.nonfinite = True
    return float(name)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        _numbers.nonfinite = True
    return value


_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_float)
_TOO_LONG = "a number with more than 4300 digits"


def _page(text: str, prefix: str = "") -> Page:
    """One JSON text as a Page; ValueError (not JSONDecodeError) for an over-long integer."""
    _numbers.nonfinite = False
    value = _DECODER.decode(text)
    return Page(value, prefix, _numbers.nonfinite)


def json_document(data: Payload) -> tuple[list[Page], list[Rejected]]:
    """Read JSON or JSON Lines; a JSONL line that is not JSON is rejected, not fatal.

    Returns one Page per JSONL line, or a single unlabelled Page for a plain document.
    """
    if isinstance(data, Mapping | list):
        return [Page(data)], []
    text = decode(data)
    if not text.strip():
        raise ParseError("the file is empty")
    try:
        return [_page(text)], []
    except RecursionError:
        raise ParseError("the JSON is nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        whole_error = exc
    except ValueError:  # Python refuses to read integers this long (CVE-2020-10735)
        raise ParseError(f"the JSON holds {_TOO_LONG}, which cannot be read") from None
    lines = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    if len(lines) < 2:
        raise _not_json(whole_error)
    pages: list[Page] = []
    rejected: list[Rejected] = []
    for number, line in lines:
        try:
            pages.append(_page(line, f"line {number}"))
        except RecursionError:
            rejected.append(Rejected(f"line {number}", "the JSON is nested too deeply", line))
        except json.JSONDecodeError as exc:
            reason = f"line {number} is not valid JSON ({exc.msg} at column {exc.colno})"
            rejected.append(Rejected(f"line {number}", reason, line))
        except ValueError:
            reason = f"line {number} holds {_TOO_LONG}, which cannot be read"
            rejected.append(Rejected(f"line {number}", reason, line))
    if not pages:
        raise _not_json(whole_error)
    return pages, rejected


def _not_json(exc: json.JSONDecodeError) -> ParseError:
    return ParseError(
        f"the file is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    )


def json_pages(data: Payload) -> tuple[list[Page], list[Rejected]]:
    """Pages of an API-response file: a top-level array holds several saved responses."""
    pages, rejected = json_document(data)
    if len(pages) == 1 and not pages[0].prefix and isinstance(pages[0].value, list):
        items, nonfinite = pages[0].value, pages[0].nonfinite
        pages = [Page(v, f"page {i}", nonfinite) for i, v in enumerate(items, 1)]
    for page in pages:
        if page.prefix == "" and not isinstance(page.value, Mapping):
            raise ParseError(f"the file holds {describe(page.value)}, not a JSON object or list")
    return pages, rejected


def entries(obj: Mapping[str, Any], key: str) -> list[tuple[str, object]]:
    """The items under `key` with their positions; one item saved as an object counts too."""
    value = obj.get(key)
    if value is None:
        return []
    if isinstance(value, list):
        return [(f"{key}[{i}]", item) for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        return [(key, value)]
    raise RecordError(f"{key} is {describe(value)}, not a list")


# --------------------------------------------------------------------------- CSV


@dataclass(frozen=True)
class CsvRow:
    """One data row: `line` counts the header as line 1 (the row's first physical line)."""

    line: int
    values: dict[str, str]


def csv_rows(text: str) -> tuple[list[str], Iterator[CsvRow | Rejected]]:
    """Header and rows of a CSV text; a malformed row is yielded as a Rejected."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ParseError("the file is empty") from None
    except csv.Error as exc:
        raise ParseError(f"the CSV header cannot be read ({exc})") from None
    return [h.strip() for h in header], _rows(reader, [h.strip() for h in header])


def _rows(reader: Any, header: list[str]) -> Iterator[CsvRow | Rejected]:
    last = reader.line_num
    while True:
        start = last + 1
        try:
            cells: list[str] = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if reader.line_num == last:
                return
            last = reader.line_num
            yield Rejected(f"line {start}", f"line {start} cannot be read as CSV ({exc})", None)
            continue
        last = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raw = dict(zip(header, cells, strict=False))
            reason = f"line {start} has {len(cells)} columns but the header has {len(header)}"
            yield Rejected(f"line {start}", reason, raw)
            continue
        yield CsvRow(start, dict(zip(header, cells, strict=True)))


# --------------------------------------------------------------------------- values


_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(text: str) -> str:
    """Normalise line endings; lone surrogates (invalid JSON escapes) become U+FFFD.

    Nothing else is touched: emoji, RTL marks, markup and control characters stay as written.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATES.sub("\ufffd", text)


def describe(value: object) -> str:
    """A type name a marketer can read."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def shown(value: object, limit: int = 40) -> str:
    """A value quoted for a message: shortened, control characters escaped."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return f"'{clean(text)}'"


def text(obj: Mapping[str, Any], key: str, what: str | None = None) -> str | None:
    """A text field; absent or null is None, anything but a string is a RecordError."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return clean(value)
    raise RecordError(f"{what or key} is {describe(value)}, not text")


def ident(obj: Mapping[str, Any], key: str, what: str | None = None) -> str | None:
    """An identifier; numbers are accepted (JSON writers differ), blank counts as absent."""
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise RecordError(f"{what or key} is true/false, not an id")
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return clean(value) if value.strip() else None
    raise RecordError(f"{what or key} is {describe(value)}, not an id")


def mapping(obj: Mapping[str, Any], key: str, what: str | None = None) -> Mapping[str, Any] | None:
    """A nested object; absent or null is None."""
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, Mapping):
        return value
    raise RecordError(f"{what or key} is {describe(value)}, not an object")


def flag(obj: Mapping[str, Any], key: str) -> bool | None:
    """A true/false field; "true"/"false" strings are accepted (CSV)."""
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise RecordError(f"{key} {shown(value)} is not true or false")


def count(obj: Mapping[str, Any], key: str) -> int | None:
    """A non-negative counter (likes, thumbs up); blank is None."""
    value = obj.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _integral(value)
    if number is None or number < 0:
        raise RecordError(f"{key} {shown(value)} is not a count")
    return number


def _integral(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,30}(\.0*)?\s*", value):
        return int(value.strip().split(".")[0])
    return None


def stars(value: object, what: str) -> int | None:
    """A 1..5 star rating; absent or blank is None, any other value is a RecordError."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _integral(value)
    if number is None or not 1 <= number <= 5:
        raise RecordError(f"{what} {shown(value)} is not a star rating from 1 to 5")
    return number


def require(value: T | None, reason: str) -> T:
    """The value of a field the platform always sends; its absence rejects the record."""
    if value is None:
        raise RecordError(reason)
    return value


# --------------------------------------------------------------------------- times

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,12})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?"
)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def zone_name(zone: tzinfo) -> str:
    """The IANA key of a zone when it has one ("Asia/Kolkata"), else its str()."""
    key = getattr(zone, "key", None)
    return key if isinstance(key, str) else str(zone)


class Reader:
    """Collects records, rejections and notes for one payload; reads times in the given zone."""

    def __init__(self, options: ParseOptions | None) -> None:
        self.options = options or ParseOptions()
        self.result = ParseResult()
        self._naive = 0
        self._naive_pending = 0
        # Set when the JSON held NaN or Infinity: only then is each record's raw checked.
        self.check_numbers = False

    def record(self, position: str, raw: object, build: Callable[[], Review]) -> Review | None:
        """Build one record; any RecordError becomes a Rejected at `position`."""
        self._naive_pending = 0
        try:
            review = build()
        except RecordError as exc:
            self.reject(position, str(exc), raw)
            return None
        except Exception as exc:  # a parser bug must not lose the other records
            self.reject(position, f"could not be read (internal error: {type(exc).__name__})", raw)
            return None
        problem = record_problem(review)
        if problem is None and self.check_numbers and not _finite_json(review.raw):
            problem = "holds NaN or Infinity, which are not JSON numbers"
        if problem is not None:
            self.reject(position, problem, raw)
            return None
        self._naive += self._naive_pending
        self.result.records.append(review)
        return review

    def reject(self, position: str, reason: str, raw: object) -> None:
        """Keep a record that could not be used, with where and why."""
        self.result.rejected.append(Rejected(position, reason, raw))

    def note(self, message: str) -> None:
        """Tell the user something that is not an error."""
        self.result.notes.append(message)

    def time(self, value: object, what: str) -> datetime | None:
        """An ISO 8601 time (or a datetime) in UTC; absent or blank is None."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, str):
            moment = self._iso(value, what)
        else:
            raise RecordError(f"{what} is {describe(value)}, not a date")
        return self._utc(moment, value, what)

    def _iso(self, value: str, what: str) -> datetime:
        candidate = value.strip().upper()
        if not _ISO.fullmatch(candidate):
            raise RecordError(f"{what} {shown(value)} is not a date")
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            raise RecordError(f"{what} {shown(value)} is not a date") from None

    def _utc(self, moment: datetime, value: object, what: str) -> datetime:
        if moment.tzinfo is None:
            if self.options.naive_tz is None:
                raise RecordError(f"{what} {shown(value)} has no time zone; pass --tz")
            self._naive_pending += 1
        try:
            return as_utc(moment, self.options.naive_tz)
        except (OverflowError, ValueError):
            raise RecordError(f"{what} {shown(value)} is out of range") from None

    def epoch(self, value: object, what: str, *, scale: int = 1, nanos: object = None) -> datetime:
        """A Unix time (seconds, or millis with scale=1000); strings of digits are accepted."""
        number = _integral(value)
        extra = _integral(nanos) if nanos is not None else 0
        if number is None or number < 0 or extra is None or not 0 <= extra < 1_000_000_000:
            raise RecordError(f"{what} {shown(value)} is not a time")
        whole, part = divmod(number, scale)
        try:
            return _EPOCH + timedelta(
                seconds=whole, microseconds=part * 1_000_000 // scale + extra // 1000
            )
        except OverflowError:
            raise RecordError(f"{what} {shown(value)} is out of range") from None

    def finish(self) -> ParseResult:
        """The result, with one note on how many zone-less timestamps were read in which zone."""
        zone = self.options.naive_tz
        if self._naive and zone is not None:
            plural = "timestamp" if self._naive == 1 else "timestamps"
            self.note(f"{self._naive} {plural} had no time zone; read as {zone_name(zone)}")
        return self.result


def _finite_json(value: object) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- page driver


def each_page(
    reader: Reader, data: Payload, handle: Callable[[Page, Mapping[str, Any]], None]
) -> None:
    """Split `data` into JSON pages and run `handle` on every page that is an object;
    an unreadable or non-object page rejects that page only."""
    pages, rejected = json_pages(data)
    reader.result.rejected.extend(rejected)
    for page in pages:
        reader.check_numbers |= page.nonfinite
        value = page.value
        if not isinstance(value, Mapping):
            reader.reject(page.name, f"{page.name} is {describe(value)}, not a JSON object", value)
            continue
        problem = error_message(value)
        if problem is not None:
            reason = f"{page.name} is an error response, not reviews: {problem}"
            reader.reject(page.name, reason, value)
            continue
        try:
            handle(page, value)
        except RecordError as exc:
            reader.reject(page.name, str(exc), value)


def error_message(obj: Mapping[str, Any]) -> str | None:
    """The message of a saved API error (Google/Meta `error{}`, Apple `errors[]`), if it is one."""
    error = obj.get("error")
    if isinstance(error, Mapping):
        parts = [
            error.get("status") or error.get("type") or error.get("code"),
            error.get("message"),
        ]
    elif isinstance(obj.get("errors"), list) and obj["errors"]:
        first = obj["errors"][0]
        if not isinstance(first, Mapping):
            return "unknown error"
        parts = [
            first.get("code") or first.get("status"),
            first.get("detail") or first.get("title"),
        ]
    else:
        return None
    words = [str(p) for p in parts if isinstance(p, str | int) and not isinstance(p, bool)]
    return shown(" — ".join(words), 200)[1:-1] if words else "unknown error"


def to_text(data: Payload) -> str:
    """The text of a file-only format (CSV); parsed JSON cannot be one."""
    if isinstance(data, Mapping | list):
        raise ParseError("this format is read from a file, not from parsed JSON")
    return decode(data)


def read_instant(value: object) -> datetime | None:
    """An ISO-8601 string as aware UTC (naive means UTC here: cursors we wrote), else None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
