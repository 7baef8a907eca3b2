"""Live refresh: add the gridwatch group through the plugin, say READY, and wait (QGIS's event loop
running) until the store's announcement repaints the open-case layer; then count its cases again.

The test reports a case at a desk (the store API) after READY: nobody refreshes anything by hand.
"""

import sys
import time

from common import APP, auth_config, connection, finish, plugin_dir
from fake_iface import Iface

TIMEOUT_S = 30


def main():
    plugin_dir()
    import gridwatch

    iface = Iface()
    plugin = gridwatch.classFactory(iface)
    plugin.initGui()
    plugin.add_layers(connection(auth_config()))
    repaints = {key: 0 for key in plugin.layers}
    for key, layer in plugin.layers.items():
        layer.repaintRequested.connect(lambda *_, key=key: repaints.__setitem__(key, repaints[key] + 1))
    cases = plugin.layers["open_cases"]
    before = sorted(f["case_no"] for f in cases.getFeatures())
    print("READY", flush=True)
    started = time.monotonic()
    while repaints["open_cases"] == 0 and time.monotonic() - started < TIMEOUT_S:
        APP.processEvents()
        time.sleep(0.02)
    waited = time.monotonic() - started
    for _ in range(20):  # let any other (wrong) repaint arrive before judging
        APP.processEvents()
        time.sleep(0.02)
    after = sorted(f["case_no"] for f in cases.getFeatures())
    out = {
        "before": before,
        "after": after,
        "repaints": repaints,
        "seconds": round(waited, 3),
        "listener": "plugin" if plugin.listener is not None else "qgis",
        "messages": iface.messages(),
    }
    plugin.unload()
    del cases, plugin
    finish(out)


if __name__ == "__main__":
    sys.exit(main())
