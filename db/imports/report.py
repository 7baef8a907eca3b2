"""What an import did, row by row, in words a site administrator can act on.

Line numbers are the ones the user sees in the file (the header is line 1; for a GeoPackage, Shapefile
or GeoJSON they are feature numbers, the first feature being 1), so a bad row can be found and fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gridwatch.db.errors import StoreError

Progress = Callable[[int, int], None]
"""Called with (rows done, rows in all) while an import runs: drives a progress bar."""


class ImportFileError(StoreError):
    """The file cannot be read at all (missing, not a table, no required column): nothing was imported."""


class RowProblem(StoreError):
    """One row cannot be imported; the message says why. Other rows still land."""


@dataclass(frozen=True)
class RowIssue:
    line: int
    reason: str


@dataclass
class ImportReport:
    """Counts and row issues of one import; `ok` means every row landed."""

    what: str
    line_label: str = "line"
    total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def skipped(self) -> int:
        """Rows that did not land (each has one error)."""
        return len(self.errors)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int, reason: str) -> None:
        self.errors.append(RowIssue(line, reason))

    def warn(self, line: int, reason: str) -> None:
        self.warnings.append(RowIssue(line, reason))

    def count(self, outcome: str) -> None:
        """Record one landed row: 'inserted', 'updated' or 'unchanged'."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> str:
        return (
            f"{self.what}: {self.total} rows — {self.inserted} inserted, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.skipped} skipped"
        )
