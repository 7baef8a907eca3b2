"""Where the store is and how to sign in: host, port, database, schema and a QGIS authentication
configuration (user name and password kept in QGIS's encrypted store, never in the project or settings).

A QGIS user signs in with their own database role, so the store's row-level security shows them their
own scope (docs/SECURITY.md): the plugin never asks for or keeps the owner's password.
"""

from dataclasses import dataclass

from qgis.core import QgsDataSourceUri, QgsSettings

SETTINGS_PREFIX = "gridwatch/connection/"
SRID = 4490  # the store's CRS (CGCS2000 lon/lat)


@dataclass
class Connection:
    host: str = "127.0.0.1"
    port: int = 5432
    database: str = "gridwatch"
    schema: str = "public"
    authcfg: str = ""
    sslmode: str = "prefer"

    def uri(self, view, geometry_type, subset=""):
        """The data source of one published view: key `id`, typed geometry `geom` in EPSG:4490."""
        uri = QgsDataSourceUri()
        uri.setConnection(
            self.host, str(self.port), self.database, "", "", QgsDataSourceUri.decodeSslMode(self.sslmode),
            self.authcfg,
        )
        uri.setDataSource(self.schema, view, "geom", subset, "id")
        uri.setSrid(str(SRID))
        uri.setWkbType(geometry_type)
        return uri.uri(False)


def load():
    settings = QgsSettings()
    default = Connection()
    return Connection(
        host=str(settings.value(SETTINGS_PREFIX + "host", default.host)),
        port=int(settings.value(SETTINGS_PREFIX + "port", default.port)),
        database=str(settings.value(SETTINGS_PREFIX + "database", default.database)),
        schema=str(settings.value(SETTINGS_PREFIX + "schema", default.schema)),
        authcfg=str(settings.value(SETTINGS_PREFIX + "authcfg", default.authcfg)),
        sslmode=str(settings.value(SETTINGS_PREFIX + "sslmode", default.sslmode)),
    )


def save(connection):
    settings = QgsSettings()
    for name in ("host", "port", "database", "schema", "authcfg", "sslmode"):
        settings.setValue(SETTINGS_PREFIX + name, getattr(connection, name))
