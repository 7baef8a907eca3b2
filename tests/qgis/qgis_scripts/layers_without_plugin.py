"""A plain QGIS, no plugin: open each published view through an authentication configuration and say
what QGIS sees: validity, geometry type, CRS, feature count, and the renderer its default style gave it."""

import sys

from common import auth_config, finish, plain_uri
from qgis.core import QgsVectorLayer, QgsWkbTypes

VIEWS = {
    "gis_org_units": QgsWkbTypes.MultiPolygon,
    "gis_grids": QgsWkbTypes.MultiPolygon,
    "gis_cases": QgsWkbTypes.Point,
    "gis_open_cases": QgsWkbTypes.Point,
    "gis_devices": QgsWkbTypes.Point,
    "gis_positions": QgsWkbTypes.Point,
    "gis_tracks": QgsWkbTypes.LineString,
}


def describe(layer):
    if not layer.isValid():  # 3.22 crashes asking an invalid layer for its features
        return {"valid": False, "error": layer.error().summary()}
    renderer = layer.renderer()
    info = {
        "valid": layer.isValid(),
        "wkb": QgsWkbTypes.displayString(layer.wkbType()),
        "crs": layer.crs().authid(),
        "count": layer.featureCount(),
        "renderer": renderer.type() if renderer else None,
        "detail_only": [layer.hasScaleBasedVisibility(), layer.minimumScale()],
    }
    if renderer and renderer.type() == "categorizedSymbol":
        info["attr"] = renderer.classAttribute()
        info["categories"] = {str(c.value()): look(c.symbol()) for c in renderer.categories()}
    if renderer and renderer.type() == "singleSymbol":
        info["symbol"] = look(renderer.symbol())
    return info


def look(symbol):
    """A symbol's colour (a fill's outline colour: the published fills are outlines) and size or width."""
    kind = type(symbol).__name__
    if kind == "QgsMarkerSymbol":
        return {"colour": symbol.color().name(), "size": symbol.size(), "unit": symbol.sizeUnit(),
                "shape": symbol.symbolLayer(0).shape()}  # fmt: skip
    if kind == "QgsLineSymbol":
        return {"colour": symbol.color().name(), "width": symbol.width()}
    layer = symbol.symbolLayer(0)
    return {
        "colour": layer.strokeColor().name(),
        "width": layer.strokeWidth(),
        "fill_alpha": layer.color().alpha(),
    }


def browser(authcfg):
    """What QGIS's PostGIS browser lists in the schema: each gis_* table with its geometry type and CRS."""
    import os

    from qgis.core import QgsDataSourceUri, QgsProviderRegistry

    uri = QgsDataSourceUri()
    uri.setConnection(os.environ["GW_HOST"], os.environ["GW_PORT"], os.environ["GW_DATABASE"], "", "",
                      QgsDataSourceUri.SslPrefer, authcfg)  # fmt: skip
    connection = (
        QgsProviderRegistry.instance().providerMetadata("postgres").createConnection(uri.uri(False), {})
    )
    listed = {}
    for table in connection.tables(os.environ["GW_SCHEMA"]):
        if table.tableName().startswith("gis_"):
            listed[table.tableName()] = [
                [QgsWkbTypes.displayString(t.wkbType), t.crs.authid()] for t in table.geometryColumnTypes()
            ] + [table.geometryColumn(), table.primaryKeyColumns()[:1]]  # a view: every column a candidate
    return listed


def main():
    authcfg = auth_config()
    out = {"browser": browser(authcfg)}
    for view, wkb in VIEWS.items():
        layer = QgsVectorLayer(plain_uri(view, wkb, authcfg), view, "postgres")
        out[view] = describe(layer)
        if view == "gis_open_cases":
            out["open_case_lights"] = sorted(
                (
                    f["case_no"],
                    f["light"] if f["light"] is not None and not hasattr(f["light"], "isNull") else None,
                )
                for f in layer.getFeatures()
            )
        del layer
    finish(out)


if __name__ == "__main__":
    sys.exit(main())
