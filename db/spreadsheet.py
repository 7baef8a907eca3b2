"""Cells a spreadsheet would evaluate: neutralised in every CSV and XLSX the store writes.

A citizen's description is untrusted text; written as it came, `=HYPERLINK(…)` or `+cmd|…` becomes a live
formula when a supervisor opens the export in Excel or LibreOffice (CSV injection). OWASP's rule: a text
cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading apostrophe, which both
programs read as "this is text" (a plain number such as `-3` is left alone: it can only be a number).
The interchange CSV must still import back unchanged, so the importer removes that apostrophe again
(`restore`), and a text that itself starts with an apostrophe before such a character is written with
one more: `restore(neutralise(s)) == s` for every string.

In XLSX a cell has a type, so text is written as a string cell with Excel's quote prefix instead: the
value stays exactly as stored, it is never evaluated, and it stays text when someone edits the cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
"""A plain number written as text (a negative rate, say): a spreadsheet reads it as that number, no more."""


def _escaped(text: str) -> bool:
    return text.startswith(TRIGGERS) or (text.startswith(QUOTE) and text[1:].startswith((*TRIGGERS, QUOTE)))


def neutralise(value: Any) -> Any:
    """A CSV cell value a spreadsheet shows as text; numbers, dates and other values pass unchanged."""
    if isinstance(value, str) and _escaped(value) and not NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """The text `neutralise` was given (applied to every text cell an import reads)."""
    if text.startswith(QUOTE) and text[1:].startswith((*TRIGGERS, QUOTE)):
        return text[1:]
    return text


def append_xlsx_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row; text cells are typed as text (never a formula) with the quote prefix set."""
    values = list(values)
    sheet.append([None if isinstance(v, str) else v for v in values])
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            cell = sheet.cell(row=row, column=column)
            cell.value = value
            cell.data_type = "s"  # openpyxl would make any text starting with '=' a formula
            if value.startswith(TRIGGERS):
                cell.quotePrefix = True
