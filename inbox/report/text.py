"""Customer text made safe to publish in a report: names cut to a first name or initials,
contact details masked, and escaping for Markdown and CSV (HTML escaping is Jinja's autoescape).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlsplit

_TITLES = {"dr", "mr", "mrs", "ms", "miss", "shri", "smt", "sri", "prof", "er", "adv"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)(\+?\d[\d\s-]{8,}\d)(?!\w)")
_SPACES = re.compile(r"\s+")


def _is_name(word: str) -> bool:
    """Letters (with their combining marks: Devanagari vowel signs are marks), from a letter."""
    return (
        len(word) >= 2
        and unicodedata.category(word[0]).startswith("L")
        and all(unicodedata.category(c)[0] in "LM" for c in word)
    )


def short_author(author: str | None) -> str:
    """A first name ("Priya Sharma" → "Priya", "रमा देवी" → "रमा") when the name looks like a
    person's, else the initial of a handle ("adityak_91" → "A."): enough to make a quote feel
    real, not enough to find the person. Empty or anonymous → "a customer"."""
    text = unicodedata.normalize("NFC", author or "").strip()
    if not text or text.lower() in {"a google user", "anonymous", "unknown"}:
        return "a customer"
    words = [t.rstrip(".,") for t in text.split()]
    while len(words) > 1 and words[0].lower() in _TITLES:
        words = words[1:]
    if words and _is_name(words[0]):
        return words[0][:20]
    letters = [w for w in _WORD.findall(text) if w.lower() not in _TITLES] or _WORD.findall(text)
    return letters[0][:1].upper() + "." if letters else "a customer"


def mask_contacts(text: str) -> str:
    """Phone numbers and email addresses out of quotes: a report travels further than the
    inbox does."""
    text = _EMAIL.sub("[email]", text)
    return _PHONE.sub(lambda m: "[phone]" if sum(c.isdigit() for c in m[1]) >= 10 else m[1], text)


def one_line(text: str, limit: int = 400) -> str:
    """Whitespace (newlines included) collapsed, control characters dropped, cut at `limit`."""
    cleaned = "".join(
        ch if unicodedata.category(ch)[0] != "C" or ch in "\t\n" else " " for ch in text
    )
    cleaned = _SPACES.sub(" ", cleaned).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


# ----- Markdown ------------------------------------------------------------------------------
# Characters that start emphasis, code, links, tables or strikethrough anywhere in a line.
# Line-start constructs (#, >, -, 1.) cannot occur: user text is one line, after a prefix.
_ENTITY = re.compile(r"&(?=#?\w+;)")  # only an "&" that would start an entity: "P&G" stays
_MD_ACTIVE = re.compile(r"([\\`*_\[\]|~])")
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,15}):/{1,3}")
_DOMAIN = re.compile(
    r"(?i)\b((?:[a-z0-9-]+\.)+)(com|in|net|org|io|co|me|app|xyz|info|link|ly|gl|to|site|"
    r"online|shop|store|biz|us|uk|ru|cn|tk|top|click|live|club|page|dev|ai|gg|tv|cc|ws)\b"
)


def md_escape(text: str) -> str:
    """User text for Markdown read in Slack, email or a renderer: one line; `<`, `>` (and an
    `&` that would start an entity) as entities: no HTML, no Slack `<url|label>` links or
    `<!channel>` mentions; emphasis, code,
    link and table characters backslash-escaped; URLs and domain names defanged
    (`hxxps[:]//evil[.]com`) so nothing becomes a link."""
    text = one_line(text)
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_ACTIVE.sub(r"\\\1", text)
    text = _SCHEME.sub(lambda m: _defang_scheme(m[1]) + "[:]//", text)
    text = _DOMAIN.sub(lambda m: m[1].replace(".", "[.]") + m[2], text)
    return text.replace("www.", "www[.]")


def _defang_scheme(scheme: str) -> str:
    return re.sub(r"(?i)^http", lambda m: "hxxp" if m[0].islower() else "HXXP", scheme)


def md_url(url: str | None) -> str | None:
    """A platform permalink usable as a Markdown link target: https only, no spaces or
    parentheses (which would end the link early)."""
    safe = safe_url(url)
    return quote(safe, safe=":/?&=#%@+,;~.-_") if safe else None


def safe_url(url: str | None) -> str | None:
    """Only https links to a host make it into a report (no `javascript:`, no `data:`)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() != "https" or not parts.netloc or any(c.isspace() for c in url.strip()):
        return None
    return url.strip()


# ----- CSV -----------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe;
    numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
