"""Processing algorithms analysts asked for, on the store's published layers (or any layer like them):
cases per grid for a period and a filter, and overdue hot spots. Both run in QGIS's toolbox, in models,
and headless: `qgis_process run gridwatch:casespergrid -- GRIDS=… CASES=… OUTPUT=…`.

"Overdue" is the store's: an open case whose light is red (`gis_cases.light`, the store's one traffic
light in SQL), so the algorithm counts what the desks' Overdue filter counts.
"""

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsExpression,
    QgsFeature,
    QgsFeatureRequest,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterDistance,
    QgsProcessingParameterExpression,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProject,
    QgsRectangle,
    QgsSpatialIndex,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QVariant

OPEN_STATES = ("reported", "registered", "dispatched", "handling", "handled", "verifying", "checking", "checked",
               "suspended")  # fmt: skip
METRIC_CRS = "EPSG:3857"


def tr(text):
    return QCoreApplication.translate("gridwatch", text)


def _quoted(value):
    return QgsExpression.quotedValue(value)


class _CaseAlgorithm(QgsProcessingAlgorithm):
    """What both algorithms tell the toolbox the same way: their group, and a fresh instance of themselves.
    Each names itself in NAME, TITLE and HELP (marked for lupdate, translated when QGIS asks)."""

    NAME = TITLE = HELP = ""

    def name(self):
        return self.NAME

    def displayName(self):  # noqa: N802
        return tr(self.TITLE)

    def group(self):
        return tr("Case analysis")

    def groupId(self):  # noqa: N802
        return "cases"

    def shortHelpString(self):  # noqa: N802
        return tr(self.HELP)

    def createInstance(self):  # noqa: N802
        return type(self)()


class CasesPerGrid(_CaseAlgorithm):
    """Each grid with the number of cases inside it reported in a period and matching a filter."""

    GRIDS, CASES, START, END, FILTER, OUTPUT = "GRIDS", "CASES", "START", "END", "FILTER", "OUTPUT"
    NAME = "casespergrid"
    TITLE = QT_TRANSLATE_NOOP("gridwatch", "Cases per grid")
    HELP = QT_TRANSLATE_NOOP(
        "gridwatch",
        "Counts the cases inside each grid that were reported from START (inclusive) to END (exclusive) "
        "and match FILTER (an expression on the case layer, e.g. \"category_code\" LIKE '06%'). "
        "Without START or END that side is open.",
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.GRIDS, tr("Grids"), [QgsProcessing.TypeVectorPolygon])
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.CASES, tr("Cases"), [QgsProcessing.TypeVectorPoint])
        )
        self.addParameter(QgsProcessingParameterDateTime(self.START, tr("Reported from"), optional=True))
        self.addParameter(QgsProcessingParameterDateTime(self.END, tr("Reported before"), optional=True))
        self.addParameter(
            QgsProcessingParameterExpression(self.FILTER, tr("Filter"), parentLayerParameterName=self.CASES,
                                             optional=True)
        )  # fmt: skip
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Cases per grid")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        grids = self.parameterAsSource(parameters, self.GRIDS, context)
        cases = self.parameterAsSource(parameters, self.CASES, context)
        if grids is None or cases is None:
            raise QgsProcessingException(tr("Grids and cases are needed."))
        clauses = []
        start = self.parameterAsDateTime(parameters, self.START, context)
        end = self.parameterAsDateTime(parameters, self.END, context)
        if parameters.get(self.START) not in (None, "") and start.isValid():
            clauses.append(f'"reported_at" >= {_quoted(start)}')
        if parameters.get(self.END) not in (None, "") and end.isValid():
            clauses.append(f'"reported_at" < {_quoted(end)}')
        extra = self.parameterAsExpression(parameters, self.FILTER, context)
        if extra:
            clauses.append(f"({extra})")
        request = QgsFeatureRequest()
        request.setDestinationCrs(grids.sourceCrs(), context.transformContext())
        if clauses:
            request.setFilterExpression(" AND ".join(clauses))
        request.setExpressionContext(context.expressionContext())
        index = QgsSpatialIndex()
        points = {}
        for case in cases.getFeatures(request):
            if feedback.isCanceled():
                return {}
            if case.hasGeometry():
                index.addFeature(case)
                points[case.id()] = case.geometry()
        fields = QgsFields(grids.fields())
        fields.append(QgsField("cases", QVariant.Int))
        sink, dest = self.parameterAsSink(parameters, self.OUTPUT, context, fields, grids.wkbType(), grids.sourceCrs())
        total = grids.featureCount() or 1
        for i, grid in enumerate(grids.getFeatures()):
            if feedback.isCanceled():
                break
            geometry = grid.geometry()
            engine = QgsGeometry.createGeometryEngine(geometry.constGet())
            engine.prepareGeometry()
            count = sum(
                1 for fid in index.intersects(geometry.boundingBox()) if engine.intersects(points[fid].constGet())
            )
            out = QgsFeature(fields)
            out.setGeometry(geometry)
            out.setAttributes(grid.attributes() + [count])
            sink.addFeature(out, QgsFeatureSink.FastInsert)
            feedback.setProgress(100.0 * (i + 1) / total)
        return {self.OUTPUT: dest}


