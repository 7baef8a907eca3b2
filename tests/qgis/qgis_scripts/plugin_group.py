"""The plugin in a headless QGIS: load it as QGIS does (classFactory), add the "gridwatch" group signed in
through an authentication configuration, say what the group holds, and render it to a PNG (argv[1])."""

import sys
import time

from common import auth_config, connection, finish, plugin_dir
from fake_iface import Iface
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QCoreApplication, QSize
from qgis.PyQt.QtGui import QColor


def render(layers, path, size=(1400, 900)):
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
    extent = QgsRectangle()
    extent.setMinimal()
    for layer in layers:
        if layer.featureCount() and layer.name():
            to_map = QgsCoordinateTransform(layer.crs(), settings.destinationCrs(), QgsProject.instance())
            extent.combineExtentWith(to_map.transformBoundingBox(layer.extent()))
    extent.scale(1.08)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(*size))
    settings.setBackgroundColor(QColor("#f4f1ea"))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    del job
    image.save(path)
    return {"width": image.width(), "height": image.height()}


def main():
    plugin_dir()
    import gridwatch

    iface = Iface()
    plugin = gridwatch.classFactory(iface)
    plugin.initGui()
    authcfg = auth_config()
    started = time.perf_counter()
    group = plugin.add_layers(connection(authcfg))
    opened = time.perf_counter() - started
    layers = [node.layer() for node in group.findLayers()]
    shown = [node.layer() for node in group.findLayers() if node.isVisible()]
    out = {
        "group": group.name(),
        "layers": [layer.name() for layer in layers],
        "counts": {key: layer.featureCount() for key, layer in plugin.layers.items()},
        "styled": {key: layer.renderer().type() for key, layer in plugin.layers.items()},
        "notify": {
            key: [layer.isRefreshOnNotifyEnabled(), layer.refreshOnNotifyMessage()]
            for key, layer in plugin.layers.items()
        },
        "menu": iface.menu,
        "messages": iface.messages(),
    }
    started = time.perf_counter()
    out["image"] = render(shown, sys.argv[1])
    out["shown"] = [layer.name() for layer in shown]
    out["seconds"] = {"open": opened, "render": time.perf_counter() - started}
    # the connection dialog shows the settings and gives them back; the settings keep them
    from gridwatch.plugin import ConnectionDialog

    from gridwatch import connection as settings

    chosen = connection(authcfg)
    dialog = ConnectionDialog(chosen)
    settings.save(dialog.connection())
    out["dialog"] = [vars(dialog.connection()) == vars(chosen), vars(settings.load()) == vars(chosen)]
    del dialog
    # the plugin's own translation
    from gridwatch.plugin import install_translator

    translator = install_translator("zh_CN")
    out["zh_CN"] = [
        QCoreApplication.translate("gridwatch", t) for t in ("Open cases", "Grids", "Cases per grid")
    ]
    plugin.unload()
    del translator, layers, shown, group, plugin
    finish(out)


if __name__ == "__main__":
    sys.exit(main())
