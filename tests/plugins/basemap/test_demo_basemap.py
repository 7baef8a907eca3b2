"""The demo district's generated basemap (docs/BASEMAP.md): the MBTiles file the map reads, its tiles'
coverage, colours where the roads and the lake are, determinism, and the demo map showing it.

The file is rendered once for the module (a few seconds) with the real QPainter renderer.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot
from shapely.geometry import Point

from gridwatch.db.config import demo_sqlite_path
from gridwatch.db.demo_city import seed_demo
from gridwatch.db.demo_city.names import ROADS
from gridwatch.db.demo_city.territory import build_territory
from gridwatch.db.store import Store
from gridwatch.layers.tiles.math import HALF_WORLD_M, TILE_SIZE, TileKey, tile_span_m, tiles_for_extent
from gridwatch.layers.tiles.sources import MBTilesSource, open_source
from gridwatch.layers.view import Extent, mercator_to_lonlat
from gridwatch.plugins.basemap.demo_cache import CACHE_VERSION, ensure_demo_basemap
from gridwatch.plugins.basemap.demo_map import DemoMap, build_demo_map
from gridwatch.plugins.basemap.render import (
    MAX_ZOOM,
    MIN_ZOOM,
    ROAD,
    SEA,
    TileRenderer,
    png_bytes,
    write_mbtiles,
)
from gridwatch.ui.map import MapWidget

SEED = 1


@pytest.fixture(scope="module")
def demo() -> DemoMap:
    return build_demo_map(SEED)


@pytest.fixture(scope="module")
def mbtiles(qapp: object, demo: DemoMap, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("basemap") / "demo.mbtiles"
    write_mbtiles(demo, path, name="demo")
    return path


def pixel_of(x: float, y: float, z: int) -> tuple[TileKey, int, int]:
    """The tile and the pixel in it that hold Mercator point (x, y) at zoom z."""
    scale = TILE_SIZE / tile_span_m(z)
    gx, gy = (x + HALF_WORLD_M) * scale, (HALF_WORLD_M - y) * scale
    return TileKey(z, int(gx // TILE_SIZE), int(gy // TILE_SIZE)), int(gx % TILE_SIZE), int(gy % TILE_SIZE)


def colour_at(source: MBTilesSource, x: float, y: float, z: int) -> str:
    key, px, py = pixel_of(x, y, z)
    data = source.get(key.z, key.x, key.y)
    assert data is not None, f"no tile {key}"
    return QImage.fromData(data).pixelColor(px, py).name()


def test_the_file_opens_as_a_raster_mbtiles_with_the_districts_bounds(mbtiles: Path) -> None:
    source = open_source(str(mbtiles))
    assert isinstance(source, MBTilesSource)
    assert (source.min_zoom, source.max_zoom) == (MIN_ZOOM, MAX_ZOOM) == (11, 16)
    district = build_territory(SEED).district.geom
    assert source.bounds == pytest.approx(district.bounds, abs=1e-6)
    assert mbtiles.stat().st_size < 6_000_000  # small enough to ship and to cache


def test_every_zoom_has_every_tile_over_the_district(mbtiles: Path, demo: DemoMap) -> None:
    source = MBTilesSource(mbtiles)
    for z in range(MIN_ZOOM, MAX_ZOOM + 1):
        keys = tiles_for_extent(Extent(*demo.district), z)
        missing = [k for k in keys if source.get(k.z, k.x, k.y) is None]
        assert not missing, f"zoom {z}: {len(missing)} of {len(keys)} tiles missing"
    assert source.get(MAX_ZOOM, 0, 0) is None  # and nothing far away


def _clear_of_labels(demo: DemoMap, renderer: TileRenderer, z: int, point: Point) -> bool:
    zoom = renderer.zoom(z)
    x, y = zoom.px(point.x, point.y)
    return not any(label.rect().adjusted(-4, -4, 4, 4).contains(x, y) for label in zoom.labels)


def test_a_named_road_is_drawn_in_road_colour_where_it_runs(
    qapp: object, mbtiles: Path, demo: DemoMap
) -> None:
    source, renderer = MBTilesSource(mbtiles), TileRenderer(demo)
    assert [road.name for road in demo.named] == list(ROADS)  # every road the addresses name is on the map
    checked = 0
    for road in demo.named[:5]:
        for share in (0.2, 0.4, 0.6, 0.8):
            spot = road.line.interpolate(share, normalized=True)
            if _clear_of_labels(demo, renderer, MAX_ZOOM, spot):
                assert colour_at(source, spot.x, spot.y, MAX_ZOOM) == QColor(ROAD).name(), road.name
                checked += 1
    assert checked >= 15
    # and inside a block, away from every line: not road colour
    block = max(demo.blocks, key=lambda b: b.area)
    inside = block.buffer(-20).representative_point()
    assert colour_at(source, inside.x, inside.y, MAX_ZOOM) != QColor(ROAD).name()


def test_the_lake_is_water_coloured(qapp: object, mbtiles: Path, demo: DemoMap) -> None:
    source, renderer = MBTilesSource(mbtiles), TileRenderer(demo)
    ring = demo.lake.geom.buffer(-15).exterior
    spots = [ring.interpolate(k / 12, normalized=True) for k in range(12)]
    spots = [p for p in spots if _clear_of_labels(demo, renderer, MAX_ZOOM, p)]
    assert len(spots) >= 8
    assert {colour_at(source, p.x, p.y, MAX_ZOOM) for p in spots} == {QColor(SEA).name()}


def test_the_same_seed_gives_the_same_tiles(qapp: object, mbtiles: Path) -> None:
    again = TileRenderer(build_demo_map(SEED))
    source = MBTilesSource(mbtiles)
    keys = [TileKey(*k) for k in _sample_keys(mbtiles)]
    assert len(keys) == 12
    for key in keys:
        stored = source.get(*key)
        assert stored is not None
        assert hashlib.sha256(png_bytes(again.tile(key))).hexdigest() == hashlib.sha256(stored).hexdigest()
    other = TileRenderer(build_demo_map(SEED + 1))
    assert png_bytes(other.tile(keys[-1])) != source.get(*keys[-1])  # another seed, another district


def _sample_keys(path: Path) -> list[tuple[int, int, int]]:
    """Two tiles per zoom, the middle ones (the most drawn on), as XYZ keys."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute(
            "SELECT zoom_level, tile_column, (1 << zoom_level) - 1 - tile_row FROM tiles ORDER BY 1, 2, 3"
        ).fetchall()
    out = []
    for z in range(MIN_ZOOM, MAX_ZOOM + 1):
        at_z = [r for r in rows if r[0] == z]
        out += [at_z[len(at_z) // 2], at_z[len(at_z) // 2 - 1]]
    return out


def test_the_demo_map_shows_the_basemap(
    qtbot: QtBot, sqlite_store: Store, mbtiles: Path, demo: DemoMap, tmp_path: Path
) -> None:
    seed_demo(sqlite_store, cases=10, seed=SEED)
    no_settings = QSettings(str(tmp_path / "map.ini"), QSettings.Format.IniFormat)  # names no basemap
    shown = {}
    for default in (str(mbtiles), ""):
        widget = MapWidget(sqlite_store, default_basemap=default, settings=no_settings)
        qtbot.addWidget(widget)
        widget.resize(1000, 800)
        widget.show()
        assert widget.wait_loaded(20_000)
        image = widget.canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
        lake = demo.lake.geom.buffer(-15).exterior.interpolate(0.5, normalized=True)
        lon, lat = _lonlat(lake.x, lake.y)
        at = widget.canvas.lonlat_to_screen(lon, lat)
        lake_pixel = image.pixelColor(round(at.x()), round(at.y()))
        shown[default] = (_share(image, SEA), _distance(lake_pixel, QColor(SEA)))
    # the sea south-west of the district, the lake in it (tiles are resampled to the view's scale: ±3)
    sea_share, lake_off = shown[str(mbtiles)]
    assert 0.05 < sea_share < 0.6 and lake_off <= 3
    assert shown[""][0] == 0.0 and shown[""][1] > 20  # the same map without it: no water anywhere


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = mercator_to_lonlat(x, y)
    return float(lon), float(lat)


def _distance(a: QColor, b: QColor) -> int:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))


def _share(image: QImage, colour: str) -> float:
    raw = np.frombuffer(image.constBits(), dtype=np.uint32)[: image.width() * image.height()]
    return float((raw & 0xFFFFFF == QColor(colour).rgb() & 0xFFFFFF).mean())


def test_the_demo_renders_its_basemap_once_next_to_its_store(
    mbtiles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    path, rendered = ensure_demo_basemap(SEED)  # in its own process, as `gridwatch demo` does
    assert rendered and path == demo_sqlite_path().with_name(
        f"demo-basemap-seed{SEED}-{CACHE_VERSION}.mbtiles"
    )
    assert path.parent == tmp_path / "gridwatch"
    assert _tile_digest(path) == _tile_digest(mbtiles)  # another process, the same tiles
    stamp = path.stat().st_mtime_ns
    assert ensure_demo_basemap(SEED) == (path, False) and path.stat().st_mtime_ns == stamp  # reused
    assert not list(path.parent.glob(".*partial"))


def _tile_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with closing(sqlite3.connect(path)) as db:
        for row in db.execute(
            "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY 1, 2, 3"
        ):
            digest.update(repr(row[:3]).encode() + row[3])
    return digest.hexdigest()
