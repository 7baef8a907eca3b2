"""Map rendering benchmark: gridwatch.layers against QGIS on the same data and view.

Run by hand:  QT_QPA_PLATFORM=offscreen python bench/render.py [--points 1000000] [--grids 10000]
              [--repeats 5] [--no-qgis]
Data: N case points and M grid polygons (a jittered lattice, so grids tile), deterministic, over a
~25 × 22 km city extent in Xiamen; the view is 1920×1080 showing all of it. QGIS (Debian's
python3-qgis, run by /usr/bin/python3 in a subprocess, see QGIS_SCRIPT) draws the same layers with
simple markers and simple fills through QgsMapRendererParallelJob; layers and jobs are deleted before
exitQgis() (QGIS 3.22 segfaults at exit otherwise).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import shapely
from pyproj import Transformer
from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QGuiApplication

from gridwatch.layers.cases import CaseData, CasesLayer, CaseStyle
from gridwatch.layers.compose import LayerImage, compose
from gridwatch.layers.job import ImageCache, MapRenderer
from gridwatch.layers.org import OrgLayer, OrgLevel, OrgStyle
from gridwatch.layers.points import PointSet
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.view import Extent, MapView, lonlat_to_mercator

LON0, LAT0, LON1, LAT1 = 118.05, 24.42, 118.30, 24.62


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def bench_projection(n: int, repeats: int) -> None:
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(LON0, LON1, n), rng.uniform(LAT0, LAT1, n)
    to_3857 = Transformer.from_crs(4326, 3857, always_xy=True)
    ours = median_ms(lambda: lonlat_to_mercator(lon, lat), repeats)
    theirs = median_ms(lambda: to_3857.transform(lon, lat), repeats)
    print(f"lon/lat → Web Mercator, {n:,} points: numpy formula {ours:.1f} ms, pyproj {theirs:.1f} ms")


def make_cases(n: int) -> CaseData:
    rng = np.random.default_rng(2026)
    # a dense centre plus a uniform spread, like a real city
    k = n // 2
    lon = np.concatenate([rng.normal(118.13, 0.03, k), rng.uniform(LON0, LON1, n - k)]).clip(LON0, LON1)
    lat = np.concatenate([rng.normal(24.48, 0.025, k), rng.uniform(LAT0, LAT1, n - k)]).clip(LAT0, LAT1)
    return CaseData.build(
        PointSet.from_lonlat(lon, lat).build_index(),
        rng.integers(0, 2, n),
        rng.integers(0, 5, n),
        rng.integers(0, 4, n),
        rng.integers(0, 3, n),
    )


def make_grids(m: int) -> PolygonSet:
    side = round(float(np.sqrt(m)))
    rng = np.random.default_rng(7)
    lon = (
        np.linspace(LON0, LON1, side + 1)[None, :]
        + rng.uniform(-0.3, 0.3, (side + 1, side + 1)) * (LON1 - LON0) / side
    )
    lat = (
        np.linspace(LAT0, LAT1, side + 1)[:, None]
        + rng.uniform(-0.3, 0.3, (side + 1, side + 1)) * (LAT1 - LAT0) / side
    )
    quads = []
    for j in range(side):
        for i in range(side):
            ring = [
                (lon[j, i], lat[j, i]),
                (lon[j, i + 1], lat[j, i + 1]),
                (lon[j + 1, i + 1], lat[j + 1, i + 1]),
                (lon[j + 1, i], lat[j + 1, i]),
            ]
            quads.append(shapely.Polygon(ring))
    return PolygonSet.from_lonlat(np.arange(len(quads)), [f"{i:05d}" for i in range(len(quads))], quads)


def full_redraw(renderer: MapRenderer, view: MapView, layers: list[CasesLayer | OrgLayer]) -> None:
    renderer.cache = ImageCache()  # a cold redraw: nothing cached
    job = renderer.render(view, [layer.snapshot() for layer in layers])
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    job.start()
    if not job.done:
        loop.exec()


# Run by Debian's /usr/bin/python3 (PyQGIS 3.22 is not importable from the venv): argv = data.npz, repeats.
QGIS_SCRIPT = r"""
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from qgis.core import (
    QgsApplication, QgsFeature, QgsFillSymbol, QgsGeometry, QgsMapRendererParallelJob, QgsMapSettings,
    QgsMarkerSymbol, QgsPointXY, QgsRectangle, QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize


def main() -> None:
    data = np.load(sys.argv[1])
    repeats = int(sys.argv[2])
    app = QgsApplication([], False)
    app.initQgis()
    points = QgsVectorLayer("Point?crs=EPSG:3857", "cases", "memory")
    feats = []
    for x, y in zip(data["x"].tolist(), data["y"].tolist()):
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
        feats.append(f)
    points.dataProvider().addFeatures(feats)
    del feats
    marker = {"name": "circle", "size": "2.5", "color": "215,38,30"}
    points.renderer().setSymbol(QgsMarkerSymbol.createSimple(marker))
    grids = QgsVectorLayer("Polygon?crs=EPSG:3857", "grids", "memory")
    gx, gy, starts = data["gx"], data["gy"], np.flatnonzero(data["gstart"])
    ends = np.append(starts[1:], gx.size)
    polys = []
    for a, b in zip(starts.tolist(), ends.tolist()):
        f = QgsFeature()
        f.setGeometry(QgsGeometry.fromPolygonXY([[QgsPointXY(x, y) for x, y in zip(gx[a:b], gy[a:b])]]))
        polys.append(f)
    grids.dataProvider().addFeatures(polys)
    del polys
    grids.renderer().setSymbol(QgsFillSymbol.createSimple(
        {"color": "253,141,60,150", "outline_color": "176,176,176", "outline_width": "0.15"}))
    settings = QgsMapSettings()
    settings.setLayers([points, grids])
    settings.setOutputSize(QSize(1920, 1080))
    settings.setDestinationCrs(points.crs())
    xmin, ymin, xmax, ymax = data["view"].tolist()
    settings.setExtent(QgsRectangle(xmin, ymin, xmax, ymax))
    times = []
    for _ in range(repeats):
        job = QgsMapRendererParallelJob(settings)
        t0 = time.perf_counter()
        job.start()
        job.waitForFinished()
        times.append((time.perf_counter() - t0) * 1000)
        del job
    print(f"{statistics.median(times):.1f}")
    settings.setLayers([])
    del settings, points, grids
    app.exitQgis()


main()
"""


def run_qgis(cases: CaseData, grids: PolygonSet, view: MapView, repeats: int) -> float | None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.npz"
        e = view.extent
        np.savez(
            data,
            x=cases.points.x,
            y=cases.points.y,
            gx=grids.x,
            gy=grids.y,
            gstart=grids.starts,
            view=np.array([e.xmin, e.ymin, e.xmax, e.ymax]),
        )
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        out = subprocess.run(
            ["/usr/bin/python3", "-c", QGIS_SCRIPT, str(data), str(repeats)],
            capture_output=True,
            text=True,
            env=env,
            timeout=1800,
        )
    if out.returncode != 0:
        print(f"QGIS run failed ({out.returncode}): {out.stderr.strip()[-400:]}")
        return None
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--grids", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-qgis", action="store_true")
    args = parser.parse_args()
    app = QGuiApplication(sys.argv)  # noqa: F841 (fonts and QImage painting need it alive)

    bench_projection(args.points, args.repeats)

    before = rss_mb()
    cases = make_cases(args.points)
    layer = CasesLayer(data=cases)
    layer.set_style(CaseStyle(cluster_above_resolution=float("inf")))  # draw every point, as QGIS does
    after = rss_mb()
    grids = make_grids(args.grids)
    org = OrgLayer(levels={OrgLevel.GRID: grids})
    org.set_style(OrgStyle(max_resolution=(np.inf,) * 4, labels=False))
    org.set_metric(np.random.default_rng(3).random(len(grids)))
    x0, y0 = lonlat_to_mercator(LON0, LAT0)
    x1, y1 = lonlat_to_mercator(LON1, LAT1)
    view = MapView.fit(Extent(float(x0), float(y0), float(x1), float(y1)), 1920, 1080)

    renderer = MapRenderer()
    full_redraw(renderer, view, [layer, org])  # warm-up: symbol atlas, thread pool
    ms = median_ms(lambda: full_redraw(renderer, view, [layer, org]), args.repeats)
    print(
        f"gridwatch full redraw, {args.points:,} points + {len(grids):,} polygons, 1920×1080: {ms:.1f} ms "
        f"(median of {args.repeats})"
    )
    clustered = CasesLayer(data=cases)
    full_redraw(renderer, view, [clustered, org])
    ms_cl = median_ms(lambda: full_redraw(renderer, view, [clustered, org]), args.repeats)
    print(f"gridwatch as displayed (cases clustered at this zoom) + polygons: {ms_cl:.1f} ms")

    clicks = np.random.default_rng(5).uniform([0, 0], [1920, 1080], (200, 2))
    near = view.zoomed_around(960, 540, view.resolution / 1.0)  # 1 m/px: every case drawn
    t_pt = median_ms(lambda: [layer.identify(near, x, y, 4) for x, y in clicks], 3) / len(clicks)
    t_cl = median_ms(lambda: [clustered.identify(view, x, y, 4) for x, y in clicks], 3) / len(clicks)
    print(
        f"identify with {args.points:,} cases: {t_pt:.3f} ms at 1 m/px, "
        f"{t_cl:.3f} ms on clusters at full view"
    )
    print(f"memory: cases layer with {args.points:,} cases (+ spatial index): +{after - before:.0f} MB RSS")

    job = renderer.render(view, [layer.snapshot(), org.snapshot()])
    frames: dict[str, object] = {}
    job.layer_rendered.connect(lambda lid, img: frames.__setitem__(lid, img))
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    job.start()
    loop.exec()
    cached = [LayerImage(view, frames[org.layer_id]), LayerImage(view, frames[layer.layer_id])]  # type: ignore[arg-type]
    panned = view.panned(7, 3)
    frame = compose(panned, cached)
    t_pan = median_ms(lambda: compose(panned, cached, into=frame), 20)
    print(f"pan frame (2 cached layer images shifted and composed, 1920×1080): {t_pan:.2f} ms")

    if args.no_qgis:
        return
    qgis_ms = run_qgis(cases, grids, view, max(3, args.repeats // 2))
    if qgis_ms is not None:
        print(f"QGIS 3.22 QgsMapRendererParallelJob, same data and view: {qgis_ms:.1f} ms")
        print(f"ratio QGIS / gridwatch: {qgis_ms / ms:.1f}× (goal ≥ 5×)")


if __name__ == "__main__":
    main()
