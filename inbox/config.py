"""The TOML configuration, validated; errors name the file, the key and what is expected.

Secrets are never values here: only the names of environment variables and paths to files.
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from inbox.errors import ConfigError
from sources.base import Platform

APP_NAME = "review-inbox"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return config_dir() / "config.toml"


def default_database_path() -> Path:
    return data_dir() / "inbox.db"


def demo_database_path() -> Path:
    return data_dir() / "demo.db"


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# Keys that take the *name* of a variable holding a secret: their values are never echoed.
_ENV_KEYS = frozenset({"token_env", "webhook_url_env", "webhook_secret_env"})
# Unknown keys that look like a pasted secret get a message saying where secrets go.
_SECRET_WORDS = re.compile(r"token|secret|password|passwd|private_key|api_?key|access_key")
_SECRETS_ADVICE = (
    "unknown key; secrets never go in this file: put the value in an environment variable "
    "and give its name (token_env, webhook_url_env, webhook_secret_env), or point "
    "credentials_file / key_file at the key file"
)


def env_name(value: str | None) -> str | None:
    """The name of an environment variable; a pasted secret or URL is refused (not echoed)."""
    if value is not None and not _ENV_NAME.fullmatch(value):
        raise ValueError(
            "must be the NAME of an environment variable (letters, digits and _, at most 64), "
            "not the secret itself: export the secret in a variable and write its name here"
        )
    return value


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BrandConfig(_Section):
    """Names and contact details that reply templates may use."""

    name: str = "Your brand"
    app_name: str | None = None
    support_email: str | None = None
    support_phone: str | None = None
    reference_pattern: str | None = None
    """A regex for order or ticket ids in reviews (e.g. "RS-\\d{6}"): templates may quote it."""

    @field_validator("reference_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class DatabaseConfig(_Section):
    url: str | None = None
    """A SQLAlchemy URL or a SQLite file path; empty means the file in the user data dir."""


class SourceConfig(_Section):
    """One account on one platform. Credentials only by reference (file path or env var name)."""

    name: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$")]
    platform: Platform
    kind: Literal["api", "public"] = "api"
    account: Annotated[str, Field(min_length=1)]
    """Play package name, App Store app id, GBP 'accounts/…/locations/…', or Instagram user id."""
    display_name: str | None = None
    enabled: bool = True
    poll_minutes: Annotated[int, Field(ge=5, le=24 * 60)] = 30
    credentials_file: Path | None = None
    """Google service-account or OAuth JSON file (Play, Business Profile)."""
    key_file: Path | None = None
    """App Store Connect .p8 private key."""
    key_id: str | None = None
    issuer_id: str | None = None
    token_env: str | None = None
    """Name of the environment variable that holds the Instagram token."""
    own_username: str | None = None
    storefronts: list[str] = Field(default_factory=list)
    """Public App Store feed: two-letter storefront codes, e.g. ["in", "us"]."""
    country: str = "in"
    language: str = "en"
    base_url: str | None = None
    """Talk to another host than the platform's (a proxy, or `inbox sandbox`)."""
    rescan_days: Annotated[int, Field(ge=0, le=365)] | None = None
    """Instagram: rescan comments of media this recent (default 30); App Store: re-read this
    many days before the cursor to catch responses made elsewhere (default 0)."""
    token_expires: date | None = None
    """Instagram: when the long-lived token expires; `inbox doctor` warns 7 days before."""
    sla_clock_stops: Literal["sent", "published"] = "sent"
    """When a reply stops the SLA clock: when the platform accepted it ("sent"), or when it
    went live ("published": App Store responses wait in PENDING_PUBLISH first)."""

    @model_validator(mode="after")
    def _required_credentials(self) -> SourceConfig:
        if self.kind == "public":
            if self.platform not in (Platform.GOOGLE_PLAY, Platform.APP_STORE):
                raise ValueError(
                    f"kind 'public' exists only for google_play and app_store, not {self.platform}"
                )
            return self
        needs: dict[Platform, tuple[str, ...]] = {
            Platform.GOOGLE_PLAY: ("credentials_file",),
            Platform.GBP: ("credentials_file",),
            Platform.APP_STORE: ("key_file", "key_id", "issuer_id"),
            Platform.INSTAGRAM: ("token_env",),
        }
        missing = [key for key in needs[self.platform] if getattr(self, key) in (None, "")]
        if missing:
            raise ValueError(
                f"an api source on {self.platform} needs {', '.join(missing)}"
                " (or set kind = 'public' where the platform has a public feed)"
            )
        return self

    @field_validator("credentials_file", "key_file")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("token_env")
    @classmethod
    def _token_env(cls, value: str | None) -> str | None:
        return env_name(value)


