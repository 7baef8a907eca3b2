"""Which store to open: `--db`, then $GRIDWATCH_DB, then the config file, else a file in the data dir.

With nothing chosen, the data directory's own store (gridwatch.sqlite) is opened when it is a store, else
the demo's (demo.sqlite, which `gridwatch demo` builds): a newcomer who just ran the demo finds it from
every command. Resolving never creates anything (docs/ARCHITECTURE.md: only `db upgrade` and `seed` do).
"""

from __future__ import annotations

import os
import sqlite3
import tomllib
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "gridwatch"


def config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_sqlite_path() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "gridwatch.sqlite"


def demo_sqlite_path() -> Path:
    """The demo's own store, next to the default one, so trying the demo never touches a site's store."""
    return default_sqlite_path().with_name("demo.sqlite")


@dataclass(frozen=True)
class StoreChoice:
    """A store URL and what chose it, so a command can say which store it opened and why."""

    url: str
    chosen_by: str  # "--db", "$GRIDWATCH_DB", "the config file", "default" or "demo"


def choose_store(explicit: str | None = None) -> StoreChoice:
    """The store a command should use, in the documented order of precedence."""
    if explicit:
        return StoreChoice(normalize_url(explicit), "--db")
    env = os.environ.get("GRIDWATCH_DB")
    if env:
        return StoreChoice(normalize_url(env), "$GRIDWATCH_DB")
    path = config_file()
    if path.exists():
        with path.open("rb") as f:
            configured = tomllib.load(f).get("db")
        if isinstance(configured, str) and configured:
            return StoreChoice(normalize_url(configured), "the config file")
    own, demo = default_sqlite_path(), demo_sqlite_path()
    if not is_store_file(own) and is_store_file(demo):
        return StoreChoice(f"sqlite:///{demo}", "demo")
    return StoreChoice(f"sqlite:///{own}", "default")


def resolve_url(explicit: str | None = None) -> str:
    """The store URL a command should use (see `choose_store`)."""
    return choose_store(explicit).url


def sqlite_file(url: str) -> Path | None:
    """The file an SQLite URL names; None for another backend or an in-memory store."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return Path(path.split("?", 1)[0]) if path and path != ":memory:" else None


def is_store_file(path: Path) -> bool:
    """Whether `path` is an SQLite file with the schema in it (opened read-only: looking creates nothing)."""
    if not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
    except sqlite3.Error:
        return False
    return found is not None


def normalize_url(url: str) -> str:
    """Accept the short forms people type: a bare file path, or postgresql:// without a driver."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url
