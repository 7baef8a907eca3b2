"""Today's attendance on the personnel layer: a late, early or absent worker's dot wears a ring of its
colour, an on-time one none; the identify feature carries the status and the minute; the legend names
the rings shown."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.personnel import (
    ABSENT_RING,
    EARLY_RING,
    LATE_RING,
    RINGS,
    PersonnelData,
    PersonnelLayer,
)
from gridwatch.layers.points import PointSet
from gridwatch.layers.raster import pixels
from gridwatch.layers.registry import render
from gridwatch.layers.view import MapView

VIEW = MapView(0.0, 0.0, 1.0, 400, 100)  # 1 m a pixel, the origin at pixel (200, 50)
XS = [-150.0, -50.0, 50.0, 150.0]  # on time, late, early leave, absent: pixels 50, 150, 250, 350
YS = [0.0, -0.1, -0.2, -0.3]  # all in pixel row 50, not on one line (the grid index wants an area)


def layer() -> PersonnelLayer:
    points = PointSet.from_mercator(XS, YS, [11, 12, 13, 14]).build_index()
    data = PersonnelData.build(points, [True] * 4, [], [], [], [0, 1, 2, 3], [505, 532, 1010, -1])
    return PersonnelLayer(data=data)


def test_a_ring_of_the_status_colour_around_late_early_and_absent_workers_only() -> None:
    image = render(layer().snapshot(), VIEW, CancelToken())
    px = pixels(image)
    ring = [int(px[50, x + 9]) for x in (50, 150, 250, 350)]  # 9 px right of each dot's centre
    assert ring == [0, LATE_RING, EARLY_RING, ABSENT_RING]
    left = [int(px[50, x - 10]) for x in (50, 150, 250, 350)]
    assert left == [0, LATE_RING, EARLY_RING, ABSENT_RING]
    assert int(px[50, 150]) == int(px[50, 50])  # the dot itself is the same for everyone


def test_identify_carries_the_status_and_the_minute() -> None:
    found = layer().identify(VIEW, 150.0, 50.0)
    assert [(f.feature_id, f.properties) for f in found] == [
        (12, {"on_duty": True, "attendance": "late", "clock_minute": 532})
    ]
    (normal,) = layer().identify(VIEW, 50.0, 50.0)
    assert normal.properties["attendance"] == "" and normal.properties["clock_minute"] == 505


def test_the_legend_names_only_the_rings_shown(qtbot: QtBot) -> None:
    keys = [e.key for e in layer().legend()]
    assert keys == ["person.on_duty", "person.off_duty", "person.late", "person.early_leave", "person.absent"]
    assert layer().legend()[2].symbol == RINGS[1]
    alone = PointSet.from_mercator([0.0], [0.0], [1])
    quiet = PersonnelLayer(data=PersonnelData.build(alone, [True], [], [], []))
    assert [e.key for e in quiet.legend()] == ["person.on_duty", "person.off_duty"]
    with qtbot.waitSignal(quiet.appearance_changed, timeout=1000):  # a first late worker: the legend grows
        quiet.set_data(layer()._data)
