"""Case lights that follow the clock: `lights_at` from per-case moments, and the layer re-rendering only
when a light actually changed."""

from __future__ import annotations

import numpy as np

from gridwatch.layers.base import DETAIL_SCALE
from gridwatch.layers.cases import CaseData, CasesLayer, Light, lights_at
from gridwatch.layers.devices import DevicesLayer
from gridwatch.layers.points import PointSet
from gridwatch.layers.view import MapView

NAN = np.nan


def test_lights_at_follow_yellow_and_due_and_keep_untimed_cases() -> None:
    read = np.array([Light.GREEN, Light.GREEN, Light.GREEN, Light.CLOSED], np.uint8)
    yellow = np.array([80.0, 80.0, 80.0, NAN])
    due = np.array([100.0, 100.0, 100.0, NAN])
    assert lights_at(50, read, yellow, due).tolist() == [Light.GREEN] * 3 + [Light.CLOSED]
    assert lights_at(80, read, yellow, due).tolist() == [Light.YELLOW] * 3 + [Light.CLOSED]
    assert lights_at(100, read, yellow, due).tolist() == [Light.YELLOW] * 3 + [Light.CLOSED]  # due: not late
    assert lights_at(100.5, read, yellow, due).tolist() == [Light.RED] * 3 + [Light.CLOSED]


def test_relight_bumps_the_version_only_when_a_light_changes() -> None:
    points = PointSet.from_lonlat([118.08, 118.09], [24.45, 24.46], [1, 2])
    data = CaseData.build(
        points, [0, 1], [0, 0], [Light.GREEN, Light.CLOSED], [2, 2], yellow_at=[80, NAN], due_at=[100, NAN]
    )
    layer = CasesLayer(data=data)
    version = layer.version
    assert not layer.relight(60) and layer.version == version
    assert layer.relight(101) and layer.version == version + 1
    assert layer.data.light.tolist() == [Light.RED, Light.CLOSED]
    assert layer.data.symbol.tolist() != data.symbol.tolist()  # the symbols follow the lights
    assert not layer.data.light.flags.writeable


def test_the_clock_runs_only_while_some_case_is_timed() -> None:
    points = PointSet.from_lonlat([118.08], [24.45], [1])
    layer = CasesLayer()
    assert layer.relight_interval_ms == 60_000
    layer.set_data(CaseData.build(points, [0], [0], [Light.CLOSED], [2]))
    assert not layer.ticking
    layer.set_data(CaseData.build(points, [0], [0], [Light.GREEN], [2], yellow_at=[1e12], due_at=[2e12]))
    assert layer.ticking


def test_scale_range() -> None:
    view = MapView(13_150_000.0, 2_810_000.0, 1.0, 800, 600)
    layer = DevicesLayer()
    assert layer.max_scale_denominator == DETAIL_SCALE
    assert layer.shown_at(view.with_scale_denominator(DETAIL_SCALE * 0.99))
    assert not layer.shown_at(view.with_scale_denominator(DETAIL_SCALE * 1.01))
    layer.max_scale_denominator = None
    assert layer.shown_at(view.with_scale_denominator(1e7))
    layer.visible = False
    assert not layer.shown_at(view)
