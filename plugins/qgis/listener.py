"""Live layers: the store announces each change on PostgreSQL's channel `qgis` (a trigger per table sends
`pg_notify('qgis', '<schema>.<table>')` once per statement), and each live layer repaints on its own
table's message.

QGIS has this built in (`setRefreshOnNotifyEnabled` with `setRefreshOnNofifyMessage`), but before QGIS
3.36 its listener crashes for a layer that signs in through an authentication configuration (QGIS issue
54260, fixed by pull request 55062). The plugin signs in only that way, so on older QGIS it listens
itself: one psycopg2 connection (python3-qgis depends on it) with the same sign-in, read by a
QSocketNotifier on QGIS's event loop, routing each message to the layers whose notify message it is —
the same rule as QGIS's own (an empty message matches every notification).
"""

import psycopg2
from qgis.core import Qgis, QgsApplication, QgsAuthMethodConfig
from qgis.PyQt.QtCore import QObject, QSocketNotifier, pyqtSignal

CHANNEL = "qgis"
BUILT_IN_FROM = 33600  # the first QGIS whose own listener survives an authentication configuration


def built_in_listener_works():
    return Qgis.QGIS_VERSION_INT >= BUILT_IN_FROM


def credentials(authcfg):
    """(user, password) of a QGIS authentication configuration (Basic), kept in memory only."""
    config = QgsAuthMethodConfig()
    if not QgsApplication.authManager().loadAuthenticationConfig(authcfg, config, True):
        raise RuntimeError(f"QGIS has no authentication configuration '{authcfg}'.")
    return config.config("username"), config.config("password")


class StoreListener(QObject):
    """LISTEN qgis on the store; `notified(payload)` for each message, and the matching layers repainted."""

    notified = pyqtSignal(str)

    def __init__(self, connection, parent=None):
        super().__init__(parent)
        user, password = credentials(connection.authcfg)
        self.conn = psycopg2.connect(
            host=connection.host, port=connection.port, dbname=connection.database, user=user,
            password=password, sslmode=connection.sslmode, application_name="gridwatch QGIS listener",
        )  # fmt: skip
        self.conn.autocommit = True
        with self.conn.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")
        self.layers = []
        self.notifier = QSocketNotifier(self.conn.fileno(), QSocketNotifier.Read, self)
        self.notifier.activated.connect(self._read)

    def watch(self, layer):
        self.layers.append(layer)
        layer.willBeDeleted.connect(lambda layer=layer: self.layers.remove(layer) if layer in self.layers else None)

    def _read(self, *_args):
        try:
            self.conn.poll()
        except psycopg2.Error:
            self.notifier.setEnabled(False)  # the store went away: the layers stay as they are
            return
        payloads = []
        while self.conn.notifies:
            note = self.conn.notifies.pop(0)
            if note.payload not in payloads:
                payloads.append(note.payload)
        for payload in payloads:
            for layer in list(self.layers):
                wanted = layer.refreshOnNotifyMessage()
                if not wanted or wanted == payload:
                    layer.dataProvider().reloadData()
                    layer.triggerRepaint()
            self.notified.emit(payload)

    def close(self):
        self.notifier.setEnabled(False)
        self.layers = []
        if not self.conn.closed:
            self.conn.close()
