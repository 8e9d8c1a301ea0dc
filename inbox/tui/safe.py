"""User text made safe for the screen: plain `Text`, never markup, with no control sequences.

Reviews and comments are written by strangers. A body holding `[@click=app.quit]` must not
become a link, and one holding `\\x1b]8;;…` (an OSC hyperlink) or `\\x1b[2J` must not reach
the terminal. Every widget that shows user text takes it through `plain()` or `clean()`.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text

# ESC-introduced sequences: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC strings (ESC ] … BEL or
# ST), and two-character escapes. Then the 8-bit C1 forms of CSI and OSC.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?              # CSI
    | \x1b[\]PX^_].*?(?:\x07|\x1b\\|$)    # OSC, DCS, SOS, PM, APC up to BEL or ST
    | \x1b[@-Z\\-_]?                      # other escapes (and a lone ESC)
    | \x9b[0-?]*[ -/]*[@-~]?              # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f].*?(?:\x07|\x9c|$)  # 8-bit string controls
    """,
    re.VERBOSE | re.DOTALL,
)
# Remaining C0 and C1 controls (tab and newline are kept), DEL, and the bidirectional
# overrides that can make text display in another order than it reads.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str | None) -> str:
    """`text` without terminal escape sequences and control characters ('' for None)."""
    if not text:
        return ""
    if text.isprintable():
        return text
    text = _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROLS.sub("", text.replace("\t", "    "))


def plain(text: str | None, style: str | Style = "") -> Text:
    """A Rich `Text` holding `text` literally: brackets stay brackets, nothing is parsed."""
    return Text(clean(text), style=style, end="")


def one_line(text: str | None, width: int = 200) -> str:
    """The first non-empty line of `text`, cleaned, with runs of spaces collapsed."""
    cleaned = clean(text)
    for line in cleaned.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= width else line[: width - 1] + "…"
    return ""
