"""Offline basemaps (MBTiles, PMTiles) from small files written here, the disk cache, and open_source."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write as write_pmtiles

from gridwatch.layers.tiles.cache import DiskCache
from gridwatch.layers.tiles.sources import (
    MBTilesSource,
    PMTilesSource,
    SourceError,
    XYZSource,
    open_source,
)

TILES = {(0, 0, 0): b"zero", (1, 0, 0): b"north-west", (1, 1, 1): b"south-east", (2, 3, 1): b"two-three-one"}


def make_mbtiles(path: Path, fmt: str = "png", tiles: dict[tuple[int, int, int], bytes] = TILES) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [
        ("name", "城区底图"), ("format", fmt), ("bounds", "116.0,39.6,116.8,40.2"),
        ("minzoom", "0"), ("maxzoom", "2")])
    db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                   [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()])
    db.commit()
    db.close()
    return path


def make_pmtiles(path: Path, tile_type: TileType = TileType.PNG) -> Path:
    with write_pmtiles(str(path)) as writer:
        for (z, x, y), data in sorted(TILES.items(), key=lambda t: zxy_to_tileid(*t[0])):
            writer.write_tile(zxy_to_tileid(z, x, y), data)
        writer.finalize({
            "tile_type": tile_type, "tile_compression": Compression.NONE,
            "min_lon_e7": 1160000000, "min_lat_e7": 396000000, "max_lon_e7": 1168000000,
            "max_lat_e7": 402000000, "center_zoom": 1, "center_lon_e7": 1164000000,
            "center_lat_e7": 399000000,
        }, {"name": "城区底图"})
    return path


@pytest.mark.parametrize("make", [make_mbtiles, make_pmtiles])
def test_archive_reads_tiles_in_xyz_order(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    suffix = ".mbtiles" if make is make_mbtiles else ".pmtiles"
    source = open_source(str(make(tmp_path / f"city{suffix}")))
    try:
        for (z, x, y), data in TILES.items():
            assert source.get(z, x, y) == data
        assert source.get(1, 0, 1) is None  # TMS flip: (1,0,0) exists, its mirror row does not
        assert source.get(2, 0, 0) is None
        assert (source.name, source.min_zoom, source.max_zoom) == ("城区底图", 0, 2)
        assert source.bounds == pytest.approx((116.0, 39.6, 116.8, 40.2))
        assert source.datum == "wgs84"
    finally:
        source.close()


def test_archives_take_a_configured_datum(tmp_path: Path) -> None:
    source = open_source(str(make_pmtiles(tmp_path / "gaode.pmtiles")), datum="gcj02")
    assert source.datum == "gcj02"
    source.close()


def test_vector_archives_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a raster"):
        MBTilesSource(make_mbtiles(tmp_path / "v.mbtiles", fmt="pbf"))
    with pytest.raises(SourceError, match="not a raster"):
        PMTilesSource(make_pmtiles(tmp_path / "v.pmtiles", TileType.MVT))


@pytest.mark.parametrize("suffix", [".mbtiles", ".pmtiles"])
def test_corrupt_or_missing_archives_are_clear_errors(tmp_path: Path, suffix: str) -> None:
    with pytest.raises(SourceError, match="not found"):
        open_source(str(tmp_path / f"absent{suffix}"))
    junk = tmp_path / f"junk{suffix}"
    junk.write_bytes(os.urandom(4096))
    with pytest.raises(SourceError, match="not a readable"):
        open_source(str(junk))


def test_open_source_by_kind(tmp_path: Path) -> None:
    source = open_source("https://t{s}.example.cn/{z}/{x}/{y}.png", subdomains="0123", datum="gcj02")
    assert isinstance(source, XYZSource) and source.datum == "gcj02"
    assert source.url(3, 1, 2) == "https://t3.example.cn/3/1/2.png"
    with pytest.raises(SourceError, match="needs"):
        open_source("https://tiles.example.cn/tile.png")
    with pytest.raises(SourceError, match="unknown basemap"):
        open_source(str(tmp_path / "map.tif"))


def test_cache_ids_differ_per_template() -> None:
    a = XYZSource("https://a.example.cn/{z}/{x}/{y}.png").cache_id
    b = XYZSource("https://a.example.cn/sat/{z}/{x}/{y}.png").cache_id
    assert a != b and a.startswith("a.example.cn-")


def test_disk_cache_round_trip_is_atomic(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path / "c")
    assert cache.get(3, 1, 2) is None
    cache.put(3, 1, 2, b"png bytes")
    cache.put(3, 1, 2, b"newer png bytes")
    assert cache.get(3, 1, 2) == b"newer png bytes"
    assert [p.name for p in (tmp_path / "c").rglob("*") if p.is_file()] == ["2.tile"]
    assert cache.total_bytes == len(b"newer png bytes")
    assert DiskCache(tmp_path / "c").total_bytes == cache.total_bytes  # counted again on reopening
    cache.discard(3, 1, 2)
    assert cache.get(3, 1, 2) is None and cache.total_bytes == 0


def test_disk_cache_prunes_least_recently_used(tmp_path: Path) -> None:
    cache = DiskCache(tmp_path, max_bytes=10_000)
    for y in range(9):
        cache.put(5, 0, y, bytes(1000))
        past = time.time() - 1000 + y
        os.utime(cache.path(5, 0, y), (past, past))
    assert cache.get(5, 0, 0) is not None  # a read makes tile 0 the most recent
    cache.put(5, 0, 9, bytes(1000))
    cache.put(5, 0, 10, bytes(1000))  # 11 kB > 10 kB: prune to 9 kB
    assert cache.total_bytes <= 9_000
    assert cache.get(5, 0, 0) is not None and cache.get(5, 0, 10) is not None
    assert cache.get(5, 0, 1) is None and cache.get(5, 0, 2) is None