class WorkingHoursConfig(_Section):
    """The calendar the response SLA is counted in."""

    timezone: str = "Asia/Kolkata"
    days: list[str] = Field(default_factory=lambda: ["mon", "tue", "wed", "thu", "fri", "sat"])
    hours: list[str] = Field(default_factory=lambda: ["10:00-19:00"])
    """Intervals per working day, e.g. ["09:30-13:00", "14:00-18:30"]."""
    holiday_country: str | None = "IN"
    holiday_subdivision: str | None = None
    closed_dates: list[date] = Field(default_factory=list)
    open_dates: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"'{value}' is not an IANA time zone such as 'Asia/Kolkata'") from exc
        return value

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        days = [d.strip().lower()[:3] for d in value]
        bad = [d for d in days if d not in WEEKDAYS]
        if bad:
            raise ValueError(f"unknown day(s) {bad}; use {', '.join(WEEKDAYS)}")
        return days

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: list[str]) -> list[str]:
        for interval in value:
            parse_interval(interval)
        return value

    def intervals(self) -> list[tuple[time, time]]:
        return [parse_interval(i) for i in self.hours]

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_interval(text: str) -> tuple[time, time]:
    """'09:30-13:00' → (09:30, 13:00); raises ValueError with the expected form."""
    match = _INTERVAL.match(text)
    if not match:
        raise ValueError(f"'{text}' is not an interval like '10:00-19:00'")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (0 <= h1 <= 23 and 0 <= h2 <= 24 and m1 < 60 and m2 < 60):
        raise ValueError(f"'{text}' has an impossible time")
    start = time(h1, m1)
    end = time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)
    if end <= start:
        raise ValueError(f"'{text}' ends before it starts")
    return start, end


class SlaConfig(_Section):
    target_hours: Annotated[float, Field(gt=0)] = 24.0
    """Working hours within which every public review should be answered."""
    due_soon_hours: Annotated[float, Field(gt=0)] = 4.0


class ClassifierConfig(_Section):
    taxonomy: Path | None = None
    model: Path | None = None
    escalation_threshold: Annotated[float, Field(ge=0, le=1)] | None = None
    """Raise to escalate fewer items (default: the model's, chosen by F2 on its training data)."""


class TemplatesConfig(_Section):
    folder: Path | None = None
    """Your reply templates (TOML files); empty means the bundled starter set."""
    forbidden_phrases: list[str] = Field(default_factory=list)
    """Phrases a reply must never contain (legal asked, brand voice): lint blocks them."""
    allow_personal_data: bool = False
    """Let replies carry phone numbers and email addresses other than the brand's own."""
    repeat_limit: Annotated[int, Field(ge=1)] = 3
    """Warn when the same text was already posted this many times this week on a platform."""


class OutboxConfig(_Section):
    undo_seconds: Annotated[float, Field(ge=0, le=3600)] = 30
    """A queued reply waits this long before it is sent: time to cancel or edit it."""
    max_attempts: Annotated[int, Field(ge=1, le=50)] = 6
    """Attempts on temporary errors (rate limits, outages) before a reply is marked failed."""
    retry_base_seconds: Annotated[float, Field(gt=0, le=3600)] = 30
    """First wait after a temporary error; doubled (with jitter) on each further attempt."""
    lease_seconds: Annotated[float, Field(ge=30)] = 600
    """A reply left `sending` longer than this belonged to a sender that died: the next
    sender reads the platform, and posts only if the reply is not there."""
    in_flight_seconds: Annotated[float, Field(gt=0)] = 120
    """A reply whose sender process on this host is gone waits this long after the sender
    took it (not the whole lease): a request the process sent may still reach the platform
    until then, and the next sender reads the platform before it posts."""

    @model_validator(mode="after")
    def _in_flight_within_lease(self) -> OutboxConfig:
        # The default gives way to a shorter lease (which takes a reply over first anyway);
        # a value someone wrote that the lease would override is a mistake to point out.
        if "in_flight_seconds" in self.model_fields_set and (
            self.in_flight_seconds > self.lease_seconds
        ):
            raise ValueError(
                f"in_flight_seconds ({self.in_flight_seconds:g}) cannot be longer than "
                f"lease_seconds ({self.lease_seconds:g}): every sender's reply is taken over "
                "after the lease; raise lease_seconds or lower in_flight_seconds"
            )
        return self


