"""Install the plugin zip as QGIS's "Install from ZIP" leaves it (unpacked into a plugins folder), then
let qgis.utils find, load and start it: argv[1] the zip, argv[2] a plugins folder."""

import sys
import zipfile

import qgis.utils
from common import finish
from fake_iface import Iface
from qgis.core import QgsApplication


def main():
    archive, plugins = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(archive) as z:
        z.extractall(plugins)
    qgis.utils.plugin_paths = [plugins]
    sys.path.insert(0, plugins)
    qgis.utils.iface = Iface()
    qgis.utils.updateAvailablePlugins()
    out = {
        "available": "gridwatch" in qgis.utils.available_plugins,
        "min": qgis.utils.pluginMetadata("gridwatch", "qgisMinimumVersion"),
        "max": qgis.utils.pluginMetadata("gridwatch", "qgisMaximumVersion"),
        "loaded": qgis.utils.loadPlugin("gridwatch"),
    }
    out["started"] = qgis.utils.startPlugin("gridwatch")
    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("gridwatch")
    out["algorithms"] = sorted(a.id() for a in provider.algorithms()) if provider else []
    out["menu"] = list(qgis.utils.iface.menu)
    out["unloaded"] = qgis.utils.unloadPlugin("gridwatch")
    out["after_unload"] = registry.providerById("gridwatch") is not None
    finish(out)


if __name__ == "__main__":
    sys.exit(main())
