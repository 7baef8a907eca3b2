"""The plugin QGIS loads: a toolbar action adding the "gridwatch" group, a connection dialog, the processing
provider and the plugin's translations (i18n/gridwatch_<locale>.qm, its own, not the desktop's)."""

import os

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QSpinBox

from . import connection as connections
from .edits import RefusalReporter
from .layers import add_group
from .listener import StoreListener, built_in_listener_works
from .processing_provider import GridwatchProvider

HERE = os.path.dirname(__file__)


def tr(text):
    return QCoreApplication.translate("gridwatch", text)


def install_translator(locale=None):
    """Load this plugin's translation for QGIS's locale; the translator (or None when there is none)."""
    locale = locale or str(QgsSettings().value("locale/userLocale", "") or "")[:5]
    path = os.path.join(HERE, "i18n", f"gridwatch_{locale}.qm")
    if not locale or not os.path.exists(path):
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


class ConnectionDialog(QDialog):
    """Host, port, database, schema and the QGIS authentication configuration holding the user's sign-in."""

    def __init__(self, current, parent=None):
        super().__init__(parent)
        from qgis.gui import QgsAuthConfigSelect

        self.setWindowTitle(tr("gridwatch store"))
        form = QFormLayout(self)
        self.host = QLineEdit(current.host)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(current.port)
        self.database = QLineEdit(current.database)
        self.schema = QLineEdit(current.schema)
        self.auth = QgsAuthConfigSelect(self, "postgres")
        self.auth.setConfigId(current.authcfg)
        form.addRow(tr("Host"), self.host)
        form.addRow(tr("Port"), self.port)
        form.addRow(tr("Database"), self.database)
        form.addRow(tr("Schema"), self.schema)
        form.addRow(tr("Sign-in (authentication configuration)"), self.auth)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def connection(self):
        return connections.Connection(
            host=self.host.text().strip(),
            port=self.port.value(),
            database=self.database.text().strip(),
            schema=self.schema.text().strip() or "public",
            authcfg=self.auth.configId(),
        )


class GridwatchPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.translator = install_translator()
        self.provider = None
        self.actions = []
        self.layers = {}
        self.reporters = []
        self.listener = None

    # --- QGIS's plugin interface -------------------------------------------------------------------------
    def initProcessing(self):  # noqa: N802 (also called by qgis_process, without a GUI)
        if self.provider is None:
            self.provider = GridwatchProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()
        icon = QIcon(os.path.join(HERE, "icon.png"))
        add = QAction(icon, tr("Add gridwatch layers"), self.iface.mainWindow())
        add.triggered.connect(self.add_layers)
        settings = QAction(tr("gridwatch store…"), self.iface.mainWindow())
        settings.triggered.connect(self.edit_connection)
        for action in (add, settings):
            self.iface.addPluginToDatabaseMenu("gridwatch", action)
        self.iface.addToolBarIcon(add)
        self.actions = [add, settings]

    def unload(self):
        for action in self.actions:
            self.iface.removePluginDatabaseMenu("gridwatch", action)
            self.iface.removeToolBarIcon(action)
        self.actions = []
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        self._stop_listening()
        for reporter in self.reporters:
            reporter.close()
        self.reporters = []
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None

    # --- actions -----------------------------------------------------------------------------------------
    def edit_connection(self):
        dialog = ConnectionDialog(connections.load(), self.iface.mainWindow())
        if dialog.exec_():
            connections.save(dialog.connection())
            self.add_layers()

    def add_layers(self, connection=None, project=None):
        """Add (or reload) the "gridwatch" group; say in the message bar what could not be opened."""
        connection = connection or connections.load()
        if not connection.authcfg:
            self.iface.messageBar().pushWarning(
                "gridwatch", tr("Choose your sign-in first: Database ▸ gridwatch ▸ gridwatch store…")
            )
            return None
        self._stop_listening()
        for reporter in self.reporters:
            reporter.close()
        group, self.layers, invalid = add_group(connection, project)
        bar = self.iface.messageBar()
        self.reporters = [RefusalReporter(self.layers["grids"], bar)] if "grids" in self.layers else []
        if not built_in_listener_works() and self.layers:
            try:
                self.listener = StoreListener(connection)
            except Exception as exc:  # the layers work without it: say that they will not refresh
                bar.pushWarning("gridwatch", tr("Live refresh is off: {error}").format(error=str(exc).strip()))
            else:
                for layer in self.layers.values():
                    if layer.refreshOnNotifyMessage():
                        self.listener.watch(layer)
        if invalid:
            self.iface.messageBar().pushWarning(
                "gridwatch", tr("Could not open: {layers}. Check the sign-in and the schema.").format(
                    layers=", ".join(invalid))
            )  # fmt: skip
        return group

    def _stop_listening(self):
        if self.listener is not None:
            self.listener.close()
            self.listener = None
