"""User text made safe for the screen: plain `Text`, never markup, with no control sequences.

Reviews and comments are written by strangers. A body holding `[@click=app.quit]` must not
become a link, and one holding `\\x1b]8;;…` (an OSC hyperlink) or `\\x1b[2J` must not reach
the terminal. Every widget that shows user text takes it through `plain()` or `clean()`,
which use the same rules as the CLI (`inbox.textsafe`).
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from inbox.textsafe import for_terminal


def clean(text: str | None) -> str:
    """`text` without terminal escape sequences and control characters ('' for None); tabs
    become spaces so columns line up."""
    if not text:
        return ""
    return for_terminal(text.replace("\t", "    "))


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
