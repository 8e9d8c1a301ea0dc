"""What a report holds: plain dataclasses, filled by `inbox.report.build`, read by templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from inbox.sla import Period, SlaFigures, SlaReport

PLATFORM_NAME = {
    "google_play": "Google Play",
    "app_store": "App Store",
    "gbp": "Business Profile",
    "instagram": "Instagram",
}


def platform_name(platform: str) -> str:
    return PLATFORM_NAME.get(platform, platform)


def change_percent(current: float, previous: float) -> float | None:
    """Relative change; None when there is nothing to compare with (previous is zero)."""
    return None if not previous else 100.0 * (current - previous) / previous


@dataclass(frozen=True)
class Volume:
    """Items whose response clock started in the period, on one channel (or all)."""

    platform: str
    label: str
    count: int
    previous: int

    @property
    def change(self) -> float | None:
        return change_percent(self.count, self.previous)


@dataclass(frozen=True)
class Ratings:
    """Star ratings of one group (a channel, or an app version on one channel)."""

    group: str
    label: str
    stars: tuple[int, int, int, int, int]  # counts of 1★ … 5★
    unrated: int = 0
    previous_average: float | None = None
    first_seen: datetime | None = None  # app versions: first review that carried it

    @property
    def rated(self) -> int:
        return sum(self.stars)

    @property
    def average(self) -> float | None:
        n = self.rated
        return None if not n else sum((i + 1) * c for i, c in enumerate(self.stars)) / n

    def share(self, star: int) -> float:
        return 100.0 * self.stars[star - 1] / self.rated if self.rated else 0.0


@dataclass(frozen=True)
class ThemeRow:
    """One theme: items carrying it (effective tags) now and in the previous period."""

    theme: str
    name: str
    count: int
    previous: int
    share: float  # % of the period's items
    earlier: int = 0  # in the periods before the previous one (for "new")
    status: str = ""  # "new", "emerging" or ""
    by_platform: dict[str, int] = field(default_factory=dict)
    previous_by_platform: dict[str, int] = field(default_factory=dict)

    @property
    def change(self) -> float | None:
        return change_percent(self.count, self.previous)


@dataclass(frozen=True)
class Quote:
    theme: str
    text: str
    author: str  # first name or initials only
    platform: str
    rating: int | None
    score: float
    at: datetime | None


@dataclass(frozen=True)
class ReasonRow:
    reason: str  # canonical id (taxonomy id) or the text a person typed
    label: str
    count: int  # escalated items with this reason
    previous: int
    high: int  # of which high severity

    @property
    def change(self) -> float | None:
        return change_percent(self.count, self.previous)


@dataclass(frozen=True)
class AgentRow:
    """One agent: replies sent in the period, and first responses to the period's items."""

    agent: str
    replies: int
    items: int  # distinct items those replies answered
    first_responses: int = 0
    percent_within_target: float | None = None
    median_hours: float | None = None


@dataclass(frozen=True)
class Spike:
    theme: str
    name: str
    day: date
    count: int
    baseline: float  # median daily count over the 4 weeks before

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else self.count / self.baseline


@dataclass(frozen=True)
class Observation:
    """A sentence backed by numbers; `weight` orders them (bigger effects first)."""

    kind: str
    text: str
    weight: float


@dataclass(frozen=True)
class Versions:
    """Which classifier produced the period's tags (rows: version, number of tags)."""

    taxonomy: list[tuple[str, int]]
    model: list[tuple[str, int]]
    human_tags: int


@dataclass(frozen=True)
class Notable:
    """An item worth a look in the weekly update (an escalation, most severe first)."""

    item_id: int
    platform: str
    author: str
    rating: int | None
    text: str
    reasons: list[str]
    severity: str
    permalink: str | None
    at: datetime | None


@dataclass
class Report:
    """Everything both reports share; the monthly one fills every field."""

    kind: str  # "monthly" or "weekly"
    title: str
    period: Period
    previous: Period
    name: str  # "Oct 2026", "Week 43": column headers and legends
    previous_name: str
    generated_at: datetime
    zone: str
    target_hours: float
    total: Volume
    volume: list[Volume]
    ratings: list[Ratings]
    sla: SlaReport
    sla_previous: SlaFigures | None  # the weekly report only
    escalations: list[ReasonRow]
    escalated_items: int
    escalated_previous: int
    agents: list[AgentRow]
    replies_sent: int
    daily: list[tuple[date, int]]
    themes: list[ThemeRow] = field(default_factory=list)
    spikes: list[Spike] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    version_ratings: list[Ratings] = field(default_factory=list)
    quotes: dict[str, list[Quote]] = field(default_factory=dict)
    versions: Versions | None = None
    notable: list[Notable] = field(default_factory=list)
    thresholds: dict[str, float] = field(default_factory=dict)

    def theme_name(self, theme: str) -> str:
        return next((t.name for t in self.themes if t.theme == theme), theme)
