"""The part of QGIS's `iface` the plugin uses, with a real message bar (a widget, offscreen)."""

from qgis.gui import QgsMessageBar
from qgis.PyQt.QtWidgets import QMainWindow


class Iface:
    def __init__(self):
        self.window = QMainWindow()
        self.bar = QgsMessageBar(self.window)
        self.menu = []
        self.toolbar = []

    def mainWindow(self):
        return self.window

    def messageBar(self):
        return self.bar

    def addPluginToDatabaseMenu(self, name, action):
        self.menu.append((name, action.text()))

    def removePluginDatabaseMenu(self, name, action):
        self.menu.remove((name, action.text()))

    def addToolBarIcon(self, action):
        self.toolbar.append(action.text())

    def removeToolBarIcon(self, action):
        if action.text() in self.toolbar:
            self.toolbar.remove(action.text())

    def messages(self):
        """(title, text) of every message the bar holds."""
        return [(item.title(), item.text()) for item in self.bar.items()]
