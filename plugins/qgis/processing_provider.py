"""The gridwatch processing provider: its algorithms are `gridwatch:casespergrid` and
`gridwatch:overduehotspots` (QGIS's toolbox, models and `qgis_process`)."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import CasesPerGrid, OverdueHotSpots


class GridwatchProvider(QgsProcessingProvider):
    def id(self):
        return "gridwatch"

    def name(self):
        return "gridwatch"

    def icon(self):
        return QIcon(os.path.join(os.path.dirname(__file__), "icon.png"))

    def loadAlgorithms(self):  # noqa: N802
        self.addAlgorithm(CasesPerGrid())
        self.addAlgorithm(OverdueHotSpots())
