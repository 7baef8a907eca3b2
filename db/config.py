"""Which store to open: `--db`, then $GRIDWATCH_DB, then the config file, else a file in the data dir."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import platformdirs

APP = "gridwatch"


def config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_sqlite_path() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "gridwatch.sqlite"


def resolve_url(explicit: str | None = None) -> str:
    """The store URL a command should use, in the documented order of precedence."""
    if explicit:
        return normalize_url(explicit)
    env = os.environ.get("GRIDWATCH_DB")
    if env:
        return normalize_url(env)
    path = config_file()
    if path.exists():
        with path.open("rb") as f:
            configured = tomllib.load(f).get("db")
        if isinstance(configured, str) and configured:
            return normalize_url(configured)
    sqlite = default_sqlite_path()
    sqlite.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{sqlite}"


def normalize_url(url: str) -> str:
    """Accept the short forms people type: a bare file path, or postgresql:// without a driver."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url
