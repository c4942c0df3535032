"""Shared fixtures: every test runs with its own data directory; the default store is built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest_plugins = ["support_ci", "support_postgres", "pytester"]


@pytest.fixture(scope="session")
def default_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store of a fresh install (the demo pack + public corpus), built once for the whole session."""
    from kiosk import config
    from kiosk.knowledge.segment import TOKENIZER
    from kiosk.store.demo import DEMO_DIR
    from kiosk.store.importer import build

    path = tmp_path_factory.mktemp("store") / "kiosk.db"
    build(path, config.sources_dirs(), demo=DEMO_DIR, tokenizer=TOKENIZER)
    return path


@pytest.fixture(scope="session")
def real_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the real sources only (`kiosk db build --no-demo`), built once for the whole session."""
    from kiosk import config
    from kiosk.knowledge.segment import TOKENIZER
    from kiosk.store.importer import build

    path = tmp_path_factory.mktemp("real") / "kiosk.db"
    build(path, config.sources_dirs(), tokenizer=TOKENIZER)
    return path


@pytest.fixture(autouse=True)
def kiosk_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default_store_path: Path) -> Path:
    """A private data directory per test, reading the session's default store."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("KIOSK_DATA_DIR", str(data))
    monkeypatch.setenv("KIOSK_DB", str(default_store_path))
    return data


@pytest.fixture
def store(default_store_path: Path):
    from kiosk.store import Store

    s = Store(default_store_path)
    yield s
    s.close()


@pytest.fixture
def clock():
    """A clock the test moves by hand (support_requests.Clock), starting on a Monday morning."""
    from support_requests import Clock

    return Clock()


@pytest.fixture
def svc(tmp_path: Path, clock):
    """A request service on its own requests file, routing among the demo departments, on the test's clock."""
    from support_requests import departments

    from kiosk.requests.repo.db import RequestDB
    from kiosk.requests.routing import Router
    from kiosk.requests.service import RequestService

    service = RequestService(RequestDB(tmp_path / "requests.db"), Router(departments()), clock=clock)
    yield service
    service.close()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """`kiosk` commands run in-process, for the hall and office tests (support_halls.Command)."""
    from support_halls import Command

    return Command(monkeypatch, capsys)


@pytest.fixture(params=["sqlite", "postgres"])
def office(request: pytest.FixtureRequest, tmp_path: Path, store, run):
    """A district office serving on loopback over this test's store's departments, stopped after the test: on its
    data directory's files, and on a PostgreSQL database named in its config.toml."""
    from support_halls import district

    data = tmp_path / "office"
    data.mkdir()
    database = request.getfixturevalue("pg_url") if request.param == "postgres" else ""
    d = district(data, store.departments(), run, database)
    yield d
    d.stop()

