"""The density layer stays inside the territory and uses viridis (perceptual, colour-blind safe); grid
names that repeat in every community carry the community's (issue 9, item 13)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from PySide6.QtGui import QColor
from shapely.geometry import MultiPolygon, box

from gridwatch.db.models import OrgUnit
from gridwatch.db.reads.map import map_names, org_areas
from gridwatch.db.store import Store
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.heatmap import HeatmapSnapshot, HeatmapStyle, render_heatmap
from gridwatch.layers.points import PointSet
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.view import MapView

VIEW = MapView(0.0, 0.0, 1.0, 200, 100)  # 1 m a pixel, x -100..100, y -50..50 (y up)


def render(clip: PolygonSet | None) -> np.ndarray:
    points = PointSet.from_mercator([-2.0] * 20, [0.0] * 20)  # a hot spot 2 m west of the border x = 0
    snapshot = HeatmapSnapshot(
        layer_id="density", version=1, points=points, style=HeatmapStyle(radius_px=8.0), clip=clip
    )
    image = render_heatmap(snapshot, VIEW, CancelToken())
    return np.array([[QColor.fromRgba(image.pixel(x, y)).getRgb() for x in range(200)] for y in range(100)])


def test_density_is_clipped_to_the_territory_and_viridis() -> None:
    west = PolygonSet.build(np.array([1]), ("district",), np.array([box(-100, -50, 0, 50)], dtype=object))
    clipped, free = render(west), render(None)
    assert free[50, 110, 3] > 0  # unclipped, the blur spills 10 px over the border
    assert clipped[:, 101:, 3].max() == 0  # clipped: nothing east of the territory
    assert clipped[50, 90, 3] == free[50, 90, 3] > 0  # inside, the same density
    y, x = np.unravel_index(np.argmax(clipped[:, :, 3]), clipped.shape[:2])
    r, g, b, a = clipped[y, x]
    # the hottest pixel is viridis's top (#FDE725 at 0xE0 alpha, give or take the upscaling's smoothing),
    # not a red "heat" ramp
    straight = np.array([a, r * 255 / a, g * 255 / a, b * 255 / a])
    assert np.abs(straight - [0xE0, 0xFD, 0xE7, 0x25]).max() <= 16, straight


def test_repeated_grid_names_carry_their_community() -> None:
    units = [("第1网格", "莲前社区"), ("第1网格", "前埔社区"), ("第7网格", "莲前社区"), ("思明区", None)]
    assert map_names(units) == ["莲前社区 第1网格", "前埔社区 第1网格", "第7网格", "思明区"]


def test_the_map_reads_grids_under_unambiguous_names(store: Store) -> None:
    now = datetime.now(UTC)
    with store.session() as s:
        for n, community in enumerate(("莲前社区", "前埔社区")):
            parent = OrgUnit(code=f"35020300100{n}", name=community, level="community", updated_at=now)
            s.add(parent)
            s.flush()
            area = MultiPolygon([box(118.08 + n * 0.01, 24.46, 118.09 + n * 0.01, 24.47)])
            s.add(
                OrgUnit(
                    code=f"35020300100{n}01", name="第1网格", level="grid", parent_id=parent.id, geom=area,
                    updated_at=now,
                )
            )  # fmt: skip
    assert sorted(org_areas(store)["grid"].names) == ["前埔社区 第1网格", "莲前社区 第1网格"]
