"""Configuration: the example file is valid, and every error names file, key and expectation."""

from __future__ import annotations

import tomllib
from datetime import date, time
from pathlib import Path

import pytest

from inbox.config import Config, database_url, load_config, parse_config, parse_interval
from inbox.errors import ConfigError

EXAMPLE = Path(__file__).parent.parent / "inbox" / "example_config.toml"


def test_example_config_is_valid_and_complete() -> None:
    config = parse_config(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")), "example")
    assert [s.platform.value for s in config.sources] == [
        "google_play",
        "app_store",
        "gbp",
        "instagram",
    ]
    assert config.working_hours.timezone == "Asia/Kolkata"
    assert config.sla.target_hours == 24
    # every section of the model appears in the example, so `inbox init` documents them all
    text = EXAMPLE.read_text(encoding="utf-8")
    for section in Config.model_fields:
        assert f"[{section}]" in text or f"[[{section}]]" in text, section


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[sla]\ntarget_hour = 24\n", "sla.target_hour: unknown key"),
        ("[sla]\ntarget_hours = -1\n", "sla.target_hours: Input should be greater than 0 (got -1)"),
        (
            "[working_hours]\ntimezone = 'India/Delhi'\n",
            "working_hours.timezone: 'India/Delhi' is not an IANA time zone such as "
            "'Asia/Kolkata' (got 'India/Delhi')",
        ),
        (
            "[working_hours]\nhours = ['10-19']\n",
            "working_hours.hours: '10-19' is not an interval like '10:00-19:00'",
        ),
        ("[working_hours]\ndays = ['monday', 'funday']\n", "unknown day(s) ['fun']"),
        (
            "[[sources]]\nname = 'ig'\nplatform = 'instagram'\naccount = '1'\n",
            "sources[0]: an api source on instagram needs token_env",
        ),
        (
            "[[sources]]\nname = 'x'\nplatform = 'play'\naccount = '1'\n",
            "sources[0].platform: Input should be 'google_play', 'app_store', 'gbp' or 'instagram'",
        ),
        (
            "[[sources]]\nname = 'p'\nplatform = 'gbp'\nkind = 'public'\naccount = 'a'\n",
            "kind 'public' exists only for google_play and app_store",
        ),
        (
            "[[sources]]\nname='a'\nplatform='google_play'\nkind='public'\naccount='x'\n"
            "[[sources]]\nname='a'\nplatform='google_play'\nkind='public'\naccount='y'\n",
            "source names must be unique; repeated: a",
        ),
        ("[sla\n", "not valid TOML"),
    ],
)
def test_errors_name_file_key_and_expectation(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_a_short_lease_alone_is_fine_a_longer_in_flight_written_is_not(tmp_path: Path) -> None:
    """The default in_flight_seconds (120) gives way to a shorter lease someone set; a longer
    value someone wrote would never take effect, so it is refused."""
    config, _ = load_config(write(tmp_path, "[outbox]\nlease_seconds = 60\n"))
    assert config.outbox.lease_seconds == 60 < config.outbox.in_flight_seconds
    with pytest.raises(ConfigError, match="cannot be longer than lease_seconds"):
        load_config(write(tmp_path, "[outbox]\nlease_seconds = 60\nin_flight_seconds = 90\n"))


def test_missing_explicit_file_is_an_error_but_missing_default_is_not(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")
    config, found = load_config()
    assert found is None
    assert config == Config()


def test_env_var_selects_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "[brand]\nname = 'Acme'\n")
    monkeypatch.setenv("INBOX_CONFIG", str(path))
    config, found = load_config()
    assert (config.brand.name, found) == ("Acme", path)


def test_database_url_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_config({"database": {"url": "sqlite:///from-config.db"}}, "t")
    assert database_url(config) == "sqlite:///from-config.db"
    monkeypatch.setenv("INBOX_DATABASE_URL", "sqlite:///from-env.db")
    assert database_url(config) == "sqlite:///from-env.db"
    assert database_url(config, "cli.db") == "cli.db"
    assert database_url(Config(), None) == "sqlite:///from-env.db"
    monkeypatch.delenv("INBOX_DATABASE_URL")
    assert database_url(Config()).endswith("review-inbox/inbox.db")


def test_working_hours_parse() -> None:
    config = parse_config(
        {
            "working_hours": {
                "days": ["Mon", "tue"],
                "hours": ["09:30-13:00", "14:00-24:00"],
                "closed_dates": [date(2026, 12, 31)],
            }
        },
        "t",
    )
    wh = config.working_hours
    assert wh.days == ["mon", "tue"]
    assert wh.intervals()[0] == (time(9, 30), time(13, 0))
    assert wh.intervals()[1][1] == time(23, 59, 59, 999999)
    assert wh.closed_dates == [date(2026, 12, 31)]
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_interval("19:00-10:00")


def test_secrets_are_references_only() -> None:
    """A token pasted into the config is refused: only env var names and file paths exist."""
    with pytest.raises(ConfigError, match="token: unknown key"):
        parse_config(
            {
                "sources": [
                    {"name": "ig", "platform": "instagram", "account": "1", "token": "EAAG..."}
                ]
            },
            "cfg",
        )
