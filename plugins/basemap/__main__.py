"""`python -m gridwatch.plugins.basemap OUT.mbtiles --seed N`: render the demo district's basemap.

Run as its own process (see `demo_basemap.ensure_demo_basemap`) because drawing text needs a
QGuiApplication, and the CLI that asks for the map may open a QApplication of its own afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from gridwatch.plugins.basemap.demo_map import build_demo_map
from gridwatch.plugins.basemap.render import write_mbtiles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gridwatch.plugins.basemap", description=__doc__)
    parser.add_argument("out", type=Path, help="the .mbtiles file to write (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=1, help="the demo district's seed (default 1)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    count = write_mbtiles(
        build_demo_map(args.seed), args.out, name=f"gridwatch demo district (seed {args.seed})"
    )
    print(f"{args.out}: {count} tiles")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
