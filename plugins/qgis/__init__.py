"""gridwatch for QGIS: the case store's published layers, live, and rule-checked grid edits.

QGIS calls `classFactory` when it loads the plugin; everything else is imported then, not when QGIS scans
its plugins (a lazy factory keeps QGIS's start fast). This folder runs in QGIS's own Python (PyQt5,
PyQGIS); gridwatch itself never imports it.
"""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import GridwatchPlugin

    return GridwatchPlugin(iface)