class ExportConfig(_Section):
    folder: Path | None = None
    """Where escalation exports are written (default: `exports` in the user data dir)."""
    webhook_url_env: str | None = None
    """Name of the environment variable holding the CX webhook URL (it may embed a token)."""
    webhook_secret_env: str | None = None
    """Name of the variable holding the HMAC-SHA256 signing secret (header X-Inbox-Signature)."""
    webhook_format: Literal["slack", "generic"] = "slack"
    webhook_cooldown_hours: Annotated[float, Field(ge=0)] = 24
    """One ticket per author in this window: the same complaint on three platforms is one."""
    sheets_credentials_file: Path | None = None
    """Google service-account JSON with edit access to the CX team's spreadsheet."""
    sheets_spreadsheet_id: str | None = None
    sheets_tab: str = "Escalations"
    sheets_base_url: str | None = None
    """Another host than sheets.googleapis.com (a proxy, or `inbox sandbox`)."""
    spike_factor: Annotated[float, Field(gt=1)] = 3.0
    """A theme spikes when its daily volume exceeds this many times its 4-week daily median…"""
    spike_min_count: Annotated[int, Field(ge=1)] = 5
    """…and is at least this many items."""

    @field_validator("webhook_url_env", "webhook_secret_env")
    @classmethod
    def _env_names(cls, value: str | None) -> str | None:
        return env_name(value)


class AgentConfig(_Section):
    name: str | None = None
    """Who is working: shown on claims and replies. Default: INBOX_AGENT or the OS user."""
    claim_minutes: Annotated[float, Field(ge=1, le=8 * 60)] = 15.0
    """How long opening an item to reply holds it; renewed while the composer is open, so
    only a crashed or abandoned inbox lets it lapse."""


class Config(_Section):
    brand: BrandConfig = Field(default_factory=BrandConfig)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    agent: AgentConfig = Field(default_factory=AgentConfig)
    sources: list[SourceConfig] = Field(default_factory=list)
    working_hours: WorkingHoursConfig = Field(default_factory=WorkingHoursConfig)
    sla: SlaConfig = Field(default_factory=SlaConfig)
    classifier: ClassifierConfig = Field(default_factory=ClassifierConfig)
    templates: TemplatesConfig = Field(default_factory=TemplatesConfig)
    outbox: OutboxConfig = Field(default_factory=OutboxConfig)
    export: ExportConfig = Field(default_factory=ExportConfig)

    @model_validator(mode="after")
    def _unique_source_names(self) -> Config:
        names = [s.name for s in self.sources]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"source names must be unique; repeated: {', '.join(dupes)}")
        return self

    def source(self, name: str) -> SourceConfig | None:
        return next((s for s in self.sources if s.name == name), None)

    def agent_name(self) -> str:
        return os.environ.get("INBOX_AGENT") or self.agent.name or _os_user()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "agent"


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "(top level)"


def _describe(error: dict[str, Any]) -> str:
    loc = tuple(p for p in error["loc"] if p not in ("function-after", "function-before"))
    kind = error["type"]
    if kind == "extra_forbidden":
        if loc and _SECRET_WORDS.search(str(loc[-1]).lower()):
            return f"{_key_path(loc)}: {_SECRETS_ADVICE}"
        return f"{_key_path(loc)}: unknown key (check the spelling; see `inbox init` for every key)"
    if kind == "missing":
        return f"{_key_path(loc)}: required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    got = error.get("input")
    secret = bool(loc) and loc[-1] in _ENV_KEYS
    shown = "" if isinstance(got, dict | list) or got is None or secret else f" (got {got!r})"
    return f"{_key_path(loc)}: {message}{shown}"


def parse_config(data: dict[str, Any], origin: str) -> Config:
    """Validate a loaded TOML document; `origin` names it in errors."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        lines = [_describe(dict(e)) for e in exc.errors()]
        raise ConfigError(f"{origin}: " + "; ".join(lines)) from None


def load_config(path: Path | None = None) -> tuple[Config, Path | None]:
    """Read the config file (explicit path, INBOX_CONFIG, or the default location).

    A missing default file means built-in defaults; a missing explicit file is an error.
    """
    explicit = path or (
        Path(os.environ["INBOX_CONFIG"]) if os.environ.get("INBOX_CONFIG") else None
    )
    target = (explicit or default_config_path()).expanduser()
    if not target.exists():
        if explicit is not None:
            raise ConfigError(f"{target}: file not found (create one with `inbox init`)")
        return Config(), None
    try:
        data = tomllib.loads(target.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{target}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{target}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{target}: cannot read: {exc.strerror}") from None
    return parse_config(data, str(target)), target


def database_url(config: Config, override: str | None = None) -> str:
    """--db, then INBOX_DATABASE_URL, then [database] url, then the file in the data dir."""
    return (
        override
        or os.environ.get("INBOX_DATABASE_URL")
        or config.database.url
        or str(default_database_path())
    )
