"""The case queue's table model: the store's filtered case list, fetched a page at a time and kept live.

A dispatcher's queue may hold 100,000 open cases, so the model never loads or resets everything: it
fetches pages as the view scrolls (`canFetchMore`/`fetchMore`), and a change announced by the feed
re-reads only the changed rows (one query for a burst of changes) and updates, inserts or removes just
those. The countdown column is the only thing that changes with time; a 1 s tick repaints that column.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, get_args

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

from gridwatch.db.deadlines import Light
from gridwatch.db.lifecycle import Rules
from gridwatch.db.queries import CaseFilter, light_of, paused_until, time_left
from gridwatch.db.reads import case_lists
from gridwatch.db.reads.case_lists import ListedCase
from gridwatch.db.reads.reference import site_rules
from gridwatch.db.store import Store, utcnow
from gridwatch.layers.cases import LIGHT_COLOURS
from gridwatch.layers.cases import Light as LightCode
from gridwatch.ui import texts
from gridwatch.ui.store_reads import StoreReads

PAGE = 500
FLASH_SECONDS = 15.0
"""How long a new or changed row stays highlighted: long enough to be noticed on a glance back."""

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    sort_key: str | None  # the store's SORTABLE name, None when the store cannot sort by it


COLUMNS = (
    Column("countdown", "stage_due_at"),
    Column("case_no", "case_no"),
    Column("urgency", "urgency"),
    Column("state", "state"),
    Column("category", None),
    Column("source", None),
    Column("where", None),
    Column("grid", None),
    Column("department", None),
    Column("reported", "reported_at"),
)
COUNTDOWN = 0
COLOURS = {name: QColor.fromRgba(LIGHT_COLOURS[LightCode[name.upper()]]) for name in get_args(Light)}
"""The map's colours of the lights, by the store's light names: one table for the map and the queue."""
FLASH_NEW = QColor("#fff3b0")
FLASH_CHANGED = QColor("#d6ecff")


def _dot(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(1, 1, 10, 10)
    painter.end()
    return QIcon(pixmap)


def _sort_value(row: ListedCase, key: str) -> Any:
    return getattr(row, key)


def goes_before(new: ListedCase, old: ListedCase, order: Sequence[str]) -> bool:
    """Whether `new` sorts before `old` under the store's order (then id descending, as `case_query`)."""
    for key in order:
        name = key.lstrip("-")
        a, b = _sort_value(new, name), _sort_value(old, name)
        if a == b:
            continue
        if a is None or b is None:
            return b is None  # as `case_query`: a case without the value (no clock runs) sorts last
        return bool(a > b) if key.startswith("-") else bool(a < b)
    return new.id > old.id


