"""Which store a command opens: --db, then $GRIDWATCH_DB, then the config file, else the data directory."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from gridwatch.db import config


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("GRIDWATCH_DB", raising=False)
    return tmp_path


def test_precedence(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.resolve_url() == f"sqlite:///{home / 'data' / 'gridwatch' / 'gridwatch.sqlite'}"
    cfg = config.config_file()
    cfg.parent.mkdir(parents=True)
    cfg.write_text('db = "postgresql://center@db.local/gridwatch"\n', encoding="utf-8")
    assert config.resolve_url() == "postgresql+psycopg://center@db.local/gridwatch"
    monkeypatch.setenv("GRIDWATCH_DB", str(home / "env.sqlite"))
    assert config.resolve_url() == f"sqlite:///{home / 'env.sqlite'}"
    assert config.resolve_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"


def test_the_demo_store_is_found_when_it_is_the_only_one(home: Path) -> None:
    """After `gridwatch demo`, a command without --db opens the demo's store (issue 9), even over an empty
    gridwatch.sqlite that an older version created by looking; a real own store wins."""
    data = home / "data" / "gridwatch"
    data.mkdir(parents=True)
    (data / "gridwatch.sqlite").touch()
    assert config.choose_store() == config.StoreChoice(f"sqlite:///{data / 'gridwatch.sqlite'}", "default")
    with closing(sqlite3.connect(data / "demo.sqlite")) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    assert config.choose_store() == config.StoreChoice(f"sqlite:///{data / 'demo.sqlite'}", "demo")
    with closing(sqlite3.connect(data / "gridwatch.sqlite")) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
    assert config.choose_store() == config.StoreChoice(f"sqlite:///{data / 'gridwatch.sqlite'}", "default")
    assert not (home / "config").exists()  # choosing creates nothing
