"""Shared fixtures: isolated dirs, a real SQLite file, and a real PostgreSQL server on loopback."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from inbox.db import create_db_engine, upgrade

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Config and data dirs under tmp_path; no INBOX_* variable leaks in from the shell."""
    for key in list(os.environ):
        if key.startswith("INBOX_") and key != "INBOX_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("INBOX_AGENT", "tester")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server for this test run (or INBOX_TEST_POSTGRES_URL)."""
    given = os.environ.get("INBOX_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    bindir = _pg_bin()
    if bindir is None:
        message = "PostgreSQL binaries not found (apt-get install postgresql)"
        if os.environ.get("INBOX_REQUIRE_POSTGRES"):
            pytest.fail(message)
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="inbox-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres")
    data, port = root / "data", _free_port()
    subprocess.run(
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_postgres(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(root / "log"),
                "-w",
                "-o",
                f"-k {root} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


_db_counter = itertools.count()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the test server for one test."""
    name = f"inbox_test_{os.getpid()}_{next(_db_counter)}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = postgres_server.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database: a real SQLite file, and a real PostgreSQL database."""
    url = (
        str(tmp_path / "inbox.db")
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    eng = create_db_engine(url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    eng = create_db_engine(str(tmp_path / "inbox.db"))
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture(scope="session")
def seed_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The classifier trained once on the seed corpus for the whole run, saved with skops."""
    from classifier.corpus import seed_examples
    from classifier.model import ThemeModel
    from classifier.store import save_model
    from classifier.taxonomy import load_taxonomy
    from inbox.classify import model_labels

    taxonomy = load_taxonomy()
    model = ThemeModel.train(
        seed_examples(), model_labels(taxonomy), taxonomy_version=taxonomy.version
    )
    path = tmp_path_factory.mktemp("model") / "model.skops"
    save_model(model, path)
    return path


@pytest.fixture
def with_seed_model(seed_model_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point `inbox` (in this process and in subprocesses) at the session's trained model."""
    monkeypatch.setenv("INBOX_CLASSIFIER_MODEL", str(seed_model_path))
    return seed_model_path
