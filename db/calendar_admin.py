"""Entering the State Council's holiday notice: set a day, import a file, show and check a year.

Each November or December the State Council publishes the next year's holidays and adjusted working
days (调休); a center enters them the same day, before the holiday library catches up (docs/CALENDAR.md).
A change is an admin's, recorded with who and when on each day, and in the same transaction the running
deadlines it moves are recomputed, each with an event saying why.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridwatch.db.calendar import Source, UnknownCalendarYear, WorkingCalendar
from gridwatch.db.errors import Forbidden, InvalidInput
from gridwatch.db.holidays_law import Holiday, statutory_holidays
from gridwatch.db.models import CalendarDay, Case, Person
from gridwatch.db.published import publish_clock
from gridwatch.db.store import MovedDeadline, Store, utcnow

ADMIN = "admin"
KINDS = {
    "holiday": False,
    "workday": True,
    "off": False,
    "work": True,
    "休": False,
    "假": False,
    "放假": False,
    "班": True,
    "上班": True,
}
"""What the kind column may say: English, or the notice's own words (休/放假, 班/上班)."""
HEADERS = {
    "date": ("date", "日期"),
    "kind": ("kind", "type", "类型", "休/班"),
    "name": ("name", "名称", "节日"),
}
MAX_DAYS = 400
"""A notice covers one year; a longer range in one row is a typo (2027-02-05..2028-02-13)."""


@dataclass(frozen=True)
class Entry:
    """One day as the notice gives it."""

    day: date
    is_workday: bool
    name: str | None = None


@dataclass(frozen=True)
class CalendarChange:
    """What entering a notice did: days written, days whose status changed, deadlines moved."""

    written: list[Entry]
    changed: dict[date, bool]
    moved: list[MovedDeadline]
    years: dict[int, Source]  # each touched year's source after the change


@dataclass(frozen=True)
class DayView:
    """One line of `calendar show`: how the day counts, who decided, and who entered it when."""

    day: date
    is_workday: bool
    source: Source
    name: str | None
    entered_by: str | None = None
    entered_at: datetime | None = None
    entered_from: str | None = None


@dataclass(frozen=True)
class YearCheck:
    """Whether a year is known, and the statutory holidays the site has not entered as holidays."""

    year: int
    source: Source
    entered: int
    missing: list[Holiday]

    @property
    def known(self) -> bool:
        return self.source != "estimate"


# --- reading a notice ---------------------------------------------------------------------------------


def parse_day(text: str) -> date:
    """2027-02-05, 2027/2/5 or 2027.2.5; anything else is refused."""
    match = re.fullmatch(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*", text)
    if match is None:
        raise InvalidInput(f"'{text}' is not a date: write it as YYYY-MM-DD (2027-02-05).")
    try:
        return date(*map(int, match.groups()))
    except ValueError as exc:
        raise InvalidInput(f"'{text}' is not a date: {exc}.") from exc


def parse_days(text: str) -> list[date]:
    """One day, or a range 'FIRST..LAST' as a notice writes a holiday (2月5日至13日)."""
    first, sep, last = text.partition("..")
    if not sep:
        return [parse_day(first)]
    start, end = parse_day(first), parse_day(last)
    if not start <= end <= start + timedelta(days=MAX_DAYS):
        raise InvalidInput(
            f"'{text}' is not a range of days: the last day must follow the first, within a year."
        )
    return [start + timedelta(days=k) for k in range((end - start).days + 1)]


def parse_kind(text: str) -> bool:
    """True for a working day; the notice's words and English are both understood."""
    kind = KINDS.get(text.strip().lower())
    if kind is None:
        raise InvalidInput(f"'{text}' is neither holiday nor workday (also understood: 休, 放假, 班, 上班).")
    return kind


def read_notice(path: Path) -> list[Entry]:
    """The days of a CSV (UTF-8 or GB18030) or XLSX file with the columns date, kind, name.

    Every bad row is reported with its line number and nothing is taken from a file with one: a notice
    half entered would leave some deadlines right and others silently wrong.
    """
    if not path.is_file():
        raise InvalidInput(f"No file '{path}'.")
    rows = list(_xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path))
    if not rows:
        raise InvalidInput(f"'{path.name}' is empty: it needs a header row date,kind,name and one row a day.")
    columns = _columns(rows[0][1], path.name)
    entries: list[Entry] = []
    problems: list[str] = []
    for line, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        try:
            cell = {key: cells[i].strip() if i < len(cells) else "" for key, i in columns.items()}
            days, is_workday = parse_days(cell["date"]), parse_kind(cell["kind"])
            entries += [Entry(d, is_workday, cell.get("name") or None) for d in days]
        except InvalidInput as exc:
            problems.append(f"line {line}: {exc}")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise InvalidInput(f"'{path.name}' has {len(problems)} bad row(s), nothing was entered: {shown}")
    return entries


def _columns(header: Sequence[str], name: str) -> dict[str, int]:
    found = {c.strip().lower(): i for i, c in enumerate(header)}
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        index = next((found[n] for n in names if n in found), None)
        if index is not None:
            columns[key] = index
    if "date" not in columns or "kind" not in columns:
        raise InvalidInput(
            f"'{name}' needs a header row with the columns date, kind and name (got: {', '.join(header)})."
        )
    return columns


