"""Customer text made safe to print on a terminal: nothing in it can drive the terminal.

Reviews, author names and platform messages are written by strangers. Printed as they are,
an ESC starts a sequence that recolours or clears the screen, sets the window title or plants
a hidden link (OSC 8), and a bidi override (U+202E) makes the text read in another order than
it is stored. `for_terminal` removes whole escape sequences (so an OSC 8 link leaves no URL
behind and `ESC[2J` no stray `[2J`), then every C0 control but tab and newline, DEL, every C1
control and the bidi embeddings, overrides and isolates (the "Trojan Source" set); everything
else, emoji, Devanagari, zero-width joiners and right-to-left scripts included, stays as
written. The CLI and the TUI both print through it; storage and exports keep the text verbatim.
`visible` is for labels built from ids: it shows those characters escaped instead.
"""

from __future__ import annotations

import re

# ESC-introduced sequences: CSI (ESC [ … final), OSC/DCS/SOS/PM/APC strings (ESC ] … BEL or
# ST), and two-character escapes. Then the 8-bit C1 forms of CSI and the string controls.
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
_INTRODUCERS = "\x1b\x9b\x90\x98\x9d\x9e\x9f"
_BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_DROP: dict[int, str | None] = dict.fromkeys(
    [*(c for c in range(0x20) if c not in (0x09, 0x0A)), 0x7F, *range(0x80, 0xA0), *_BIDI_CONTROLS]
)
_DROP[0x0D] = "\n"  # a lone CR (old Mac line end) is a line break
_ONE_LINE: dict[int, str | None] = {**_DROP, 0x09: " ", 0x0A: " ", 0x0D: " "}


def for_terminal(text: str | None, *, one_line: bool = False) -> str:
    """`text` without the characters a terminal acts on (see the module docstring).

    `one_line` also turns tabs and newlines into spaces, for one-line listings.
    """
    if not text:
        return ""
    if text.isprintable():  # the common case: nothing to drop
        return text
    if any(ch in text for ch in _INTRODUCERS):
        text = _ESCAPES.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text.translate(_ONE_LINE if one_line else _DROP)


def is_terminal_safe(text: str) -> bool:
    """True when `for_terminal` would leave `text` unchanged."""
    return text == for_terminal(text)


def visible(text: str) -> str:
    """`text` with the characters `for_terminal` drops written as escapes (`\\x1b`, `\\u202e`):
    for ids and positions, where what is there matters more than how it reads."""
    if is_terminal_safe(text):
        return text
    return "".join(ch if is_terminal_safe(ch) else ascii(ch)[1:-1] for ch in text)
