"""Grid editing from QGIS under the store's rules, through the plugin's grid layer: an edit that makes a
grid overlap its neighbour is refused by the store at commit; the message bar says why; nothing changed.
Then an edit inside the rules is committed. argv[1]: the grid to move, argv[2]: its neighbour."""

import sys

from common import auth_config, connection, finish, plugin_dir
from fake_iface import Iface
from qgis.core import QgsFeatureRequest, QgsGeometry


def grid(layer, code):
    request = QgsFeatureRequest().setFilterExpression(f"\"code\" = '{code}'")
    return next(layer.getFeatures(request))


def main():
    moved, neighbour = sys.argv[1], sys.argv[2]
    plugin_dir()
    import gridwatch

    iface = Iface()
    plugin = gridwatch.classFactory(iface)
    plugin.initGui()
    plugin.add_layers(connection(auth_config()))
    layer = plugin.layers["grids"]
    original = grid(layer, moved).geometry().asWkt(6)
    other = grid(layer, neighbour).geometry()
    out = {"before": original, "editable": layer.startEditing()}
    # grow the grid over its neighbour's half
    bigger = grid(layer, moved).geometry().combine(QgsGeometry.fromRect(other.boundingBox().buffered(-0.005)))
    bigger.convertToMultiType()
    layer.changeGeometry(grid(layer, moved).id(), bigger)
    out["committed"] = layer.commitChanges(False)
    out["messages"] = iface.messages()
    layer.rollBack()
    layer.dataProvider().reloadData()
    out["after"] = grid(layer, moved).geometry().asWkt(6)
    # inside the rules: give up a strip on the far side
    layer.startEditing()
    smaller = (
        grid(layer, moved).geometry().difference(QgsGeometry.fromRect(other.boundingBox().buffered(0.001)))
    )
    smaller.convertToMultiType()
    layer.changeGeometry(grid(layer, moved).id(), smaller)
    out["good_committed"] = layer.commitChanges()
    out["good_errors"] = layer.commitErrors()
    layer.dataProvider().reloadData()
    out["good_after"] = grid(layer, moved).geometry().asWkt(6)
    plugin.unload()
    del layer, plugin
    finish(out)


if __name__ == "__main__":
    sys.exit(main())
