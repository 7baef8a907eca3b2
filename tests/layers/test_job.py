"""The parallel render job: delivery, cache, cancellation, errors, problems reported once."""

from __future__ import annotations

import gc
from dataclasses import dataclass

import numpy as np
import shapely
from PySide6.QtGui import QImage

from gridwatch.layers.base import LayerSnapshot
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.cases import CasesLayer
from gridwatch.layers.job import MapRenderer
from gridwatch.layers.org import OrgLayer, OrgLevel
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.registry import RENDERERS, register
from gridwatch.layers.view import MapView


def _collect(qtbot, renderer: MapRenderer, view: MapView, snapshots: list[LayerSnapshot]):
    job = renderer.render(view, snapshots)
    got: dict[str, QImage] = {}
    failed: dict[str, str] = {}
    job.layer_rendered.connect(lambda lid, img: got.__setitem__(lid, img))
    job.layer_failed.connect(lambda lid, msg: failed.__setitem__(lid, msg))
    with qtbot.waitSignal(job.finished, timeout=10_000):
        job.start()
    return got, failed


def test_all_layers_rendered_then_served_from_cache(qtbot, cases, grids, city_view) -> None:
    layers = [CasesLayer(data=cases), OrgLayer(levels={OrgLevel.GRID: grids})]
    renderer = MapRenderer()
    got, failed = _collect(qtbot, renderer, city_view, [layer.snapshot() for layer in layers])
    assert set(got) == {layer.layer_id for layer in layers} and not failed
    assert all(img.width() == 320 and not img.isNull() for img in got.values())
    again, _ = _collect(qtbot, renderer, city_view, [layer.snapshot() for layer in layers])
    assert all(again[k].cacheKey() == got[k].cacheKey() for k in got)  # the very same images
    layers[0].set_selection([cases.points.ids[0]])  # a new version renders anew
    third, _ = _collect(qtbot, renderer, city_view, [layer.snapshot() for layer in layers])
    assert third[layers[0].layer_id].cacheKey() != got[layers[0].layer_id].cacheKey()
    assert third[layers[1].layer_id].cacheKey() == got[layers[1].layer_id].cacheKey()


@dataclass(frozen=True, kw_only=True)
class _SlowSnapshot(LayerSnapshot):
    batches: int


def _slow(snapshot: _SlowSnapshot, view: MapView, cancel: CancelToken) -> QImage:
    for _ in range(snapshot.batches):
        cancel.check()
        np.sort(np.random.default_rng(0).random(200_000))
    return QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)


@dataclass(frozen=True, kw_only=True)
class _BrokenSnapshot(LayerSnapshot):
    pass


def _broken(snapshot: _BrokenSnapshot, view: MapView, cancel: CancelToken) -> QImage:
    raise ZeroDivisionError("renderer bug")


def test_a_new_view_cancels_the_running_job(qtbot, city_view) -> None:
    register(_SlowSnapshot, _slow)
    try:
        renderer = MapRenderer()
        first = renderer.render(city_view, [_SlowSnapshot(layer_id="slow", version=1, batches=10_000)])
        delivered: list[str] = []
        first.layer_rendered.connect(lambda lid, img: delivered.append(lid))
        first.start()
        got, _ = _collect(
            qtbot, renderer, city_view.panned(5, 0), [_SlowSnapshot(layer_id="s2", version=1, batches=1)]
        )
        assert first.cancelled and "s2" in got
        assert renderer.wait_idle(10_000)  # the cancelled worker stopped at a batch boundary
        qtbot.wait(50)
        assert delivered == [] and first.done
    finally:
        del RENDERERS[_SlowSnapshot]


def test_a_renderer_error_is_reported_not_raised(qtbot, cases, city_view) -> None:
    register(_BrokenSnapshot, _broken)
    try:
        ok = CasesLayer(data=cases)
        got, failed = _collect(
            qtbot, MapRenderer(), city_view, [ok.snapshot(), _BrokenSnapshot(layer_id="broken", version=1)]
        )
        assert ok.layer_id in got and "ZeroDivisionError" in failed["broken"]
    finally:
        del RENDERERS[_BrokenSnapshot]


def test_invalid_geometry_skipped_and_reported_once(qtbot, city_view) -> None:
    good = shapely.box(118.08, 24.45, 118.09, 24.46)
    bowtie = shapely.Polygon([(118.09, 24.45), (118.1, 24.46), (118.1, 24.45), (118.09, 24.46)])
    polys = PolygonSet.from_lonlat([1, 2, 3], ["好", "坏", "空"], [good, bowtie, None])
    assert polys.ids.tolist() == [1] and len(polys.problems) == 2
    assert "坏 (id 2)" in polys.problems[0] and "Self-intersection" in polys.problems[0]
    layer = OrgLayer(levels={OrgLevel.GRID: polys})
    renderer = MapRenderer()
    problems: list[tuple[str, str]] = []
    renderer.problem.connect(lambda lid, msg: problems.append((lid, msg)))
    got, failed = _collect(qtbot, renderer, city_view, [layer.snapshot()])
    _collect(qtbot, renderer, city_view.panned(10, 0), [layer.snapshot()])
    assert layer.layer_id in got and not failed
    assert len(problems) == 2


def test_rapid_view_changes_drop_stale_results_and_never_crash(qtbot, cases, grids, city_view) -> None:
    """1,000 views, a render each, jobs dropped by the caller at once, the cyclic GC made to run often
    (so it also runs in render threads). With a signal object per job, held last by its tasks, this
    segfaulted in 3 runs of 4 (and 200 views never did: too few to catch it)."""
    layers = [CasesLayer(data=cases), OrgLayer(levels={OrgLevel.GRID: grids})]
    renderer = MapRenderer()
    deliveries: list[tuple[int, int]] = []  # (job that delivered, newest job at that moment)
    newest = [0]  # the id of the job rendered last, read when a delivery lands
    thresholds = gc.get_threshold()
    gc.set_threshold(20, 2, 2)
    try:
        view = city_view
        for k in range(1000):
            view = view.panned(3, 1) if k % 2 else view.zoomed_around(160, 120, 1.01)
            job = renderer.render(view, [layer.snapshot() for layer in layers])
            newest[0] = job.job_id
            job.layer_rendered.connect(lambda _lid, _img, j=job.job_id: deliveries.append((j, newest[0])))
            job.start()
            del job  # only the renderer keeps it now
            if k % 3 == 0:
                qtbot.wait(1)  # let some results land mid-stream
        last_id = newest[0]
        qtbot.waitUntil(lambda: renderer.jobs_in_flight == 0, timeout=20_000)
    finally:
        gc.set_threshold(*thresholds)
    assert renderer.wait_idle(10_000)
    assert all(job_id == current for job_id, current in deliveries), "a superseded job delivered"
    assert sorted(j for j, _ in deliveries if j == last_id) == [last_id] * len(layers)
