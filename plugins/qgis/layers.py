"""The "gridwatch" layer group: the store's published views, styled by the store's own default styles
(QGIS's `layer_styles` table, written from the desktop's styles), live where the store announces changes.

The store's triggers send `pg_notify('qgis', '<schema>.<table>')` once per statement; QGIS listens on that
channel only (the whole database's: the schema tells stores apart). Each live layer refreshes on its own
table's message (setRefreshOnNofifyMessage: QGIS's spelling),
so a new case repaints the case layers, not the whole canvas (listener.py says who listens).
"""

from qgis.core import QgsLayerTreeGroup, QgsProject, QgsVectorLayer, QgsWkbTypes
from qgis.PyQt.QtCore import QCoreApplication

from .listener import built_in_listener_works

GROUP = "gridwatch"
PERIOD_DAYS = 30
HIDDEN = {"period_cases"}
"""Added switched off: closed cases of the period would bury the open ones on the map."""


def tr(text):
    return QCoreApplication.translate("gridwatch", text)


def published_layers():
    """(key, view, title, geometry type, table announcing its changes or None, subset), legend order.
    The period's subset is SQL run by PostgreSQL, so "the last 30 days" moves with the clock."""
    return [
        ("positions", "gis_positions", tr("Grid workers"), QgsWkbTypes.Point, "positions", ""),
        ("tracks", "gis_tracks", tr("Patrol tracks"), QgsWkbTypes.LineString, "positions", ""),
        ("open_cases", "gis_open_cases", tr("Open cases"), QgsWkbTypes.Point, "cases", ""),
        (
            "period_cases",
            "gis_cases",
            tr("Cases of the last {days} days").format(days=PERIOD_DAYS),
            QgsWkbTypes.Point,
            "cases",
            f"\"reported_at\" >= now() - interval '{PERIOD_DAYS} days'",
        ),
        ("devices", "gis_devices", tr("Devices"), QgsWkbTypes.Point, "devices", ""),
        ("grids", "gis_grids", tr("Grids"), QgsWkbTypes.MultiPolygon, "org_units", ""),
        ("org_units", "gis_org_units", tr("Districts, streets, communities"), QgsWkbTypes.MultiPolygon, None,
         "\"level\" <> 'grid'"),
    ]  # fmt: skip


def make_layers(connection):
    """The published layers (key → layer), each loading its default style from the store; a live layer
    carries its notify message, and QGIS's own listener is switched on where it works (listener.py)."""
    layers = {}
    for key, view, title, geometry_type, message, subset in published_layers():
        layer = QgsVectorLayer(connection.uri(view, geometry_type, subset), title, "postgres")
        if message and layer.isValid():  # (3.22 crashes switching it on for a layer without a provider)
            layer.setRefreshOnNofifyMessage(f"{connection.schema}.{message}")  # (sic): QGIS's name
            if built_in_listener_works():
                layer.setRefreshOnNotifyEnabled(True)
        layers[key] = layer
    return layers


def add_group(connection, project=None):
    """Replace the project's "gridwatch" group with freshly loaded layers; (group, layers, invalid titles)."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    old = root.findGroup(GROUP)
    if old is not None:
        project.removeMapLayers([node.layerId() for node in old.findLayers()])
        root.removeChildNode(old)
    group = QgsLayerTreeGroup(GROUP)
    root.insertChildNode(0, group)
    layers = make_layers(connection)
    invalid = [layer.name() for layer in layers.values() if not layer.isValid()]
    for key, layer in layers.items():
        if layer.isValid():
            project.addMapLayer(layer, False)
            node = group.addLayer(layer)
            node.setItemVisibilityChecked(key not in HIDDEN)
    return group, {k: v for k, v in layers.items() if v.isValid()}, invalid