class OverdueHotSpots(_CaseAlgorithm):
    """Square cells (a given size in metres) holding at least a given number of overdue open cases."""

    CASES, CELL, MIN_COUNT, OUTPUT = "CASES", "CELL", "MIN_COUNT", "OUTPUT"
    NAME = "overduehotspots"
    TITLE = QT_TRANSLATE_NOOP("gridwatch", "Overdue hot spots")
    HELP = QT_TRANSLATE_NOOP(
        "gridwatch",
        "Square cells of CELL metres holding at least MIN_COUNT overdue open cases (their light is red: "
        "the store's own overdue), with the count and the case numbers.",
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(
            QgsProcessingParameterFeatureSource(self.CASES, tr("Cases"), [QgsProcessing.TypeVectorPoint])
        )
        self.addParameter(QgsProcessingParameterDistance(self.CELL, tr("Cell size (m)"), 200.0, minValue=1.0))
        self.addParameter(
            QgsProcessingParameterNumber(self.MIN_COUNT, tr("Overdue cases at least"),
                                         QgsProcessingParameterNumber.Integer, 3, minValue=1)
        )  # fmt: skip
        self.addParameter(QgsProcessingParameterFeatureSink(self.OUTPUT, tr("Overdue hot spots"),
                                                            QgsProcessing.TypeVectorPolygon))  # fmt: skip

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        cases = self.parameterAsSource(parameters, self.CASES, context)
        if cases is None:
            raise QgsProcessingException(tr("Cases are needed."))
        cell = self.parameterAsDouble(parameters, self.CELL, context)
        least = self.parameterAsInt(parameters, self.MIN_COUNT, context)
        for name in ("light", "state", "case_no"):
            if cases.fields().indexOf(name) < 0:
                raise QgsProcessingException(tr("The case layer has no field '{name}'.").format(name=name))
        states = ", ".join(_quoted(s) for s in OPEN_STATES)
        request = QgsFeatureRequest().setFilterExpression(f"\"light\" = 'red' AND \"state\" IN ({states})")
        metric = QgsCoordinateReferenceSystem(METRIC_CRS)
        request.setDestinationCrs(metric, context.transformContext())
        cells = {}
        for case in cases.getFeatures(request):
            if feedback.isCanceled():
                return {}
            if not case.hasGeometry():
                continue
            point = case.geometry().asPoint()
            key = (int(point.x() // cell), int(point.y() // cell))
            cells.setdefault(key, []).append(str(case["case_no"]))
        fields = QgsFields()
        fields.append(QgsField("overdue", QVariant.Int))
        fields.append(QgsField("cases", QVariant.String))
        crs = cases.sourceCrs()
        sink, dest = self.parameterAsSink(parameters, self.OUTPUT, context, fields, QgsWkbTypes.Polygon, crs)
        back = QgsCoordinateTransform(metric, crs, QgsProject.instance().transformContext())
        for (x, y), numbers in sorted(cells.items(), key=lambda item: (-len(item[1]), item[0])):
            if len(numbers) < least:
                continue
            geometry = QgsGeometry.fromRect(QgsRectangle(x * cell, y * cell, (x + 1) * cell, (y + 1) * cell))
            geometry.transform(back)
            out = QgsFeature(fields)
            out.setGeometry(geometry)
            out.setAttributes([len(numbers), ", ".join(sorted(numbers))])
            sink.addFeature(out, QgsFeatureSink.FastInsert)
        return {self.OUTPUT: dest}
