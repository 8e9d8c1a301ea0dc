"""Saved views (Needs reply, Due soon, …) and the filter bar's choices, as queue filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from inbox.models import NEEDS_REPLY
from inbox.service import InboxService, ItemFilter, SlaState
from inbox.tui.format import PLATFORM_NAME

NEEDS = tuple(s.value for s in NEEDS_REPLY)


@dataclass(frozen=True)
class View:
    """A named queue filter; `key` switches to it from the queue."""

    id: str
    label: str
    build: Callable[[InboxService], ItemFilter]
    key: str | None = None
    group: str = "main"  # main | platform | theme
    short: str = ""  # label on narrow screens

    @property
    def short_label(self) -> str:
        return self.short or self.label


def main_views() -> list[View]:
    return [
        View("needs", "Needs reply", lambda s: ItemFilter(statuses=NEEDS), "1", short="Needs"),
        View("due", "Due soon", lambda s: ItemFilter(sla=SlaState.DUE_SOON), "2", short="Due"),
        View(
            "breached", "Breached", lambda s: ItemFilter(sla=SlaState.BREACHED), "3", short="Late"
        ),
        View("escalated", "Escalated", lambda s: ItemFilter(escalated=True), "4", short="Esc."),
        View("mine", "Mine", lambda s: ItemFilter(statuses=NEEDS, assignee=s.agent), "5"),
        View(
            "replied_today",
            "Replied today",
            lambda s: ItemFilter(replied_since=s.today_start()),
            "6",
            short="Today",
        ),
        View("all", "All", lambda s: ItemFilter(), "7"),
    ]


def platform_views() -> list[View]:
    def make(platform: str) -> Callable[[InboxService], ItemFilter]:
        return lambda s: ItemFilter(statuses=NEEDS, platforms=(platform,))

    return [
        View(f"platform:{p}", name, make(p), group="platform") for p, name in PLATFORM_NAME.items()
    ]


def theme_views(themes: Sequence[tuple[str, str]]) -> list[View]:
    """One view per taxonomy theme: (id, name) pairs."""

    def make(theme: str) -> Callable[[InboxService], ItemFilter]:
        return lambda s: ItemFilter(statuses=NEEDS, themes=(theme,))

    return [View(f"theme:{tid}", name, make(tid), group="theme") for tid, name in themes]


@dataclass(frozen=True)
class FilterChoice:
    """What the filter bar holds; empty fields leave the view's filter alone."""

    platform: str | None = None
    account: str | None = None
    rating: str | None = None  # "1".."5", "low" (1–2), "high" (4–5)
    theme: str | None = None
    status: str | None = None
    language: str | None = None
    since: date | None = None
    until: date | None = None
    text: str = ""

    @property
    def empty(self) -> bool:
        return self == FilterChoice()

    def describe(self) -> str:
        """'platform gbp · rating 1–2★ · "otp"' for the view bar."""
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, ""):
                continue
            if f.name == "text":
                parts.append(f'"{value}"')
            elif f.name == "rating":
                parts.append(f"rating {RATINGS.get(value, value)}")
            else:
                parts.append(f"{f.name} {value}")
        return " · ".join(parts)


RATINGS = {"low": "1–2★", "3": "3★", "high": "4–5★", "1": "1★", "2": "2★", "4": "4★", "5": "5★"}
RATING_RANGES: dict[str, tuple[int, int]] = {
    "low": (1, 2),
    "high": (4, 5),
    **{str(n): (n, n) for n in range(1, 6)},
}


def apply_choice(base: ItemFilter, choice: FilterChoice, zone: ZoneInfo) -> ItemFilter:
    """The view's filter narrowed (or, for status, replaced) by the filter bar."""
    out = base
    if choice.platform:
        out = replace(out, platforms=(choice.platform,))
    if choice.account:
        out = replace(out, accounts=(choice.account,))
    if choice.rating:
        low, high = RATING_RANGES[choice.rating]
        out = replace(out, min_rating=low, max_rating=high)
    if choice.theme:
        out = replace(out, themes=(choice.theme,))
    if choice.status:
        # Asking for a status means that status, whatever the view holds back.
        out = replace(out, statuses=(choice.status,), sla=None, due_within_hours=None)
    if choice.language:
        out = replace(out, languages=(choice.language,))
    if choice.since:
        out = replace(out, since=datetime.combine(choice.since, time(0), tzinfo=zone))
    if choice.until:
        end = datetime.combine(choice.until, time(0), tzinfo=zone) + timedelta(days=1)
        out = replace(out, until=end)
    if choice.text.strip():
        out = replace(out, text=choice.text.strip())
    return out


def parse_day(text: str) -> date | None:
    """'2026-11-03' → date; '' → None; anything else raises ValueError with the expected form."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-11-03") from None
