"""Tile read paths: offline archive reads per tile, and a TileStore memory hit (the per-frame cost).

Run: QT_QPA_PLATFORM=offscreen python bench/tiles.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QGuiApplication

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from gridwatch.layers.tiles.sources import open_source
from gridwatch.layers.tiles.store import TileStore
from tests.layers.test_tiles_files import make_mbtiles, make_pmtiles
from tests.layers.test_tiles_network import png


def median_us(fn: object, n: int = 2000, repeats: int = 5) -> float:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()  # type: ignore[operator]
        runs.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(runs)


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (QImage decoding needs it)
    with tempfile.TemporaryDirectory() as tmp:
        for make, suffix in ((make_mbtiles, ".mbtiles"), (make_pmtiles, ".pmtiles")):
            source = open_source(str(make(Path(tmp) / f"b{suffix}")))
            print(f"{suffix[1:]:8} get(): {median_us(lambda s=source: s.get(2, 3, 1)):7.1f} µs median")
            source.close()
        store = TileStore(open_source(str(make_mbtiles(Path(tmp) / "s.mbtiles", tiles={(0, 0, 0): png()}))))
        loop = QEventLoop()  # not processEvents() in a loop: in PySide6 6.12.0 each call drops a ref to None
        store.tile_ready.connect(loop.quit)
        store.image(0, 0, 0)
        loop.exec()
        assert store.state(0, 0, 0) == "ready"
        print(f"store image() hit: {median_us(lambda: store.image(0, 0, 0)):7.2f} µs median")
        print(f"store image() miss (out of range): {median_us(lambda: store.image(9, 0, 0)):7.2f} µs median")
        store.close()


if __name__ == "__main__":
    main()
