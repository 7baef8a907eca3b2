"""The basemap layer: raster tiles from a `TileStore`, under everything else.

The renderer never waits for a tile: it draws what the store has in memory, an enlarged parent tile
while a child loads, and a light grid where nothing is known yet (pending or failed). The model
re-renders (bumps its version) when tiles arrive, at most once per `TILE_BATCH_MS`, so a screenful
of tiles landing one by one costs a few basemap renders and no render of any other layer.
GCJ-02 tiles (Gaode, Tencent) are drawn onto their WGS-84 place with `tile_transform`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from gridwatch.layers.base import LayerModel, LayerSnapshot
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.raster import device_painter, new_layer_image
from gridwatch.layers.tiles.math import (
    TileKey,
    tile_transform,
    tiles_for_extent,
    wgs84_to_gcj02,
    zoom_for_resolution,
)
from gridwatch.layers.tiles.store import TileReader, TileStore
from gridwatch.layers.view import Extent, MapView, lonlat_to_mercator, mercator_to_lonlat

TILE_BATCH_MS = 100
PARENT_LEVELS = 4  # how far up to look for a loaded tile to enlarge while a child loads
MAX_TILES = 400  # a view needing more tiles than this (far below the source's zooms) draws none


@dataclass(frozen=True)
class BasemapStyle:
    placeholder: int = 0xFFEFECE6
    placeholder_lines: int = 0xFFE0DCD3
    placeholder_step_px: int = 32


@dataclass(frozen=True, kw_only=True)
class BasemapSnapshot(LayerSnapshot):
    tiles: TileReader | None  # thread-safe and no QObject: workers may hold it past the store's life
    style: BasemapStyle


def tiles_in_view(view: MapView, reader: TileReader) -> list[TileKey]:
    """The tiles a render of `view` asks for, nearest the centre first; [] below the source's zooms.

    A GCJ-02 source's tiles sit a few hundred metres off: the view is taken into their datum first.
    """
    z = zoom_for_resolution(view.device_resolution, 0, reader.max_zoom, reader.tile_size)
    if z < reader.min_zoom:
        return []
    extent = view.extent
    if reader.datum == "gcj02":
        lon, lat = mercator_to_lonlat(
            np.array([extent.xmin, extent.xmax, extent.xmax, extent.xmin]),
            np.array([extent.ymin, extent.ymin, extent.ymax, extent.ymax]),
        )
        x, y = lonlat_to_mercator(*wgs84_to_gcj02(lon, lat))
        extent = Extent(float(x.min()), float(y.min()), float(x.max()), float(y.max()))
    keys = tiles_for_extent(extent, z)
    return keys if len(keys) <= MAX_TILES else []


def _draw_placeholder(painter: QPainter, size: int, style: BasemapStyle) -> None:
    painter.fillRect(QRectF(0, 0, size, size), QColor.fromRgba(style.placeholder))
    painter.setPen(QPen(QColor.fromRgba(style.placeholder_lines), 0))
    for k in range(0, size + 1, style.placeholder_step_px):
        painter.drawLine(k, 0, k, size)
        painter.drawLine(0, k, size, k)


def _draw_parent(painter: QPainter, reader: TileReader, key: TileKey, size: int) -> bool:
    """The nearest loaded ancestor's part of this tile, enlarged; False if none is in memory."""
    for up in range(1, min(PARENT_LEVELS, key.z - reader.min_zoom) + 1):
        parent = reader.peek(key.z - up, key.x >> up, key.y >> up)
        if parent is not None:
            part = parent.width() / (1 << up)
            sx, sy = (key.x - ((key.x >> up) << up)) * part, (key.y - ((key.y >> up) << up)) * part
            painter.drawImage(QRectF(0, 0, size, size), parent, QRectF(sx, sy, part, part))
            return True
    return False


def render_basemap(snapshot: BasemapSnapshot, view: MapView, cancel: CancelToken) -> QImage:
    image = new_layer_image(view)
    reader = snapshot.tiles
    if reader is None:
        return image
    keys = tiles_in_view(view, reader)
    if not keys:
        return image
    cancel.check()
    reader.retain(keys)
    size = reader.tile_size
    painter = device_painter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # tiles abut: no seams from AA
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    base = painter.transform()
    try:
        for key in keys:
            cancel.check()
            tile = reader.image(*key)
            if tile is None and reader.state(*key) == "empty":
                continue
            painter.setTransform(tile_transform(view, key, reader.datum, size) * base)
            if tile is not None:
                painter.drawImage(QRectF(0, 0, size, size), tile)
            elif not _draw_parent(painter, reader, key, size):
                _draw_placeholder(painter, size, snapshot.style)
    finally:
        painter.end()
    return image


class BasemapLayer(LayerModel):
    """Owns its `TileStore` (closes it when replaced or on `close()`); no store draws nothing."""

    def __init__(self, name: str = "basemap", store: TileStore | None = None, *, z: int = 0) -> None:
        super().__init__(name, z=z)
        self._store: TileStore | None = None
        self._style = BasemapStyle()
        self._batch = QTimer(self)
        self._batch.setSingleShot(True)
        self._batch.setInterval(TILE_BATCH_MS)
        self._batch.timeout.connect(self.touch)
        self.set_store(store)

    @property
    def store(self) -> TileStore | None:
        return self._store

    def set_store(self, store: TileStore | None) -> None:
        if self._store is not None:
            self._store.close()
        self._store = store
        if store is not None:
            store.tile_ready.connect(self._tile_arrived)
        self.touch()

    def set_style(self, style: BasemapStyle) -> None:
        self._style = style
        self.touch()

    def close(self) -> None:
        self._batch.stop()
        self.set_store(None)

    def loading(self, view: MapView) -> bool:
        """Tiles of `view` still on their way, or their re-render still due (failed tiles do not count):
        what a screenshot waits for."""
        if self._batch.isActive():
            return True
        if self._store is None:
            return False
        reader = self._store.reader
        return any(reader.state(*key) in ("pending", "unknown") for key in tiles_in_view(view, reader))

    def _tile_arrived(self) -> None:
        if not self._batch.isActive():
            self._batch.start()

    def snapshot(self) -> BasemapSnapshot:
        return BasemapSnapshot(
            layer_id=self.layer_id,
            version=self.version,
            tiles=self._store.reader if self._store is not None else None,
            style=self._style,
        )
