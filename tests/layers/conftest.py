"""Fixtures for layer tests: the application object (fonts need one) and a small deterministic city.

The whole suite shares one QApplication (pytest-qt's session `qapp`): a QGuiApplication made here first
would abort every later widget test.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
import shapely
from PySide6.QtGui import QGuiApplication, QImage

from gridwatch.layers.cases import CaseData
from gridwatch.layers.points import PointSet
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.view import Extent, MapView, lonlat_to_mercator

# a 0.02° square in Xiamen (思明区)
LON0, LAT0, SPAN = 118.08, 24.45, 0.02


@pytest.fixture(autouse=True)
def _gui_app(qapp: QGuiApplication) -> QGuiApplication:
    """Fonts and QPainter text need an application object even offscreen."""
    return qapp


@pytest.fixture
def city_extent() -> Extent:
    x0, y0 = lonlat_to_mercator(LON0, LAT0)
    x1, y1 = lonlat_to_mercator(LON0 + SPAN, LAT0 + SPAN)
    return Extent(float(x0), float(y0), float(x1), float(y1))


@pytest.fixture
def city_view(city_extent: Extent) -> MapView:
    return MapView.fit(city_extent, 320, 240)


def make_cases(n: int, seed: int = 7) -> CaseData:
    rng = np.random.default_rng(seed)
    points = PointSet.from_lonlat(
        rng.uniform(LON0, LON0 + SPAN, n), rng.uniform(LAT0, LAT0 + SPAN, n), ids=np.arange(1000, 1000 + n)
    )
    return CaseData.build(
        points, rng.integers(0, 2, n), rng.integers(0, 5, n), rng.integers(0, 4, n), rng.integers(0, 3, n)
    )


def grid_squares(
    cells: int, lon0: float = LON0, lat0: float = LAT0, span: float = SPAN
) -> list[shapely.Polygon]:
    step = span / cells
    return [
        shapely.box(lon0 + i * step, lat0 + j * step, lon0 + (i + 1) * step, lat0 + (j + 1) * step)
        for j in range(cells)
        for i in range(cells)
    ]


def make_grids(cells: int) -> PolygonSet:
    squares = grid_squares(cells)
    return PolygonSet.from_lonlat(
        np.arange(len(squares)), [f"网格{i:02d}" for i in range(len(squares))], squares
    )


@pytest.fixture
def cases() -> CaseData:
    return make_cases(400)


@pytest.fixture
def grids() -> PolygonSet:
    return make_grids(4)


REFERENCE = Path(__file__).parent / "reference"


def _as_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    words = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return words[:, : image.width() * 4].reshape(image.height(), image.width(), 4).astype(np.int16)


class Golden:
    """Compare with tests/layers/reference/<name>.png; GRIDWATCH_UPDATE_REFERENCE=1 rewrites them.

    Tolerance: a pixel differs when a channel moves by more than `channel`; at most `fraction` of
    pixels may differ, which absorbs font hinting and antialiasing noise but not a moved symbol.
    """

    def __init__(self, failures: Path) -> None:
        self._failures = failures

    def check(self, image: QImage, name: str, channel: int = 48, fraction: float = 0.004) -> None:
        path = REFERENCE / f"{name}.png"
        if os.environ.get("GRIDWATCH_UPDATE_REFERENCE") == "1" or not path.exists():
            assert os.environ.get("CI") is None, f"missing reference {path}"
            image.save(str(path))
            return
        expected = QImage(str(path))
        actual = _as_array(image)
        wanted = _as_array(expected)
        assert actual.shape == wanted.shape, f"{name}: size {actual.shape} != {wanted.shape}"
        differs = (np.abs(actual - wanted).max(axis=2) > channel).mean()
        if differs > fraction:
            out = self._failures / f"{name}.actual.png"
            image.save(str(out))
            pytest.fail(f"{name}: {differs:.2%} of pixels differ (> {fraction:.2%}); actual saved to {out}")


@pytest.fixture
def golden(tmp_path: Path) -> Golden:
    return Golden(tmp_path)
