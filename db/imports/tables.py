"""Reading a user's table (CSV or XLSX) into rows of cells, with the line numbers the user sees.

CSV comes from Excel and from older Chinese systems: UTF-8 with or without a BOM, GB18030 (a superset of
GBK and GB2312) or, from Hong Kong, Macao and Taiwan sources, Big5. Strict UTF-8 is tried first (GB18030
text is almost never valid UTF-8, while UTF-8 read as GB18030 would silently become mojibake); otherwise
charset-normalizer judges GB18030 against Big5 by how plausible the decoded text is, and anything else
(cp1252, Shift-JIS …) is refused with the encoding it looks like rather than imported as mojibake.

Every physical line is accounted for: a row lands, or its line is reported. An unterminated quote would
make the csv module swallow every line after it into one cell; such a record (strict quoting: it reaches
the end of the file or runs into a later cell's quote, or it spans lines with the wrong number of cells)
is refused on its first line and reading resumes on the next one.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from gridwatch.db.imports.report import ImportFileError, ImportReport, RowProblem
from gridwatch.db.spreadsheet import restore

Cell = str | float | int | datetime | None

DETECTED = ("gb18030", "big5")
"""Encodings judged by charset-normalizer when a file is not UTF-8; GB18030 wins a tie (mainland data)."""
FIELD_LIMIT = 2**31 - 1
"""The csv module refuses cells over 131,072 characters by default, which made one long cell reject a
whole file. The file is in memory anyway, so cells are read whatever their length and each column's own
limit (gridwatch.db.validation) then refuses the row."""
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass
class Table:
    """A header (lower-case, trimmed) and its rows; `rows` yields (line number, {column: cell})."""

    path: Path
    header: list[str]
    rows: list[tuple[int, dict[str, Cell]]]
    encoding: str | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)
    """Lines that could not be read as a row (an unterminated quote, too many cells), with the reason."""

    def add(self, line: int, cells: Sequence[str]) -> None:
        """A row of cells; blank rows are skipped. More cells than the header means the row's cells are
        shifted (an unquoted comma): refused, rather than read into the wrong columns."""
        if len(cells) > len(self.header):
            self.problems.append(
                (
                    line,
                    f"{len(cells)} cells but the header has {len(self.header)} columns (an unquoted comma?).",
                )
            )
        elif any(c.strip() for c in cells):
            self.rows.append((line, dict(zip(self.header, cells, strict=False))))

    def new_report(self, what: str) -> ImportReport:
        """A report counting every row and unreadable line, with the unreadable ones already listed."""
        report = ImportReport(what, total=len(self.rows) + len(self.problems))
        for line, reason in self.problems:
            report.error(line, reason)
        return report

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
    text, encoding = decode(path.read_bytes(), path.name)
    lines = _LINE.findall(text)
    if not lines:
        raise ImportFileError(f"{path.name}: the file is empty.")
    if "\x00" in lines[0]:
        raise ImportFileError(f"{path.name}: binary data, not a CSV table.")
    delimiter = "\t" if lines[0].count("\t") > lines[0].count(",") else ","  # a list cell may hold ';'
    csv.field_size_limit(FIELD_LIMIT)
    try:
        header_cells = next(csv.reader(lines[:1], delimiter=delimiter))
    except csv.Error as exc:
        raise ImportFileError(f"{path.name}: the header line is not a readable CSV row ({exc}).") from exc
    header = [normalize_column(c) for c in header_cells]
    table = Table(path, header, [], encoding)
    start = 1  # index of the line to read next
    while start < len(lines):
        reader = csv.reader(iter(lines[start:]), delimiter=delimiter, strict=True)
        done = 0
        try:
            for cells in reader:
                line, span, done = start + done + 1, reader.line_num - done, reader.line_num
                if span > 1 and len(cells) != len(header):
                    table.problems.append((line, _unclosed_quote(cells, len(header), line + span - 1)))
                    start = line  # read again from the next line
                    break
                table.add(line, cells)
            else:
                break
        except csv.Error as exc:
            line = start + done + 1
            table.problems.append((line, _broken_quote(str(exc), start + reader.line_num)))
            start = line
    return table


QUOTE_HELP = 'Close the quote, or double a quote inside a cell ("").'


def _unclosed_quote(cells: list[str], width: int, last: int) -> str:
    return (
        f'a quote (") opened on this line is not closed: the cell runs on to line {last} and the row '
        f"has {len(cells)} cells instead of {width}. {QUOTE_HELP}"
    )


def _broken_quote(error: str, last: int) -> str:
    if error == "unexpected end of data":
        reason = "is never closed: the cell would run to the end of the file"
    else:
        reason = f"ends inside a cell (line {last}: {error})"
    return f'a quote (") opened on this line {reason}. {QUOTE_HELP}'


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without BOM), GB18030 or Big5."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    matches = charset_normalizer.from_bytes(raw, cp_isolation=list(DETECTED))
    best = matches.best()
    if best is not None:
        tied = [m.encoding for m in matches if m.chaos <= best.chaos and m.encoding in DETECTED]
        encoding = "gb18030" if "gb18030" in tied else best.encoding
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    guess = charset_normalizer.from_bytes(raw).best()
    looks = f" (it looks like {guess.encoding})" if guess is not None else ""
    raise ImportFileError(
        f"{name}: not UTF-8, GB18030 or Big5 text{looks}; save it as CSV UTF-8 and import it again."
    )


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
    out = restore(str(value).strip())  # an export's '=… (gridwatch.db.spreadsheet) is the text =…
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
