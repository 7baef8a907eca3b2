"""The `gridwatch` command line; each module of this package registers its own commands on `root.app`."""

from __future__ import annotations

from gridwatch.cli import analytics as analytics_cli  # noqa: F401  (registers `gridwatch analytics scan`)
from gridwatch.cli import (  # noqa: F401
    analytics_serve,
    cases,
    gis,
    io,
    report,
    seed,
    sensors_serve,
    serve,
    store_admin,
    talk,
    ui,
    users,
)
from gridwatch.cli import calendar as calendar_cli  # noqa: F401  (registers `gridwatch calendar`)
from gridwatch.cli import levels as levels_cli  # noqa: F401  (registers `gridwatch center`, `handbook`, …)
from gridwatch.cli import map as map_cli  # noqa: F401  (registers `gridwatch map`)
from gridwatch.cli import review as review_cli  # noqa: F401  (registers `gridwatch review`)
from gridwatch.cli import wall as wall_cli  # noqa: F401  (registers `gridwatch wall`)
from gridwatch.cli.root import app


def main() -> None:
    """Entry point of the `gridwatch` console script."""
    app()
