"""Colour ramps: value → colour as a lookup table, so colouring N values is one take()."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from gridwatch.layers.raster import premultiply

# stops as (position 0..1, 0xAARRGGBB); YlOrRd for metrics, a transparent-to-hot ramp for density
RAMPS: dict[str, tuple[tuple[float, int], ...]] = {
    "ylorrd": (
        (0.0, 0xFFFFFFB2),
        (0.25, 0xFFFECC5C),
        (0.5, 0xFFFD8D3C),
        (0.75, 0xFFF03B20),
        (1.0, 0xFFBD0026),
    ),
    "greens": ((0.0, 0xFFEDF8E9), (0.5, 0xFF74C476), (1.0, 0xFF006D2C)),
    "heat": ((0.0, 0x000000FF), (0.2, 0x800080FF), (0.45, 0xC000FFFF), (0.7, 0xE0FFFF00), (1.0, 0xF0FF0000)),
    # viridis (perceptually uniform, readable with every colour-vision deficiency and in grey) over a
    # rising opacity, so a light density lets the map through: the density layer's ramp
    "viridis": (
        (0.0, 0x00440154),
        (0.15, 0x80482878),
        (0.35, 0xA83E4A89),
        (0.55, 0xC026828E),
        (0.75, 0xD035B779),
        (1.0, 0xE0FDE725),
    ),
}


def lut(name: str, size: int = 256) -> NDArray[np.uint32]:
    """`size` straight-alpha 0xAARRGGBB colours interpolated along the ramp's stops."""
    stops = RAMPS[name]
    pos = np.array([p for p, _ in stops])
    colours = np.array([c for _, c in stops], dtype=np.uint32)
    t = np.linspace(0.0, 1.0, size)
    out = np.zeros(size, dtype=np.uint32)
    for shift in (0, 8, 16, 24):
        channel = np.interp(t, pos, ((colours >> shift) & 0xFF).astype(np.float64))
        out |= np.round(channel).astype(np.uint32) << shift
    return out


def premultiplied_lut(name: str, size: int = 256) -> NDArray[np.uint32]:
    return premultiply(lut(name, size))


def classify(values: NDArray[np.float64], vmin: float, vmax: float, classes: int) -> NDArray[np.int64]:
    """Class 0..classes-1 per value, -1 for NaN (no data): polygons are then filled per class."""
    span = vmax - vmin if vmax > vmin else 1.0
    cls = np.floor((values - vmin) / span * classes)
    cls = np.clip(np.nan_to_num(cls, nan=-1.0), -1, classes - 1)
    cls[np.isnan(values)] = -1
    out: NDArray[np.int64] = cls.astype(np.int64)
    return out