def _csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    yield from enumerate(csv.reader(io.StringIO(text)), start=1)


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield line, [_cell_text(v) for v in row]


def _cell_text(value: object) -> str:
    """A spreadsheet date cell is a datetime; everything else is read as text."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


# --- changing the calendar ------------------------------------------------------------------------------


def enter(store: Store, username: str, entries: Sequence[Entry], source: str) -> CalendarChange:
    """Write the entries as `username` (an admin) and move the running deadlines they move, atomically."""
    if not entries:
        raise InvalidInput("Nothing to enter: give at least one day.")
    wanted: dict[date, Entry] = {}
    for entry in entries:
        seen = wanted.get(entry.day)
        if seen is not None and seen.is_workday != entry.is_workday:
            raise InvalidInput(
                f"{entry.day} is given both as a holiday and as a working day; nothing was entered."
            )
        wanted[entry.day] = entry
    previous: dict[date, bool] | None = None
    calendar: WorkingCalendar | None = None
    try:
        with store.session() as session, warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownCalendarYear)  # the change itself reports estimated years
            actor = store.actor(session, username)
            if ADMIN not in actor.roles:
                held = ", ".join(sorted(actor.roles)) or "no role"
                raise Forbidden(
                    f"Changing the working calendar needs the role admin; {username} holds {held}."
                )
            store.refresh_calendar(session)
            calendar = store.rules(session).calendar
            previous = dict(calendar.overrides)
            years = sorted({d.year for d in wanted})
            before = {d: calendar.is_workday(d) for d in _days_of(years)}
            now = utcnow()
            written = []
            for entry in wanted.values():
                row = session.get(CalendarDay, entry.day)
                if row is not None and (row.is_workday, row.name) == (entry.is_workday, entry.name):
                    continue
                if row is None:
                    row = CalendarDay(day=entry.day)
                    session.add(row)
                row.is_workday, row.name, row.source = entry.is_workday, entry.name, source[:100]
                row.changed_by_id, row.changed_at = actor.id, now
                written.append(entry)
            session.flush()
            store.refresh_calendar(session)
            changed = {
                d: calendar.is_workday(d) for d, was in before.items() if calendar.is_workday(d) != was
            }
            why = f"Working calendar changed by {actor.name} ({actor.username}, {source})"
            moved = store.recompute_deadlines(session, actor, changed, why, now)
            if store.is_postgres:  # the GIS layers' light reads the published clock (docs/QGIS.md)
                publish_clock(session, calendar, now)
            return CalendarChange(written, changed, moved, {y: calendar.year_source(y) for y in years})
    except BaseException:
        if calendar is not None and previous is not None:
            calendar.replace_overrides(previous)  # the table was rolled back: so is the shared calendar
        raise


def _days_of(years: Sequence[int]) -> Iterator[date]:
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            yield day
            day += timedelta(days=1)


# --- reading the calendar -----------------------------------------------------------------------------------


def year_view(store: Store, year: int) -> tuple[Source, list[DayView]]:
    """Who knows `year`, and each of its days that is not a plain working weekday or free weekend.

    Every day the site entered is listed, standard or not, with who entered it, when and from where.
    """
    with store.session() as session, warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownCalendarYear)
        store.refresh_calendar(session)
        calendar = store.rules(session).calendar
        entered = {
            row.day: (row, username)
            for row, username in session.execute(
                select(CalendarDay, Person.username)
                .outerjoin(Person, Person.id == CalendarDay.changed_by_id)
                .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
            )
        }
        views = []
        for day in _days_of([year]):
            status = calendar.status(day)
            if day in entered:
                row, username = entered[day]
                views.append(
                    DayView(day, row.is_workday, "site", row.name, username, row.changed_at, row.source)
                )
            elif not status.is_standard:
                views.append(DayView(day, status.is_workday, status.source, status.name))
        return calendar.year_source(year), views


def check_year(store: Store, year: int) -> YearCheck:
    """Known or estimated; for a year the library does not know, the statutory days still to enter."""
    with store.session() as session:
        store.refresh_calendar(session)
        calendar = store.rules(session).calendar
        overrides = calendar.overrides
        entered = sum(1 for d in overrides if d.year == year)
        source = calendar.year_source(year)
        missing = (
            []
            if source == "library"
            else [h for h in statutory_holidays(year) if overrides.get(h.day) is not False]
        )
        return YearCheck(year, source, entered, missing)


def estimated_years_ahead(session: Session, calendar: WorkingCalendar, now: datetime) -> list[int]:
    """The years from today's to the latest due time of an open case whose holidays are only estimated.

    The desk's banner shows them: from the day the first deadline reaches into a year nobody entered
    until someone enters its notice.
    """
    latest = session.execute(
        select(func.max(Case.deadline_at), func.max(Case.stage_due_at)).where(
            Case.closed_at.is_(None), Case.state.not_in(("rejected", "cancelled"))
        )
    ).one()
    last = max([now, *(t for t in latest if t is not None)]).astimezone(calendar.tz).year
    return [y for y in range(now.astimezone(calendar.tz).year, last + 1) if not calendar.is_known(y)]
