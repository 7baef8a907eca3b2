"""The evaluation PDF (issue 13 item 4), written by Qt and read back with poppler: the CJK font is embedded
with its Unicode map, the Chinese text extracts as written (so it is drawn as glyphs, not boxes), pages
render to images with ink where the tables, charts and the map are, in both languages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gridwatch.db.reads.evaluation import Evaluation, evaluate
from gridwatch.db.reads.map import org_areas
from gridwatch.db.store import Store
from gridwatch.reports.pdf import write_pdf
from tests.reports.conftest import EMPTY

POPPLER = ("pdftoppm", "pdftotext", "pdffonts")


@pytest.fixture(autouse=True)
def _poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    assert not missing, f"install poppler-utils (installer/test-packages.txt): missing {missing}"


def page_text(pdf: Path, page: int | None = None) -> str:
    """The text of a page (all pages if None), exactly as extracted."""
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    out = subprocess.run(
        ["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return out.stdout


def fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:]]


def render(pdf: Path, page: int, tmp_path: Path, dpi: int = 60) -> QImage:
    prefix = tmp_path / f"page{page}"
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), *pages, "-png", "-singlefile", str(pdf), str(prefix)], check=True
    )
    image = QImage(str(prefix.with_suffix(".png")))
    assert not image.isNull()
    return image


def ink(image: QImage) -> float:
    """The share of pixels that are not white."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    bits = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    pixels = bits.reshape(rgb.height(), rgb.bytesPerLine())[:, : rgb.width() * 3].reshape(-1, 3)
    return float((pixels.min(axis=1) < 200).mean())


def colours(image: QImage) -> int:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    bits = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=rgb.sizeInBytes())
    pixels = bits.reshape(rgb.height(), rgb.bytesPerLine())[:, : rgb.width() * 3].reshape(-1, 3)
    return len({tuple(p) for p in pixels[:: max(1, len(pixels) // 20000)]})


def test_the_pdf_embeds_the_cjk_font_and_its_text_reads_back(
    november: tuple[Store, Evaluation], tmp_path: Path
) -> None:
    store, ev = november
    pdf = tmp_path / "evaluation.pdf"
    pages = write_pdf(ev, pdf, "zh_CN", areas=org_areas(store))
    # title, 5 groupings, workers, the daily charts, departments, sources, 2 maps
    assert pages == 1 + len(ev.groups) + 6
    embedded = fonts(pdf)
    assert embedded and all(row[-5] == "yes" for row in embedded)  # emb
    assert all(row[-3] == "yes" for row in embedded)  # a ToUnicode map: the text can be searched and copied
    assert any(row[0].startswith("NotoSansCJK") for row in embedded)
    title = page_text(pdf, 1)
    for words in (
        "城市管理综合考评报告",
        "考评期间：2025-11-01",
        "考评范围：全辖区",
        "上报数",
        "处置率",
        "60.00%",
        "33.33%",
    ):
        assert words in title, words
    departments = page_text(pdf, 2)
    assert "城管执法局" in departments and "市政园林局" in departments and "合计" in departments
    total = next(line for line in departments.splitlines() if "合计" in line).split()
    assert total[:6] == ["合计", "6", "5", "5", "3", "60.00%"]
    everything = page_text(pdf)
    for words in (
        "网格员",
        "每日上报与结案",
        "每日按期率",
        "部门对比",
        "案件来源",
        "网格超期待处置率",
        "网格案件密度",
    ):
        assert words in everything, words
    # 页 and 门 share their glyphs with radicals (⻚, ⻔): the text map names the characters written
    assert f"第 {pages} 页" in everything and "部门" in everything and "⻚" not in everything


def test_pages_render_with_ink_where_tables_charts_and_map_are(
    november: tuple[Store, Evaluation], tmp_path: Path
) -> None:
    store, ev = november
    pdf = tmp_path / "evaluation.pdf"
    write_pdf(ev, pdf, "zh_CN", areas=org_areas(store))
    first_chart = 1 + len(ev.groups) + 2  # after the title, a page per grouping, the grid workers
    title, table, charts, chart_page = (
        render(pdf, p, tmp_path) for p in (1, 2, first_chart, first_chart + 1)
    )
    assert title.width() > title.height()  # landscape A4
    assert 0.002 < ink(title) < 0.2 and 0.005 < ink(table) < 0.3
    assert colours(charts) > 20 and ink(charts) > 0.01 and ink(chart_page) > 0.01  # coloured lines and bars
    map_page = render(pdf, first_chart + 3, tmp_path)
    assert ink(map_page) > 0.02 and colours(map_page) > 10  # the filled grids and the legend


def test_english_and_an_empty_period(november: tuple[Store, Evaluation], tmp_path: Path) -> None:
    store, ev = november
    pdf = tmp_path / "en.pdf"
    write_pdf(ev, pdf, "en")
    text = page_text(pdf)
    for words in ("City management evaluation report", "Period: 2025-11-01", "Departments", "Total",
                  "Reported and closed per day", "城管执法局"):  # fmt: skip
        assert words in text, words
    empty = tmp_path / "empty.pdf"
    assert write_pdf(evaluate(store, *EMPTY), empty, "zh_CN", areas=org_areas(store)) == 1
    assert "本期间无案件" in page_text(empty)


def test_an_unwritable_file_is_a_clear_error(november: tuple[Store, Evaluation], tmp_path: Path) -> None:
    _, ev = november
    with pytest.raises(OSError, match="Cannot write the PDF"):
        write_pdf(ev, tmp_path / "no-such-folder" / "x.pdf")
