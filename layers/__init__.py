"""Map layers: a data snapshot rendered into a QImage off the GUI thread, and identify.

PySide creates Qt's enum types lazily, on first access, and that creation is not thread-safe: two render
threads touching `Qt.PenStyle` for the first time at once crashed the map. Importing this package (which
happens in the GUI thread, before any render) creates every enum type the renderers use.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage, QPainter, QPainterPath

_RENDER_ENUMS = (
    Qt.PenStyle.SolidLine,
    Qt.BrushStyle.SolidPattern,
    Qt.PenJoinStyle.MiterJoin,
    Qt.PenCapStyle.FlatCap,
    Qt.GlobalColor.transparent,
    Qt.FillRule.OddEvenFill,
    Qt.AlignmentFlag.AlignCenter,
    Qt.TransformationMode.SmoothTransformation,
    Qt.AspectRatioMode.IgnoreAspectRatio,
    QImage.Format.Format_ARGB32_Premultiplied,
    QPainter.RenderHint.Antialiasing,
    QPainter.CompositionMode.CompositionMode_SourceOver,
    QFont.Weight.Bold,
    QPainterPath.ElementType.LineToElement,
)
