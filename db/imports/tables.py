"""Reading a user's table (CSV or XLSX) into rows of cells, with the line numbers the user sees.

CSV comes from Excel and from older Chinese systems: UTF-8 with or without a BOM, or GB18030 (a superset
of GBK and GB2312). The encoding is detected by trying strict UTF-8 first: GB18030 text is almost never
valid UTF-8, while UTF-8 Chinese text read as GB18030 would silently become mojibake.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from gridwatch.db.imports.report import ImportFileError, RowProblem

Cell = str | float | int | datetime | None

ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Table:
    """A header (lower-case, trimmed) and its rows; `rows` yields (line number, {column: cell})."""

    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, Cell]]]
    encoding: str | None = None

    def require(self, columns: Sequence[str]) -> None:
        missing = [c for c in columns if c not in self.header]
        if missing:
            raise ImportFileError(
                f"{self.path.name}: missing column(s) {', '.join(missing)}. "
                f"The header has: {', '.join(self.header) or '(nothing)'}. See docs/IMPORT.md."
            )


def read_table(path: Path) -> Table:
    """Read a .csv, .txt or .xlsx file; raise ImportFileError when it cannot be read at all."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    raise ImportFileError(f"{path.name}: unsupported file type '{suffix}'. Use .csv or .xlsx.")


def _read_csv(path: Path) -> Table:
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(f"{path.name}: not UTF-8 or GB18030 text; save it as CSV UTF-8.")
    if "\x00" in text:
        raise ImportFileError(f"{path.name}: binary data, not a CSV table.")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","  # a list cell may hold ';'
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header_cells = next(reader)
    except StopIteration:
        raise ImportFileError(f"{path.name}: the file is empty.") from None
    except csv.Error as exc:
        raise ImportFileError(f"{path.name}: not a readable CSV table ({exc}).") from exc
    header = [normalize_column(c) for c in header_cells]
    rows: list[tuple[int, dict[str, Cell]]] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((line, dict(zip(header, cells, strict=False))))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(f"{path.name}, line {line}: not a readable CSV table ({exc}).") from exc
    return Table(path, header, rows, encoding.removesuffix("-sig"))


def _read_xlsx(path: Path) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise ImportFileError(f"{path.name}: not a readable XLSX workbook ({exc}).") from exc
    try:
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        first = next(rows_iter, None)
        if first is None:
            raise ImportFileError(f"{path.name}: the first sheet is empty.")
        header = [normalize_column("" if c is None else str(c)) for c in first]
        rows: list[tuple[int, dict[str, Cell]]] = []
        for line, values in enumerate(rows_iter, start=2):
            if any(v is not None and str(v).strip() for v in values):
                rows.append((line, {h: _xlsx_cell(v) for h, v in zip(header, values, strict=False)}))
    finally:
        book.close()
    return Table(path, header, rows)


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, str | float | int | datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    return str(value)


def normalize_column(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower()


# --- cells -------------------------------------------------------------------------------------------


def text(row: dict[str, Cell], column: str) -> str | None:
    """The trimmed text of a cell, None when empty or absent (Excel's 12.0 for a code becomes '12')."""
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    out = str(value).strip()
    return out or None


def number(row: dict[str, Cell], column: str) -> float | None:
    """A number cell; NaN and infinities are refused (a coordinate must be a real number)."""
    value = row.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RowProblem(f"{column} '{value}' is not a number.") from None
    if not math.isfinite(out):
        raise RowProblem(f"{column} is {value}: it must be a finite number.")
    return out


def moment(row: dict[str, Cell], column: str, tz: ZoneInfo) -> datetime | None:
    """An ISO 8601 time; a bare (offset-less) time is on the site's wall clock `tz`."""
    value = row.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        raw = str(value).strip()
        try:
            parsed = datetime.fromisoformat(raw.replace("/", "-"))
        except ValueError:
            raise RowProblem(
                f"{column} '{raw}' is not an ISO 8601 time "
                "(e.g. 2024-05-01 08:30:00 or 2024-05-01T08:30:00+08:00)."
            ) from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed


def split_list(value: str | None) -> list[str]:
    """A list cell: items separated by ';', '；', ',', '，', '、' or '|'."""
    if not value:
        return []
    for sep in ("；", "，", "、", ",", "|"):
        value = value.replace(sep, ";")
    return [item.strip() for item in value.split(";") if item.strip()]