class CaseTableModel(QAbstractTableModel):
    """The filtered case list; `apply_filter` starts over, feed changes patch rows in place.

    Every read goes through `reads` and comes before any change to the rows: when the store cannot be
    reached the rows stay as they were read at `read_at`, and no page is asked for until a refresh has
    read the list again (a view asks for more on every resize: each would wait on the store again)."""

    loaded = Signal()  # a page arrived (the first one after a filter change, or a later one)
    refreshed = Signal()  # the list was read again from the top: it is current as of `read_at`
    inserted = Signal(object)  # ListedCase: a case newly entered the queue while it was open
    held_changed = Signal(int, int)  # arrivals held back, rows that left the list but still show

    def __init__(
        self,
        store: Store,
        parent: QObject | None = None,
        *,
        page: int = PAGE,
        reads: StoreReads | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.reads = reads or StoreReads(self)
        self.page = page
        self.clock: Callable[[], datetime] = utcnow
        self.read_at: datetime | None = None  # the last read the store answered: the rows are as of then
        self._stale = False  # a read failed since the last refresh: the rows may be behind the store
        self.rules: Rules = site_rules(store)
        self.filter = CaseFilter(open_only=True)
        self._filtered = False  # apply_filter has run: a sort re-reads rather than only noting the order
        self._rows: list[ListedCase] = []
        self._index: dict[int, int] | None = {}
        self._exhausted = False
        self._flash: dict[int, tuple[float, QColor]] = {}
        self._lights: dict[tuple[int, int], Light | None] = {}
        self._pending: set[int] = set()
        self.holding: Callable[[], bool] = lambda: False
        """Whether the person is aiming at a row (the queue says: a selection, or the pointer over it):
        then no row moves; arrivals wait in `_arrived` and rows that left the list stay, greyed, in
        `_gone` until `take_held` (docs/DEADLINES.md has the clock; this is the queue's stillness)."""
        self._arrived: dict[int, ListedCase] = {}
        self._gone: set[int] = set()
        self._icons = {name: _dot(colour) for name, colour in COLOURS.items()}
        self._coalesce = QTimer(self, singleShot=True, interval=50)
        self._coalesce.timeout.connect(self._apply_pending)
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()

    # --- filter and paging ------------------------------------------------------------------------------

    def apply_filter(self, flt: CaseFilter) -> bool:
        """Start over with this filter: its first page is read, then shown. False when the store could not
        be reached: the rows shown stay, with the filter they were read with."""
        flt = dataclasses.replace(flt, limit=self.page, offset=0)
        rows = self._read(lambda: case_lists.page(self.store, flt))
        if rows is None:
            return False
        self.beginResetModel()
        self._filtered = True
        self.filter = flt
        self._rows, self._index, self._exhausted, self._flash = [], {}, False, {}
        self._arrived, self._gone = {}, set()
        self._pending = set()  # changes noted before this read are in its answer
        self.read_at, self._stale = self.clock(), False
        self.held_changed.emit(0, 0)
        self._append(rows)
        self.endResetModel()
        self.loaded.emit()
        self.refreshed.emit()
        return True

    def _read(self, read: Callable[[], list[ListedCase]]) -> list[ListedCase] | None:
        """One read of the list through `reads`: the rows are stale when it was not answered, and a page or
        changed rows read while stale make them no more current (only `apply_filter` does)."""
        rows = self.reads.read(read)
        if rows is None:
            self._stale = True
        elif not self._stale:
            self.read_at = self.clock()
        return rows

    def _append(self, rows: list[ListedCase]) -> list[ListedCase]:
        self._exhausted = len(rows) < self.page
        index = self._lookup()
        fresh = [r for r in rows if r.id not in index]  # rows inserted live may reappear in a later page
        for row in fresh:
            index[row.id] = len(self._rows)
            self._rows.append(row)
        return fresh

    @property
    def exhausted(self) -> bool:
        """Every row the filter passes has been read (none waits in a later page)."""
        return self._exhausted

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._stale

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        flt = dataclasses.replace(self.filter, offset=len(self._rows))
        after = self._rows[-1] if self._rows else None
        rows = self._read(lambda: case_lists.page(self.store, flt, after=after))
        if rows is None:
            return
        index = self._lookup()
        fresh = [r for r in rows if r.id not in index]
        if fresh:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(fresh) - 1)
            self._append(rows)
            self.endInsertRows()
        else:
            self._exhausted = len(rows) < self.page
        self.loaded.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column].sort_key
        if key is None:
            return
        prefix = "-" if order == Qt.SortOrder.DescendingOrder else ""
        flt = dataclasses.replace(self.filter, order=[prefix + key])
        if self._filtered:
            self.apply_filter(flt)
        else:  # the view sets its header up before the first read: sorting 100,000 rows for it is waste
            self.filter = flt

    # --- live changes ----------------------------------------------------------------------------------

    def note_change(self, case_id: int, version: int) -> None:
        """A case changed in the store; re-read it soon (bursts of changes become one query)."""
        row = self.row_of(case_id)
        if row is not None and self._rows[row].version >= version > 0:
            return  # this view already shows that version (our own write, read back)
        self._pending.add(case_id)
        self._coalesce.start()

    def refresh(self, ids: Iterable[int], *, hold: bool = True) -> None:
        """Re-read these cases now: update rows, insert new ones that pass, drop ones that no longer do
        (held back while the person aims at the list, unless `hold` is False: their own new case)."""
        self._pending.update(ids)
        self._apply_pending(hold)

    def _apply_pending(self, hold: bool = True) -> None:
        ids, self._pending = sorted(self._pending), set()
        if not ids:
            return
        rows = self._read(lambda: case_lists.rows_of(self.store, self.filter, ids))
        if rows is None:  # read with the next change, unless a refresh reads the whole list first
            self._pending.update(ids)
            return
        found = {r.id: r for r in rows}
        now = time.monotonic()
        hold = hold and self.holding()
        for case_id in ids:
            row = self.row_of(case_id)
            fresh = found.get(case_id)
            if case_id in self._arrived:  # still waiting to be shown: keep it current, or forget it
                if fresh is None:
                    del self._arrived[case_id]
                else:
                    self._arrived[case_id] = fresh
            elif row is not None and fresh is None and hold:
                self._gone.add(case_id)  # it stays where the pointer is, greyed, until the person takes it
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            elif row is not None and fresh is None:
                self._remove(row)
            elif row is not None and fresh is not None:
                self._gone.discard(case_id)
                self._rows[row] = fresh
                self._flash[case_id] = (now + FLASH_SECONDS, FLASH_CHANGED)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            elif fresh is not None and hold:
                self._arrived[case_id] = fresh
            elif fresh is not None:
                self._insert(fresh, now)
        self.held_changed.emit(len(self._arrived), len(self._gone))

    def take_held(self) -> None:
        """Show what was held back while the person aimed at the list: arrivals in their place, and the
        rows that left the list gone."""
        now = time.monotonic()
        for case_id in sorted(self._gone):
            row = self.row_of(case_id)
            if row is not None:
                self._remove(row)
        arrived, self._arrived, self._gone = self._arrived, {}, set()
        for fresh in arrived.values():
            self._insert(fresh, now)
        self.held_changed.emit(0, 0)

    def held(self) -> tuple[int, int]:
        return len(self._arrived), len(self._gone)

    def is_gone(self, case_id: int) -> bool:
        """The row left the list (another desk moved it on) but stays until the person takes the change."""
        return case_id in self._gone

    def _remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._index = None
        self.endRemoveRows()

    def _insert(self, fresh: ListedCase, now: float) -> None:
        order = self.filter.order
        at = next((i for i, r in enumerate(self._rows) if goes_before(fresh, r, order)), len(self._rows))
        if at == len(self._rows) and not self._exhausted:
            return  # it belongs further down than loaded so far: a later page brings it
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.insert(at, fresh)
        self._index = None
        self.endInsertRows()
        self._flash[fresh.id] = (now + FLASH_SECONDS, FLASH_NEW)
        self.inserted.emit(fresh)

    def tick(self) -> None:
        """Once a second: the countdowns move and expired highlights fade, nothing else is repainted."""
        self._lights.clear()
        if self._rows:
            self.dataChanged.emit(
                self.index(0, COUNTDOWN),
                self.index(len(self._rows) - 1, COUNTDOWN),
                [Qt.ItemDataRole.DisplayRole],
            )
        now = time.monotonic()
        for case_id in [i for i, (until, _) in self._flash.items() if until <= now]:
            del self._flash[case_id]
            row = self.row_of(case_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # --- lookup ------------------------------------------------------------------------------------------

    def _lookup(self) -> dict[int, int]:
        if self._index is None:
            self._index = {r.id: i for i, r in enumerate(self._rows)}
        return self._index

    def row_of(self, case_id: int) -> int | None:
        return self._lookup().get(case_id)

    def case_at(self, row: int) -> ListedCase:
        return self._rows[row]

    def case_by_id(self, case_id: int) -> ListedCase | None:
        row = self.row_of(case_id)
        return None if row is None else self._rows[row]

    def is_highlighted(self, case_id: int) -> bool:
        return case_id in self._flash

    # --- the table -------------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.header_labels()[section]

    def header_labels(self) -> list[str]:
        return [
            self.tr("Time left"),
            self.tr("Case no."),
            self.tr("Urgency"),
            self.tr("State"),
            self.tr("Category"),
            self.tr("Source"),
            self.tr("Where"),
            self.tr("Grid"),
            self.tr("Department"),
            self.tr("Reported"),
        ]

    def light(self, row: ListedCase) -> Light | None:
        """The row's traffic light, computed once per tick (a repaint asks for it several times per row)."""
        key = (row.id, row.version)
        if key not in self._lights:
            self._lights[key] = light_of(self.rules, row, self.clock())
        return self._lights[key]

    def remaining(self, row: ListedCase) -> tuple[float, bool] | None:
        """Seconds left in the current step (negative when overdue) and whether they are working time."""
        return time_left(self.rules, row, self.clock())

    def paused_until(self, row: ListedCase) -> datetime | None:
        """When the row's working-time clock resumes, while it stands still outside working hours."""
        return paused_until(self.rules, row, self.clock())

    def clock_text(self, moment: datetime) -> str:
        """The time of day of a moment today, else the day too: `08:30`, `12-07 08:30` (the site's zone)."""
        tz = self.rules.calendar.tz
        local = moment.astimezone(tz)
        today = self.clock().astimezone(tz).date()
        return local.strftime("%H:%M" if local.date() == today else "%m-%d %H:%M")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == COUNTDOWN:
            light = self.light(row)
            return self._icons[light] if light else None
        if role == Qt.ItemDataRole.ForegroundRole and row.id in self._gone:
            return QBrush(QColor("#9aa0a6"))
        if role == Qt.ItemDataRole.FontRole and row.id in self._gone:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and row.id in self._flash:
            return QBrush(self._flash[row.id][1])
        if role == Qt.ItemDataRole.ForegroundRole and column == COUNTDOWN and self.light(row) == "red":
            return QBrush(COLOURS["red"])
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and row.urgency == "A":
            return QBrush(COLOURS["red"])
        if role == Qt.ItemDataRole.ToolTipRole and column == 6:
            return row.description
        if role == Qt.ItemDataRole.ToolTipRole and column == COUNTDOWN:
            resumes = self.paused_until(row)
            if resumes is not None:
                return self.tr("Clock paused outside working hours; it resumes %1").replace(
                    "%1", resumes.astimezone(self.rules.calendar.tz).strftime("%Y-%m-%d %H:%M")
                )
            left = self.remaining(row)
            return self.tr("working time left") if left and left[1] else None
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def _display(self, row: ListedCase, column: int) -> str:
        key = COLUMNS[column].key
        if key == "countdown":
            left = self.remaining(row)
            if left is None:
                return ""
            shown = texts.duration(left[0], days=not left[1])
            resumes = self.paused_until(row)
            if resumes is None:
                return shown
            paused = self.tr("%1 paused until %2")
            return paused.replace("%1", shown).replace("%2", self.clock_text(resumes))
        if key == "case_no":
            return row.case_no
        if key == "urgency":
            return texts.label(texts.urgencies(), row.urgency)
        if key == "state":
            state = texts.label(texts.states(), row.state)
            if row.pending_request:
                state = f"{state} · {texts.label(texts.requests(), row.pending_request)}?"
            escalated = self.tr("%1 · escalated")  # came up from a lower level (docs/LEVELS.md)
            return escalated.replace("%1", state) if row.escalated else state
        if key == "category":
            return row.category_name
        if key == "source":
            return texts.label(texts.sources(), row.source)
        if key == "where":
            return row.address or row.description
        if key == "grid":
            return row.grid_code or ""
        if key == "department":
            return row.department_code or ""
        return row.reported_at.astimezone(self.rules.calendar.tz).strftime("%m-%d %H:%M")
