"""numpy coordinates → QPainterPath in one deserialisation (pyqtgraph's arrayToQPath trick).

QPainterPath's QDataStream format is: int32 count, then per element (int32 type, float64 x,
float64 y), then int32 cStart and int32 fill rule, all big-endian. Building those bytes with numpy
and reading them with `>>` costs one pass, where moveTo/lineTo per vertex would be Python per vertex.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, Qt
from PySide6.QtGui import QPainterPath

_MOVE_TO, _LINE_TO = 0, 1
_ELEMENT = np.dtype([("type", ">i4"), ("x", ">f8"), ("y", ">f8")])


def path_from_parts(
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    starts: NDArray[np.bool_],
    fill_rule: Qt.FillRule = Qt.FillRule.OddEvenFill,
) -> QPainterPath:
    """One path of many sub-paths: a new sub-path begins wherever `starts` is True.

    Rings of polygons (with holes) fill correctly with the odd-even rule.
    """
    path = QPainterPath()
    n = x.size
    if n == 0:
        return path
    body = np.empty(n, dtype=_ELEMENT)
    body["type"] = np.where(starts, _MOVE_TO, _LINE_TO)
    body["type"][0] = _MOVE_TO
    body["x"] = x
    body["y"] = y
    blob = (
        np.array([n], dtype=">i4").tobytes()
        + body.tobytes()
        + np.array([0, int(fill_rule.value)], dtype=">i4").tobytes()
    )
    data = QByteArray(blob)  # named: the stream refers to it and must not outlive it
    stream = QDataStream(data, QIODevice.OpenModeFlag.ReadOnly)
    stream >> path
    return path
