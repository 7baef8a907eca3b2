"""The evaluation as plain tables (title, typed columns, rows, the total row), one per grouping, the grid
workers and the days: what the workbook and the PDF both lay out, so the two files show the same cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gridwatch.db.metrics import MetricRow
from gridwatch.db.reads.evaluation import Evaluation, WorkerRow
from gridwatch.reports.labels import Lang, source_name, text

Kind = Literal["text", "int", "rate", "score"]
Cell = str | int | float | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind


@dataclass(frozen=True)
class ReportTable:
    """One sheet or one PDF table: `rows` then `total` (None for tables without one)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None


WEIGHTED = {"handle": "handle_rate", "handle_on_time": "handle_on_time_rate", "rework": "rework_rate",
            "overdue": "overdue_rate", "extension": "extension_rate"}  # fmt: skip
"""The rate each score weight multiplies (docs/DOMAIN.md's score rule)."""
FULL_METRICS: tuple[tuple[str, Kind], ...] = (
    ("reported", "int"),
    ("registered", "int"),
    ("self_handled", "int"),
    ("to_handle", "int"),
    ("handled", "int"),
    ("handled_on_time", "int"),
    ("handle_rate", "rate"),
    ("handle_on_time_rate", "rate"),
    ("due_to_close", "int"),
    ("closed", "int"),
    ("closed_on_time", "int"),
    ("close_rate", "rate"),
    ("close_on_time_rate", "rate"),
    ("reworks", "int"),
    ("rework_rate", "rate"),
    ("extended", "int"),
    ("extension_rate", "rate"),
    ("overdue_open", "int"),
    ("overdue_rate", "rate"),
    ("late", "int"),
    ("rated", "int"),
    ("satisfied", "int"),
    ("satisfaction_rate", "rate"),
)
"""Every figure of a grouping's row, in the workbook's order."""
BRIEF_METRICS = (
    "reported",
    "registered",
    "to_handle",
    "handled",
    "handle_rate",
    "handle_on_time_rate",
    "due_to_close",
    "closed_on_time",
    "close_on_time_rate",
    "rework_rate",
    "overdue_rate",
    "satisfaction_rate",
)
"""The figures a PDF page has room for (landscape A4)."""
WORKER_COLUMNS: tuple[tuple[str, Kind], ...] = (
    ("username", "text"),
    ("name", "text"),
    ("reports", "int"),
    ("valid_reports", "int"),
    ("valid_rate", "rate"),
    ("verified", "int"),
    ("verified_on_time", "int"),
    ("verify_on_time_rate", "rate"),
    ("checked", "int"),
    ("checked_on_time", "int"),
    ("check_on_time_rate", "rate"),
    ("days_on", "int"),
    ("working_days", "int"),
    ("attendance_rate", "rate"),
    ("late_clock", "int"),
    ("early_leave", "int"),
    ("outside", "int"),
)


def _metric_cells(
    row: MetricRow, keys: tuple[tuple[str, Kind], ...], ev: Evaluation, scored: bool
) -> list[Cell]:
    cells: list[Cell] = [getattr(row, k) for k, _ in keys]
    if scored:
        score = row.score(ev.weights)
        cells += [None if score is None else round(score, 2), row.grade(ev.weights)]
    return cells


def group_table(ev: Evaluation, by: str, lang: Lang, *, brief: bool = False) -> ReportTable:
    """A grouping's table: code, name, the figures (department: score and grade too), and the total."""
    group = ev.groups[by]  # type: ignore[index]
    keys = tuple((k, kind) for k, kind in FULL_METRICS if not brief or k in BRIEF_METRICS)
    scored = by == "department"
    columns = [Column("key", text("key", lang), "text"), Column("name", text("name", lang), "text")]
    columns += [Column(k, text(k, lang), kind) for k, kind in keys]
    if scored:
        columns += [
            Column("score", text("score", lang), "score"),
            Column("grade", text("grade", lang), "text"),
        ]
    rows = []
    for r in group.rows:
        name = source_name(r.key, lang) if by == "source" else r.name
        rows.append((r.key, name, *_metric_cells(r, keys, ev, scored)))
    total = (
        "",
        text("total", lang),
        *_metric_cells(group.total, keys, ev, False),
        *([None, None] if scored else []),
    )
    return ReportTable(by, text(by, lang), tuple(columns), tuple(rows), total)


def _worker_value(w: WorkerRow, key: str) -> Cell:
    return w.late if key == "late_clock" else getattr(w, key)


def worker_table(ev: Evaluation, lang: Lang) -> ReportTable:
    columns = tuple(Column(k, text(k, lang), kind) for k, kind in WORKER_COLUMNS)
    rows = tuple(tuple(_worker_value(w, k) for k, _ in WORKER_COLUMNS) for w in ev.workers)
    return ReportTable("worker", text("worker", lang), columns, rows, None)


def days_table(ev: Evaluation, lang: Lang) -> ReportTable:
    """Per day: reported, closed, handled and on time, with each source's reports as a column."""
    sources = sorted({s for d in ev.days for s, _ in d.sources})
    columns = [
        Column("day", text("day", lang), "text"),
        Column("reported", text("reported", lang), "int"),
        Column("closed", text("closed", lang), "int"),
        Column("handled", text("handled", lang), "int"),
        Column("handled_on_time", text("handled_on_time", lang), "int"),
        Column("handle_on_time_rate", text("handle_on_time_rate", lang), "rate"),
        Column("closed_on_time", text("closed_on_time", lang), "int"),
        Column("close_on_time_rate", text("close_on_time_rate", lang), "rate"),
    ]
    columns += [Column(f"source:{s}", source_name(s, lang), "int") for s in sources]
    rows = []
    for d in ev.days:
        per = dict(d.sources)
        rows.append(
            (d.day.isoformat(), d.reported, d.closed, d.handled, d.handled_on_time, d.handle_on_time_rate,
             d.closed_on_time, d.close_on_time_rate, *(per.get(s, 0) for s in sources))
        )  # fmt: skip
    total = (
        text("total", lang),
        sum(d.reported for d in ev.days),
        sum(d.closed for d in ev.days),
        sum(d.handled for d in ev.days),
        sum(d.handled_on_time for d in ev.days),
        _ratio(sum(d.handled_on_time for d in ev.days), sum(d.handled for d in ev.days)),
        sum(d.closed_on_time for d in ev.days),
        _ratio(sum(d.closed_on_time for d in ev.days), sum(d.closed for d in ev.days)),
        *(sum(dict(d.sources).get(s, 0) for d in ev.days) for s in sources),
    )
    return ReportTable("days", text("days", lang), tuple(columns), tuple(rows), total)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def all_tables(ev: Evaluation, lang: Lang, *, brief: bool = False) -> list[ReportTable]:
    """Every grouping of the evaluation, then the grid workers and the days."""
    out = [group_table(ev, by, lang, brief=brief) for by in ev.groups]
    out.append(worker_table(ev, lang))
    if ev.days:
        out.append(days_table(ev, lang))
    return out


def shown(value: Cell, kind: Kind) -> str:
    """A cell as printed: rates as 99.86%, an undefined rate or score as "—"."""
    if value is None:
        return "—" if kind in ("rate", "score") else ""
    if kind == "rate":
        return f"{float(value) * 100:.2f}%"
    if kind == "score":
        return f"{float(value):.2f}"
    return str(value)
