"""How items read on screen: platform names, stars, ages, SLA states and queue cells.

Pure functions of their arguments (and a `Palette` taken from the current Textual theme), so
the queue, the detail pane and the tests agree on every string.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from rich.style import Style
from rich.text import Text

from inbox.tui.safe import clean, one_line, plain

if TYPE_CHECKING:
    from inbox.service import ItemRow

PLATFORM_SHORT = {"google_play": "Play", "app_store": "iOS", "gbp": "GBP", "instagram": "IG"}
PLATFORM_NAME = {
    "google_play": "Google Play",
    "app_store": "App Store",
    "gbp": "Business Profile",
    "instagram": "Instagram",
}
STATUS_NAME = {
    "new": "new",
    "open": "open",
    "replied": "replied",
    "escalated": "escalated",
    "no_reply_needed": "no reply needed",
}


class Palette(NamedTuple):
    """Rich styles for the current theme, so colours stay readable in light and dark themes."""

    error: Style = Style(color="red")
    warning: Style = Style(color="yellow")
    success: Style = Style(color="green")
    accent: Style = Style(color="cyan")
    primary: Style = Style(color="blue")
    muted: Style = Style(dim=True)
    bold: Style = Style(bold=True)

    @classmethod
    def from_variables(cls, variables: dict[str, str]) -> Palette:
        """Build from `App.theme_variables` (the `text-*` colours are tuned for contrast)."""
        from textual.color import Color

        background = Color.parse(variables.get("background", "#000000"))

        def style(name: str, fallback: str) -> Style:
            try:
                color = background + Color.parse(variables.get(name) or fallback)
            except Exception:  # an unparseable theme value: keep the terminal's colour
                return Style.parse(fallback)
            return Style(color=color.rich_color)

        return cls(
            error=style("text-error", "red"),
            warning=style("text-warning", "yellow"),
            success=style("text-success", "green"),
            accent=style("text-accent", "cyan"),
            primary=style("text-primary", "blue"),
            muted=style("foreground-muted", "grey50"),
        )


def short_span(delta: timedelta) -> str:
    """A compact duration: 45s, 12m, 3h, 4d, 7w, 5mo, 2y."""
    seconds = abs(delta.total_seconds())
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    days = seconds / 86400
    if days < 14:
        return f"{int(days)}d"
    if days < 61:
        return f"{int(days // 7)}w"
    if days < 730:
        return f"{int(days // 30)}mo"
    return f"{int(days // 365)}y"


def stars(rating: int | None) -> str:
    if rating is None:
        return ""
    rating = max(0, min(5, rating))
    return "★" * rating + "☆" * (5 - rating)


def stars_text(rating: int | None, palette: Palette) -> Text:
    if rating is None:
        return Text("  –  ", style=palette.muted)
    style = palette.error if rating <= 2 else palette.warning if rating == 3 else palette.success
    return Text(stars(rating), style=style)


def account_label(row: ItemRow) -> str:
    """A store's place name ('Koramangala') when the display name has one, else the source."""
    display = row.account_display or ""
    if row.platform == "gbp" and "–" in display:
        return clean(display.split("–", 1)[1].split(",", 1)[0].strip())
    return clean(row.account)


def sla_text(
    status: str,
    due_at: datetime | None,
    now: datetime,
    due_soon: timedelta,
    palette: Palette,
) -> Text:
    """'late 2h' (breached), 'due 3h' (due soon, or later in muted), or the closed state."""
    if due_at is None:
        if status == "replied":
            return Text("replied", style=palette.success)
        if status == "no_reply_needed":
            return Text("no reply", style=palette.muted)
        return Text("")
    if due_at <= now:
        return Text(f"late {short_span(now - due_at)}", style=palette.error)
    left = due_at - now
    return Text(
        f"due {short_span(left)}", style=palette.warning if left <= due_soon else palette.muted
    )


def sla_sentence(due_at: datetime | None, now: datetime, zone_fmt: str) -> str:
    """The SLA state as a sentence for the detail pane."""
    if due_at is None:
        return ""
    if due_at <= now:
        return f"breached {short_span(now - due_at)} ago (was due {zone_fmt})"
    return f"due in {short_span(due_at - now)} ({zone_fmt})"


def flags_text(row: ItemRow, reply_state: str | None, agent: str | None, palette: Palette) -> Text:
    """Three one-character flags: new (●), escalated (⚑), our reply queued (↻) or failed (✗),
    and assigned to me (@) when nothing else needs the third place."""
    text = Text()
    text.append("●" if row.status == "new" else " ", style=palette.primary)
    text.append("⚑" if row.escalated else " ", style=palette.error)
    if reply_state in ("queued", "sending"):
        text.append("↻", style=palette.accent)
    elif reply_state == "failed":
        text.append("✗", style=palette.error)
    elif agent is not None and row.assignee == agent:
        text.append("@", style=palette.accent)
    else:
        text.append(" ")
    return text


def held_text(row: ItemRow, now: datetime, agent: str | None, palette: Palette) -> Text | None:
    """'✎ arjun ' before the text while a colleague's claim on the item is live, so nobody
    opens what someone else is answering; None otherwise."""
    live = row.claimed_until is not None and row.claimed_until > now
    if not live or row.assignee in (None, agent):
        return None
    text = Text("✎ ", style=palette.warning, no_wrap=True, overflow="ellipsis", end="")
    text.append_text(plain(one_line(row.assignee, 16), style=palette.warning))
    text.append(" ")
    return text


def themes_text(themes: tuple[str, ...], palette: Palette, limit: int | None = None) -> Text:
    """Theme chips: 'payment·pickup' (or 'payment +2' when limited)."""
    text = Text(no_wrap=True, overflow="ellipsis")
    shown = themes if limit is None else themes[:limit]
    for index, theme in enumerate(shown):
        if index:
            text.append("·", style=palette.muted)
        text.append(clean(theme), style=palette.accent)
    if limit is not None and len(themes) > limit:
        text.append(f" +{len(themes) - limit}", style=palette.muted)
    return text


def first_line(row: ItemRow, width: int = 160) -> Text:
    """Title and the body's first line, as plain text."""
    body = one_line(row.body, width)
    title = one_line(row.title, 60)
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    if title:
        text.append(title, style="bold")
        text.append(" — " if body else "")
    text.append(body)
    if not title and not body:
        text.append("(no text)", style="dim")
    return text


def author_text(author: str | None) -> Text:
    return plain(author or "(anonymous)")
