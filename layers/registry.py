"""The one table from snapshot type to renderer: a new layer type adds one line here."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QImage

from gridwatch.layers.base import LayerSnapshot, Renderer
from gridwatch.layers.basemap import BasemapSnapshot, render_basemap
from gridwatch.layers.cancel import CancelToken
from gridwatch.layers.cases import CasesSnapshot, render_cases
from gridwatch.layers.devices import DevicesSnapshot, render_devices
from gridwatch.layers.heatmap import HeatmapSnapshot, render_heatmap
from gridwatch.layers.org import OrgSnapshot, render_org
from gridwatch.layers.personnel import PersonnelSnapshot, render_personnel
from gridwatch.layers.view import MapView

RENDERERS: dict[type[LayerSnapshot], Renderer[Any]] = {
    BasemapSnapshot: render_basemap,
    CasesSnapshot: render_cases,
    DevicesSnapshot: render_devices,
    PersonnelSnapshot: render_personnel,
    OrgSnapshot: render_org,
    HeatmapSnapshot: render_heatmap,
}


def register(snapshot_type: type[LayerSnapshot], renderer: Renderer[Any]) -> None:
    """For layer types defined outside this package (plugins)."""
    RENDERERS[snapshot_type] = renderer


def render(snapshot: LayerSnapshot, view: MapView, cancel: CancelToken) -> QImage:
    try:
        renderer = RENDERERS[type(snapshot)]
    except KeyError:
        raise LookupError(f"no renderer registered for {type(snapshot).__name__}") from None
    return renderer(snapshot, view, cancel)
