"""Grid edits under the store's rules: the database checks every edit (a well-formed code, inside its
community, no overlap with another grid of the community) and refuses a bad one whole, so nothing changes;
this module turns the refusal QGIS receives into one clear line in the message bar.

The store's refusals carry SQLSTATE GW001 and a sentence (docs/QGIS.md); QGIS reports them wrapped as
"PostGIS error while changing geometry values: ERROR:  Grid … overlaps grid …". The plugin shows the
sentence and keeps the edits in the layer's edit buffer, so the user can fix them or roll back.
"""

import re

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QObject

ERROR = re.compile(r"ERROR:\s+(.*?)\s*(?:\n|$)")


def tr(text):
    return QCoreApplication.translate("gridwatch", text)


def reason(message):
    """The store's sentence in a QGIS/PostgreSQL error message (the whole message when there is none)."""
    found = ERROR.search(message or "")
    return (found.group(1) if found else (message or "")).strip()


class RefusalReporter(QObject):
    """Shows the store's refusals of a layer's edits in a message bar: each reason once per commit."""

    def __init__(self, layer, message_bar, parent=None):
        super().__init__(parent)
        self.layer = layer
        self.message_bar = message_bar
        self.shown = []
        self._this_commit = set()
        self._committing = False
        layer.beforeCommitChanges.connect(self._start)
        layer.afterCommitChanges.connect(self._end)
        layer.raiseError.connect(self.show)
        # a refusal at COMMIT reaches only QGIS's message log (tag PostGIS), not the layer's errors
        QgsApplication.messageLog().messageReceived.connect(self._logged)

    def _start(self, *_args):
        self._this_commit.clear()
        self._committing = True

    def _end(self, *_args):
        self._committing = False

    def _logged(self, message, tag, _level):
        if self._committing and tag == "PostGIS" and "ERROR:" in message:
            self.show(message)

    def close(self):
        """Stop listening (the plugin unloads or reloads its layers)."""
        try:
            QgsApplication.messageLog().messageReceived.disconnect(self._logged)
        except TypeError:  # already disconnected
            pass

    def show(self, message):
        text = reason(message)
        if not text or text in self._this_commit:
            return
        self._this_commit.add(text)
        self.shown.append(text)
        self.message_bar.pushMessage(tr("The store refused the edit"), text, Qgis.Critical, 0)

    def report_commit_errors(self):
        """After `commitChanges()` returned False: the reasons shown for this commit (and, when the store
        said nothing QGIS passed on, QGIS's own commit errors)."""
        self._committing = False
        if not self._this_commit:
            for error in self.layer.commitErrors():
                if "ERROR:" in error:
                    self.show(error)
        return sorted(self._this_commit)
