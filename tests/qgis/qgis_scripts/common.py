"""Shared by the QGIS scripts (run by Debian's /usr/bin/python3 with python3-qgis, headless).

`start()` starts QGIS with a throw-away profile, stores the person's sign-in in QGIS's authentication
database (a Basic configuration, as a user would) and makes the plugin importable as QGIS installs it (a
folder named `gridwatch`). `finish()` prints the result as one JSON line and ends QGIS the way 3.22
survives: layers and render jobs deleted first, then exitQgis().
"""

import gc
import json
import os
import sys
import tempfile

from qgis.testing import start_app

APP = start_app(cleanup=False)

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsDataSourceUri, QgsProject  # noqa: E402


def plugin_dir():
    """A plugins folder holding this checkout's plugin as `gridwatch` (the zip's layout)."""
    folder = tempfile.mkdtemp(prefix="gw-qgis-plugins-")
    os.symlink(os.environ["GW_PLUGIN"], os.path.join(folder, "gridwatch"))
    sys.path.insert(0, folder)
    return folder


def auth_config():
    """The person's sign-in as a QGIS authentication configuration; its id."""
    manager = QgsApplication.authManager()
    assert manager.setMasterPassword("gridwatch-test-master", True)
    config = QgsAuthMethodConfig("Basic")
    config.setName("gridwatch " + os.environ["GW_USER"])
    config.setConfig("username", os.environ["GW_USER"])
    config.setConfig("password", os.environ["GW_PASSWORD"])
    stored = manager.storeAuthenticationConfig(config)
    ok = stored[0] if isinstance(stored, tuple) else stored
    assert ok and config.id(), "QGIS did not store the authentication configuration"
    return config.id()


def plain_uri(view, geometry_type, authcfg, subset=""):
    """A published view's source as any QGIS user would type it: no plugin involved."""
    uri = QgsDataSourceUri()
    uri.setConnection(
        os.environ["GW_HOST"], os.environ["GW_PORT"], os.environ["GW_DATABASE"], "", "",
        QgsDataSourceUri.SslPrefer, authcfg,
    )  # fmt: skip
    uri.setDataSource(os.environ["GW_SCHEMA"], view, "geom", subset, "id")
    uri.setWkbType(geometry_type)
    uri.setSrid("4490")
    return uri.uri(False)


def connection(authcfg):
    from gridwatch.connection import Connection

    return Connection(
        host=os.environ["GW_HOST"],
        port=int(os.environ["GW_PORT"]),
        database=os.environ["GW_DATABASE"],
        schema=os.environ["GW_SCHEMA"],
        authcfg=authcfg,
    )


def finish(result):
    """Print the result, then end QGIS cleanly (layers gone before exitQgis, or 3.22 crashes)."""
    print(json.dumps(result, ensure_ascii=False, default=str))
    sys.stdout.flush()
    QgsProject.instance().removeAllMapLayers()
    QgsProject.instance().clear()
    gc.collect()
    APP.processEvents()
    QgsApplication.exitQgis()
    os._exit(0)
