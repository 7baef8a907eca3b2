"""The case queue: filters, paging, the live countdown and row patches from changes, on both backends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case
from gridwatch.db.queries import CaseFilter
from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.case_model import COUNTDOWN, CaseTableModel
from gridwatch.ui.case_queue import CaseQueue

LON, LAT = 118.09, 24.47


@pytest.fixture(autouse=True)
def english(qapp: object) -> None:
    make_application("en")


def report(
    store: Store, category: str = "06010", source: str = "citizen", urgency: str | None = None
) -> Case:
    return store.report(
        actor="acceptor", source=source, category_code=category, lon=LON, lat=LAT, urgency=urgency
    )


def rows(model: CaseTableModel) -> list[str]:
    return [model.case_at(r).case_no for r in range(model.rowCount())]


def test_filters(store: Store, staff: dict[str, str], qtbot: QtBot) -> None:
    urgent = report(store, "10001", source="video")  # 烟雾火情: urgency A by its category
    plain = report(store, "06010")
    parking = report(store, "09009", source="hotline")
    closed = report(store, "06012")
    store.act(closed.case_no, "reject", actor="acceptor", inp=ActionInput(reason="重复"))
    queue = CaseQueue(store, person_id=None)
    qtbot.addWidget(queue)
    queue.apply_filters()
    assert set(rows(queue.model)) == {urgent.case_no, plain.case_no, parking.case_no}  # open only
    queue.state.setCurrentIndex(queue.state.findData(None))
    assert closed.case_no in rows(queue.model)
    queue.state.setCurrentIndex(queue.state.findData("rejected"))
    assert rows(queue.model) == [closed.case_no]
    queue.state.setCurrentIndex(0)
    queue.urgency.setCurrentIndex(queue.urgency.findData("A"))
    assert rows(queue.model) == [urgent.case_no]
    queue.urgency.setCurrentIndex(0)
    queue.source.setCurrentIndex(queue.source.findData("hotline"))
    assert rows(queue.model) == [parking.case_no]
    queue.source.setCurrentIndex(0)
    queue.category.setCurrentIndex(queue.category.findData("06"))
    assert rows(queue.model) == [plain.case_no]
    queue.category.setCurrentIndex(0)
    queue.text.setText(parking.case_no[-4:])
    qtbot.waitUntil(lambda: rows(queue.model) == [parking.case_no], timeout=2000)


def test_overdue_and_mine(store: Store, staff: dict[str, str], qtbot: QtBot) -> None:
    late = report(store)
    store.act(late.case_no, "register", actor="leader")
    store.act(late.case_no, "dispatch", actor="dispatcher", inp=ActionInput(department="SZ"))
    fresh = report(store)
    with store.session() as session:
        dispatcher_id = store.person(session, "dispatcher").id
        deadline = store.case(session, late.case_no).deadline_at
    assert deadline is not None
    queue = CaseQueue(store, person_id=dispatcher_id)
    qtbot.addWidget(queue)
    queue.model.clock = lambda: deadline + timedelta(minutes=5)
    queue.apply_filters()
    queue.overdue.setChecked(True)
    # overdue is per step (docs/DEADLINES.md): the fresh case's hour to register and dispatch is long gone
    assert rows(queue.model) == [fresh.case_no, late.case_no]
    # not yet past the handling deadline: only the unregistered one
    queue.model.clock = lambda: deadline - timedelta(minutes=5)
    queue.apply_filters()
    assert rows(queue.model) == [fresh.case_no]
    queue.overdue.setChecked(False)
    queue.mine.setChecked(True)
    assert rows(queue.model) == [late.case_no]  # the dispatcher changed it last; not the fresh one
    queue.mine.setChecked(False)
    assert set(rows(queue.model)) == {late.case_no, fresh.case_no}


def test_sorting_by_header(store: Store, staff: dict[str, str], qtbot: QtBot) -> None:
    cases = [report(store, urgency=u) for u in ("C", "A", "B")]
    model = CaseTableModel(store)
    model.apply_filter(CaseFilter(open_only=True))
    assert rows(model) == [c.case_no for c in reversed(cases)]  # newest first
    model.sort(2, Qt.SortOrder.AscendingOrder)  # urgency
    assert [model.case_at(r).urgency for r in range(3)] == ["A", "B", "C"]
    before = rows(model)
    model.sort(4, Qt.SortOrder.AscendingOrder)  # category: the store cannot sort by it; order kept
    assert rows(model) == before
    queue = CaseQueue(store, person_id=None)
    qtbot.addWidget(queue)
    queue.apply_filters()
    header = queue.table.horizontalHeader()
    header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)  # case no.
    assert queue.model.filter.order == ["case_no"]
    header.setSortIndicator(5, Qt.SortOrder.AscendingOrder)  # source: not sortable, the arrow stays
    assert (header.sortIndicatorSection(), queue.model.filter.order) == (1, ["case_no"])


def test_the_header_set_up_reads_nothing_until_the_first_filter(
    store: Store, staff: dict[str, str], qtbot: QtBot
) -> None:
    """Setting up the header sorts before any filter is applied: with 100,000 open cases each of those
    reads (one by due time, unindexed) costs start-up time, so they only note the order."""
    cases = [report(store) for _ in range(3)]
    queue = CaseQueue(store, person_id=None)
    qtbot.addWidget(queue)
    assert queue.model.rowCount() == 0
    assert queue.model.filter.order == ["-reported_at"]  # the header's indicator, noted
    queue.apply_filters()
    assert rows(queue.model) == [c.case_no for c in reversed(cases)]


def test_pages_are_fetched_as_the_view_scrolls(store: Store, staff: dict[str, str]) -> None:
    made = [report(store).case_no for _ in range(23)]
    model = CaseTableModel(store, page=10)
    model.apply_filter(CaseFilter(open_only=True))
    assert model.rowCount() == 10 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 20 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 23 and not model.canFetchMore()
    assert rows(model) == list(reversed(made))


def test_countdown_ticks_only_its_column(store: Store, staff: dict[str, str], qtbot: QtBot) -> None:
    case = report(store)
    store.act(case.case_no, "register", actor="leader")
    store.act(case.case_no, "dispatch", actor="dispatcher", inp=ActionInput(department="SZ"))
    with store.session() as session:
        due = store.case(session, case.case_no).stage_due_at
    assert due is not None
    model = CaseTableModel(store)
    model.apply_filter(CaseFilter(open_only=True))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    index = model.index(0, COUNTDOWN)
    model.clock = lambda: due - timedelta(hours=100)  # far ahead of the deadline
    assert model.light(model.case_at(0)) == "green"
    model.clock = lambda: due + timedelta(minutes=90)
    with qtbot.waitSignal(model.dataChanged, timeout=1500) as signal:
        pass  # the model's own 1 s timer
    top, bottom = signal.args[0], signal.args[1]
    assert (top.column(), bottom.column()) == (COUNTDOWN, COUNTDOWN)
    assert resets == []
    assert model.data(index) == "-01:30"  # one format, minutes (issue 9)
    assert model.light(model.case_at(0)) == "red"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole).color().name() == "#d7261e"  # the map's red


def test_changes_patch_rows_without_a_reset(store: Store, staff: dict[str, str], qtbot: QtBot) -> None:
    first, second = report(store), report(store)
    model = CaseTableModel(store)
    model.apply_filter(CaseFilter(states=["reported"]))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(
        lambda a, b, roles=(): changed.append((a.row(), b.row())) if a.column() != b.column() else None
    )

    edited = store.act(first.case_no, "send_verify", actor="acceptor")  # leaves the "reported" filter
    third = report(store)  # a new case that passes it
    with store.session() as session:
        session.get(Case, second.id).description = "补充描述"  # type: ignore[union-attr]
        session.get(Case, second.id).version += 1  # type: ignore[union-attr]
    model.note_change(first.id, edited.version)
    model.note_change(third.id, third.version)
    model.note_change(second.id, 2)
    qtbot.waitUntil(lambda: model.row_of(third.id) == 0, timeout=2000)
    assert resets == []
    assert model.row_of(first.id) is None  # dropped: no longer "reported"
    assert rows(model) == [third.case_no, second.case_no]
    assert model.case_at(1).description == "补充描述"
    assert len(changed) == 1  # only the edited row repainted (once; no reset, no full refresh)
    assert model.is_highlighted(third.id) and model.is_highlighted(second.id)
    assert model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole) is not None
    model.note_change(second.id, 2)  # a version already shown: nothing to do
    assert not model._pending
    assert model.rowCount(QModelIndex()) == 2


@pytest.mark.parametrize("order", [["urgency"], ["-urgency"], ["-reported_at"], ["stage_due_at"]])
def test_paging_matches_one_query_under_any_order(
    store: Store, staff: dict[str, str], order: list[str]
) -> None:
    """Pages by key (OFFSET for nullable keys) give the rows of one unpaged query: no gap, no repeat."""
    for i in range(23):
        report(store, urgency="ABC"[i % 3])
    model = CaseTableModel(store, page=5)
    model.apply_filter(CaseFilter(open_only=True, order=order))
    while model.canFetchMore():
        model.fetchMore()
    whole = CaseTableModel(store, page=1000)
    whole.apply_filter(CaseFilter(open_only=True, order=order))
    assert rows(model) == rows(whole) and len(set(rows(model))) == 23


def test_a_handlers_desk_queues_their_departments_cases(
    store: Store, staff: dict[str, str], qtbot: QtBot
) -> None:
    from gridwatch.db.models import Department
    from gridwatch.db.reads.people import active_people

    ours, theirs, undispatched = report(store), report(store), report(store)
    for case, department in ((ours, "CGJ"), (theirs, "SZ")):
        store.act(case.case_no, "register", actor="leader")
        store.act(case.case_no, "dispatch", actor="dispatcher", inp=ActionInput(department=department))
    with store.session() as session:
        handler = store.person(session, "handler")
        handler.department_id = session.query(Department.id).filter(Department.code == "CGJ").scalar()
        session.add(handler)
    (login,) = active_people(store, "handler")
    (dispatcher,) = active_people(store, "dispatcher")
    assert (login.queue_department, dispatcher.queue_department) == ("CGJ", None)
    queue = CaseQueue(store, person_id=login.person_id, department=login.queue_department)
    qtbot.addWidget(queue)
    queue.apply_filters()
    assert rows(queue.model) == [ours.case_no]
    queue.state.setCurrentIndex(queue.state.findData(None))  # every state: still only the department's
    assert rows(queue.model) == [ours.case_no]
    assert undispatched.case_no not in rows(queue.model)
