"""The evaluation as a PDF written by Qt (QPdfWriter + QPainter): a title page with the headline figures,
the tables (one per grouping with its total row, the grid workers), the charts of `charts` and a
thematic map of the grids. Qt embeds the CJK font Debian ships (Noto Sans CJK, CFF outlines) as a subset
with its Unicode map, so the Chinese text is both shown and searchable; reportlab cannot embed it.

Pages are landscape A4 in points (the writer's resolution is 72 dpi: one unit is one point).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QRawFont,
)

from gridwatch.db.reads.evaluation import Evaluation
from gridwatch.db.reads.map import OrgAreas
from gridwatch.layers.org import OrgLevel
from gridwatch.layers.polygons import PolygonSet
from gridwatch.layers.thematic import Theme, density, percent_label, render_thematic
from gridwatch.reports.charts import (
    chart_font,
    daily_chart,
    departments_chart,
    on_time_chart,
    paint_chart,
    sources_chart,
)
from gridwatch.reports.labels import Lang, text
from gridwatch.reports.tables import WEIGHTED, ReportTable, group_table, shown, worker_table

MARGIN = 36.0  # half an inch
LEVELS = {level.name.lower(): level for level in OrgLevel}
HEADLINE = (
    "reported",
    "to_handle",
    "handle_rate",
    "handle_on_time_rate",
    "due_to_close",
    "close_on_time_rate",
    "rework_rate",
    "overdue_rate",
    "satisfaction_rate",
)
RATES = {"handle_rate", "handle_on_time_rate", "close_on_time_rate", "rework_rate", "overdue_rate",
         "satisfaction_rate"}  # fmt: skip


def org_levels(
    areas: Mapping[str, OrgAreas], within: Sequence[int] | None = None
) -> dict[OrgLevel, PolygonSet]:
    """The map's polygons per level (as the map canvas builds them), only the scope's units if given."""
    keep = None if within is None else set(within)
    out = {}
    for level, a in areas.items():
        if level not in LEVELS:
            continue
        rows = [i for i, unit in enumerate(a.ids) if keep is None or unit in keep]
        if rows:
            out[LEVELS[level]] = PolygonSet.from_lonlat([a.ids[i] for i in rows], [a.names[i] for i in rows],
                                                        a.geoms[rows])  # fmt: skip
    return out


def themes(ev: Evaluation, levels: Mapping[OrgLevel, PolygonSet], lang: Lang) -> list[Theme]:
    """The grids by open-past-deadline rate (of the cases dispatched in the period), then by cases
    reported per km²."""
    rows = (
        {ev.unit_ids[r.key]: r for r in ev.groups["grid"].rows if r.key in ev.unit_ids}
        if "grid" in ev.groups
        else {}
    )
    overdue = {i: r.overdue_rate for i, r in rows.items() if r.overdue_rate is not None}
    out = [
        Theme(
            text("map", lang),
            overdue,
            percent_label,
            value_range=(0.0, max(overdue.values(), default=1.0) or 1.0),
        )
    ]
    grids = levels.get(OrgLevel.GRID)
    if grids is not None:
        out.append(Theme(text("map_density", lang), density(grids, {i: r.reported for i, r in rows.items()})))
    return out


class _Pages:
    """A PDF writer with a cursor: pages, a footer with the page number, text and tables."""

    def __init__(self, path: Path, lang: Lang, title: str) -> None:
        self.writer = QPdfWriter(str(path))
        self.writer.setResolution(72)
        self.writer.setTitle(title)
        self.writer.setCreator("gridwatch")
        self.writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape, QMarginsF(0, 0, 0, 0)
            )
        )
        size = self.writer.pageLayout().fullRectPoints().size()
        self.width, self.height = float(size.width()), float(size.height())
        self.lang = lang
        self.page = 1
        self.painter = QPainter()
        if not self.painter.begin(self.writer):
            raise OSError(f"Cannot write the PDF {path}.")
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.y = MARGIN
        self._footer()

    @property
    def bottom(self) -> float:
        return self.height - MARGIN - 14

    def new_page(self) -> None:
        self.writer.newPage()
        self.page += 1
        self.y = MARGIN
        self._footer()

    def _footer(self) -> None:
        self.painter.setFont(chart_font(8))
        self.painter.setPen(QColor(110, 110, 110))
        rect = QRectF(MARGIN, self.height - MARGIN, self.width - 2 * MARGIN, 14)
        self.painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text("page", self.lang).format(n=self.page))
        self.painter.setPen(QColor("black"))

    def heading(self, words: str, size: float = 14) -> None:
        font = chart_font(size, bold=True)
        height = QFontMetricsF(font).height() * 1.4
        if self.y + height * 3 > self.bottom:
            self.new_page()
        self.painter.setFont(font)
        self.painter.drawText(
            QRectF(MARGIN, self.y, self.width - 2 * MARGIN, height), Qt.AlignmentFlag.AlignLeft, words
        )
        self.y += height

    def line(
        self, words: str, size: float = 10, *, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    ) -> None:
        font = chart_font(size)
        height = QFontMetricsF(font).height() * 1.35
        self.painter.setFont(font)
        self.painter.drawText(QRectF(MARGIN, self.y, self.width - 2 * MARGIN, height), align, words)
        self.y += height

    def table(self, table: ReportTable, size: float = 7.5) -> None:
        """A table across the page width, its header repeated on every page it runs over."""
        font, bold = chart_font(size), chart_font(size, bold=True)
        metrics, bold_metrics = QFontMetricsF(font), QFontMetricsF(bold)
        cells = [[shown(v, c.kind) for v, c in zip(r, table.columns, strict=True)] for r in table.rows]
        total = (
            None
            if table.total is None
            else [shown(v, c.kind) for v, c in zip(table.total, table.columns, strict=True)]
        )
        widths = []
        for i, c in enumerate(
            table.columns
        ):  # a long header wraps to a second line rather than widen its column
            texts = [r[i] for r in cells] + ([total[i]] if total else [])
            header_w = bold_metrics.horizontalAdvance(c.label)
            data_w = max((metrics.horizontalAdvance(t) for t in texts), default=0.0)
            widths.append(max(data_w, header_w / 2 + size, min(header_w, size * 4)) + 8)
        available = self.width - 2 * MARGIN
        if sum(widths) > available:  # names are cut to fit rather than the figures
            name_col = next((i for i, c in enumerate(table.columns) if c.key == "name"), None)
            if name_col is not None:
                widths[name_col] = max(widths[name_col] - (sum(widths) - available), size * 6)
            widths = [w * min(1.0, available / sum(widths)) for w in widths]
        row_h = metrics.height() * 1.45

        def header() -> None:
            head_h = row_h * 1.8
            self.painter.fillRect(QRectF(MARGIN, self.y, sum(widths), head_h), QColor(220, 230, 241))
            self.painter.setFont(bold)
            x = MARGIN
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            for w, c in zip(widths, table.columns, strict=True):
                self.painter.drawText(QRectF(x + 1, self.y, w - 2, head_h), flags, c.label)
                x += w
            self.y += head_h

        def row(values: list[str], *, strong: bool = False) -> None:
            if self.y + row_h > self.bottom:
                self.new_page()
                header()
            self.painter.setFont(bold if strong else font)
            x = MARGIN
            for w, value, c in zip(widths, values, table.columns, strict=True):
                align = Qt.AlignmentFlag.AlignLeft if c.kind == "text" else Qt.AlignmentFlag.AlignRight
                elided = (bold_metrics if strong else metrics).elidedText(
                    value, Qt.TextElideMode.ElideRight, w - 4
                )
                self.painter.drawText(
                    QRectF(x + 2, self.y, w - 4, row_h), align | Qt.AlignmentFlag.AlignVCenter, elided
                )
                x += w
            self.y += row_h
            self.painter.setPen(QPen(QColor(225, 225, 225), 0.5))
            self.painter.drawLine(int(MARGIN), int(self.y), int(MARGIN + sum(widths)), int(self.y))
            self.painter.setPen(QColor("black"))

        if self.y + row_h * 3 > self.bottom:
            self.new_page()
        header()
        for values in cells:
            row(values)
        if total is not None:
            self.painter.setPen(QPen(QColor("black"), 1.0))
            self.painter.drawLine(int(MARGIN), int(self.y), int(MARGIN + sum(widths)), int(self.y))
            row(total, strong=True)
        self.y += row_h

    def finish(self) -> None:
        self.painter.end()


def write_pdf(
    ev: Evaluation,
    path: Path,
    lang: Lang = "zh_CN",
    *,
    areas: Mapping[str, OrgAreas] | None = None,
    generated: datetime | None = None,
) -> int:
    """Write the report; returns its number of pages. `areas` (reads.map.org_areas) adds the map page."""
    title = text("title", lang)
    pages = _Pages(path, lang, title)
    p = pages.painter
    try:
        _title_page(pages, ev, lang, title, generated or datetime.now().astimezone())
        if not ev.empty:
            for by in ev.groups:
                pages.new_page()
                pages.heading(f"{text(by, lang)} · {ev.start:%Y-%m-%d} – {ev.end:%Y-%m-%d}")
                pages.table(group_table(ev, by, lang, brief=True))
            if ev.workers:
                pages.new_page()
                pages.heading(text("worker", lang))
                pages.table(worker_table(ev, lang), size=7)
            pages.new_page()
            _charts(pages, ev, lang)
            if areas is not None:
                levels = org_levels(areas, ev.scope_units)
                if levels:
                    for theme in themes(ev, levels, lang):
                        pages.new_page()
                        pages.heading(theme.title)
                        box = QRectF(MARGIN, pages.y, pages.width - 2 * MARGIN, pages.bottom - pages.y)
                        image = render_thematic(
                            levels,
                            theme,
                            int(box.width()),
                            int(box.height()),
                            font=chart_font(11),
                            device_pixel_ratio=3.0,
                            title=False,
                        )
                        p.drawImage(box, image)
    finally:
        pages.finish()
    fix_unicode_maps(path, chart_font())
    return pages.page


RADICALS = (0x2E80, 0x2FDF)
"""CJK Radicals Supplement and Kangxi Radicals: Noto CJK draws 门, 页, 生 … with the same glyph as a
radical, and Qt's ToUnicode map names the radical (the lower code point), so a reader copying 部门
gets 部⻔ and a search for 部门 fails."""
IDEOGRAPHS = (0x4E00, 0x9FFF)
_CMAP = re.compile(rb"begincmap.*?endcmap", re.DOTALL)
_ARRAY = re.compile(rb"^(<[0-9A-Fa-f]+> <[0-9A-Fa-f]+> \[)([^\]]*)(\])", re.MULTILINE)
"""A bfrange line with its destinations listed: only the list is Unicode (the first two are glyph ids)."""
_SINGLE = re.compile(rb"^(<[0-9A-Fa-f]+> (?:<([0-9A-Fa-f]+)> )?)<([0-9A-Fa-f]{4})>$", re.MULTILINE)
"""A bfchar line (glyph, Unicode) or a bfrange line of one glyph (first, last, Unicode)."""
_HEX = re.compile(rb"<([0-9A-Fa-f]{4})>")


def radical_ideographs(font: QFont) -> dict[int, int]:
    """Radical code point → the unified ideograph the font draws with the same glyph."""
    raw = QRawFont.fromFont(font)
    ideographs = "".join(chr(c) for c in range(IDEOGRAPHS[0], IDEOGRAPHS[1] + 1))
    by_glyph: dict[int, int] = {}
    for c, glyph in zip(
        range(IDEOGRAPHS[0], IDEOGRAPHS[1] + 1), raw.glyphIndexesForString(ideographs), strict=True
    ):
        if glyph:
            by_glyph.setdefault(int(glyph), c)
    radicals = range(RADICALS[0], RADICALS[1] + 1)
    glyphs = raw.glyphIndexesForString("".join(chr(c) for c in radicals))
    return {c: by_glyph[int(g)] for c, g in zip(radicals, glyphs, strict=True) if g and int(g) in by_glyph}


def fix_unicode_maps(path: Path, font: QFont) -> int:
    """Point the PDF's ToUnicode entries at the ideographs instead of the radicals sharing their glyphs, in
    place (both are four hex digits: every byte offset of the file stays valid). Returns the entries fixed."""
    data = path.read_bytes()
    table = radical_ideographs(font)
    fixed = 0

    def unicode(code: bytes) -> bytes:
        nonlocal fixed
        ideograph = table.get(int(code, 16))
        if ideograph is None:
            return b"<" + code + b">"
        fixed += 1
        return b"<%04X>" % ideograph

    def listed(match: re.Match[bytes]) -> bytes:
        return match.group(1) + _HEX.sub(lambda h: unicode(h.group(1)), match.group(2)) + match.group(3)

    def single(match: re.Match[bytes]) -> bytes:
        head, last, code = match.group(1), match.group(2), match.group(3)
        if last is not None and head.split(b" ")[0][1:-1].lower() != last.lower():
            return match.group(0)  # a range of several glyphs: its destinations run on, leave it
        return head + unicode(code)

    def block(match: re.Match[bytes]) -> bytes:
        return _SINGLE.sub(single, _ARRAY.sub(listed, match.group(0)))

    out = _CMAP.sub(block, data)
    if fixed:
        assert len(out) == len(data)
        path.write_bytes(out)
    return fixed


def _title_page(pages: _Pages, ev: Evaluation, lang: Lang, title: str, generated: datetime) -> None:
    pages.y = pages.height * 0.18
    pages.line(title, 26, align=Qt.AlignmentFlag.AlignCenter)
    pages.y += 12
    scope = ev.scope_name or ev.scope or text("territory", lang)
    for key, value in (
        ("period", f"{ev.start:%Y-%m-%d} – {ev.end:%Y-%m-%d}"),
        ("scope", scope),
        ("as_of", ev.as_of.astimezone(ZoneInfo(ev.tz)).strftime("%Y-%m-%d %H:%M")),
        ("generated", generated.astimezone(ZoneInfo(ev.tz)).strftime("%Y-%m-%d %H:%M")),
    ):
        pages.line(f"{text(key, lang)}：{value}" if lang == "zh_CN" else f"{text(key, lang)}: {value}", 12,
                   align=Qt.AlignmentFlag.AlignCenter)  # fmt: skip
    pages.y += 24
    if ev.empty:
        pages.line(text("no_cases", lang), 16, align=Qt.AlignmentFlag.AlignCenter)
        return
    # the headline figures in boxes, as a center's published table
    t = ev.total
    box_w = (pages.width - 2 * MARGIN) / len(HEADLINE)
    label_font, value_font = chart_font(9), chart_font(15, bold=True)
    p = pages.painter
    for i, key in enumerate(HEADLINE):
        rect = QRectF(MARGIN + i * box_w + 3, pages.y, box_w - 6, 64)
        p.setPen(QPen(QColor(180, 190, 205), 0.8))
        p.setBrush(QColor(244, 247, 251))
        p.drawRect(rect)
        p.setPen(QColor("black"))
        p.setFont(value_font)
        value = getattr(t, key)
        p.drawText(
            rect.adjusted(0, 6, 0, -26),
            Qt.AlignmentFlag.AlignCenter,
            shown(value, "rate" if key in RATES else "int"),
        )
        p.setFont(label_font)
        p.drawText(rect.adjusted(0, 40, 0, -4), Qt.AlignmentFlag.AlignCenter, text(key, lang))
    pages.y += 84
    weights = "  ".join(f"{text(WEIGHTED[k], lang)}×{v:g}" for k, v in ev.weights.items() if k in WEIGHTED)
    pages.line(f"{text('weights', lang)}: {weights}", 8, align=Qt.AlignmentFlag.AlignCenter)


def _charts(pages: _Pages, ev: Evaluation, lang: Lang) -> None:
    """The charts across the page: the two daily ones on a page, departments on a page of their own (a
    band per department), then the sources."""
    w = pages.width - 2 * MARGIN
    half = (pages.bottom - MARGIN - 12) / 2
    layout = [(daily_chart(ev.days, lang), half), (on_time_chart(ev.days, lang), half)]
    if "department" in ev.groups:
        layout.append((departments_chart(ev.groups["department"], lang), pages.bottom - MARGIN))
    layout.append((sources_chart(ev.days, lang), half))
    y = MARGIN
    for chart, height in layout:
        if y + height > pages.bottom + 1:
            pages.new_page()
            y = MARGIN
        paint_chart(chart, pages.painter, QRectF(MARGIN, y, w, height))
        chart.deleteLater()
        y += height + 12
