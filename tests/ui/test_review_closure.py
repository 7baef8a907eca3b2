"""The review station's closure review, driven from the keyboard on real widgets, on both backends; and
on PostgreSQL as a street's supervisor signed in with their own role, who sees the street's cases only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from shapely.geometry import MultiPolygon, box
from sqlalchemy import create_engine, text

from gridwatch.db.accounts import add_user, sign_in
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Department, OrgUnit, Person, PersonRole
from gridwatch.db.reads import cases
from gridwatch.db.store import NewAttachment, Store, utcnow
from gridwatch.ui.action_dialog import ActionDialog
from gridwatch.ui.application import make_application
from gridwatch.ui.login import Login, find_login
from gridwatch.ui.review.closure import ClosureReview
from gridwatch.ui.review.window import ReviewWindow
from tests.conftest import PG_URL, pg_url

TO_CHECKED = [
    ("register", "leader", {}),
    ("dispatch", "dispatcher", {"department": "CGJ"}),
    ("accept", "handler", {}),
    ("feedback", "handler", {"note": "已清运"}),
    ("send_check", "acceptor", {}),
    ("check_pass", "worker", {"note": "现场已整改"}),
]


def png() -> bytes:
    """A small real PNG (an after-photo the label must decode)."""
    image = QImage(32, 24, QImage.Format.Format_RGB32)
    image.fill(QColor("#2e9d4f"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def drive(store: Store, steps: list[tuple[str, str, dict[str, object]]], lon: float = 118.09) -> str:
    no = store.report(
        actor="worker", source="grid_worker", category_code="06010", lon=lon, lat=24.47, description="垃圾"
    ).case_no
    for action, who, kw in steps:
        store.act(no, action, actor=who, inp=ActionInput(**kw))  # type: ignore[arg-type]
    return no


def add_reviewer(store: Store, username: str, roles: tuple[str, ...]) -> Login:
    with store.session() as session:
        session.add(
            Person(username=username, name=username.title(), updated_at=utcnow(),
                   roles=[PersonRole(role=r) for r in roles])
        )  # fmt: skip
    login = find_login(store, username)
    assert login is not None
    return login


@pytest.fixture
def review(qtbot: QtBot) -> Iterator[list[ReviewWindow]]:
    make_application("en")
    windows: list[ReviewWindow] = []
    yield windows
    for window in windows:
        window.close()


def open_review(qtbot: QtBot, windows: list[ReviewWindow], store: Store, login: Login) -> ReviewWindow:
    window = ReviewWindow(store, login, with_map=False, live=False)
    qtbot.addWidget(window)
    window.show()
    windows.append(window)
    return window


def queue_numbers(closure: ClosureReview) -> list[str]:
    return [closure.table.item(r, 1).text() for r in range(closure.table.rowCount())]


def ok_button(dialog: ActionDialog) -> object:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_enter_closes_exactly_the_selected_case(
    store: Store, staff: dict[str, str], qtbot: QtBot, review: list[ReviewWindow]
) -> None:
    first = drive(store, TO_CHECKED)
    second = drive(store, TO_CHECKED)
    handling = drive(store, TO_CHECKED[:3])  # not waiting for anyone at the center
    store.attach(first, NewAttachment("after.png", png(), "after", "image/png"), actor="handler")
    window = open_review(qtbot, review, store, add_reviewer(store, "chief", ("supervisor", "shift_leader")))
    closure = window.closure
    assert sorted(queue_numbers(closure)) == sorted([first, second])
    assert handling not in queue_numbers(closure)
    closure.select_case(cases.by_number(store, second).case.id)
    assert "Check passed by Worker" in closure.check.text() and "现场已整改" in closure.check.text()
    closure.select_case(cases.by_number(store, first).case.id)
    assert closure.after.pixmap() is not None and not closure.after.pixmap().isNull()

    qtbot.keyClick(closure.table, Qt.Key.Key_Return)
    dialog = closure.controller.dialog
    assert dialog is not None and dialog.action == "close"
    assert dialog.focusWidget() is ok_button(dialog)  # the second Enter confirms
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)

    assert cases.by_number(store, first).case.state == "closed"
    assert cases.by_number(store, second).case.state == "checked"
    assert queue_numbers(closure) == [second]
    assert closure.selected() is not None and closure.selected().case.case_no == second  # the next one


def test_send_back_needs_a_reason_and_refuses_the_request(
    store: Store, staff: dict[str, str], qtbot: QtBot, review: list[ReviewWindow]
) -> None:
    asked = drive(
        store, TO_CHECKED[:3] + [("request_extension", "handler", {"reason": "材料未到", "hours": 8})]
    )
    checked = drive(store, TO_CHECKED)
    window = open_review(
        qtbot, review, store, add_reviewer(store, "chief", ("supervisor", "shift_leader", "dispatcher"))
    )
    closure = window.closure
    assert closure.select_case(cases.by_number(store, asked).case.id)
    assert closure.table.item(closure.table.currentRow(), 0).text() == "Request: extension"
    assert closure.check.text() == "Asked: 材料未到 (+8 working hours)"

    qtbot.keyClick(closure.table, Qt.Key.Key_B)
    dialog = closure.controller.dialog
    assert dialog is not None and dialog.action == "refuse_extension"
    assert not ok_button(dialog).isEnabled()  # type: ignore[attr-defined]
    dialog.accept()  # even pressed programmatically: no reason, no refusal
    assert cases.by_number(store, asked).case.pending_request is not None
    assert dialog.focusWidget() is dialog.reason  # B lands in the reason
    qtbot.keyClicks(dialog.reason, "not justified")  # typed (QTest types ASCII only)
    assert ok_button(dialog).isEnabled()  # type: ignore[attr-defined]
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    after = cases.by_number(store, asked)
    assert after.case.pending_request is None and after.case.state == "handling"
    assert (after.events[-1].action, after.events[-1].note) == ("refuse_extension", "not justified")
    assert queue_numbers(closure) == [checked]
    # a checked case the reviewer doubts goes back to an on-site check, with a reason
    qtbot.keyClick(closure.table, Qt.Key.Key_B)
    dialog = closure.controller.dialog
    assert dialog is not None and dialog.action == "recheck"
    assert not ok_button(dialog).isEnabled()  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.reason, "after-photo shows the old cover")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    back = cases.by_number(store, checked)
    assert back.case.state == "checking"
    assert (back.events[-1].action, back.events[-1].note) == ("recheck", "after-photo shows the old cover")
    assert queue_numbers(closure) == []


def test_a_supervisor_without_a_deciding_role_sees_the_queue_but_cannot_decide(
    store: Store, staff: dict[str, str], qtbot: QtBot, review: list[ReviewWindow]
) -> None:
    checked = drive(store, TO_CHECKED)
    login = find_login(store, "supervisor")
    assert login is not None
    closure = open_review(qtbot, review, store, login).closure
    assert queue_numbers(closure) == [checked]
    assert not closure.approve_button.isEnabled()
    assert closure.refusal.text() == "Your roles do not allow: Close、Send back to check"
    qtbot.keyClick(closure.table, Qt.Key.Key_Return)
    assert closure.controller.dialog is None
    assert cases.by_number(store, checked).case.state == "checked"


def test_the_queue_moves_with_the_arrow_keys(
    store: Store, staff: dict[str, str], qtbot: QtBot, review: list[ReviewWindow]
) -> None:
    numbers = [drive(store, TO_CHECKED) for _ in range(3)]
    closure = open_review(qtbot, review, store, add_reviewer(store, "chief", ("supervisor",))).closure
    assert queue_numbers(closure) == numbers  # longest waiting first
    closure.table.setFocus()
    assert closure.detail.view is not None and closure.detail.view.case.case_no == numbers[0]
    qtbot.keyClick(closure.table, Qt.Key.Key_Down)
    assert closure.detail.view.case.case_no == numbers[1]
    qtbot.keyClick(closure.table, Qt.Key.Key_Up)
    assert closure.detail.view.case.case_no == numbers[0]
    assert "Enter: approve" in closure.help.text() and "B: send back, Ctrl+Enter: send" in closure.help.text()


@pytest.mark.postgres
def test_a_street_supervisor_on_postgresql_sees_only_the_street(
    pg_store: Store, pg_schema: str, qtbot: QtBot, review: list[ReviewWindow], tmp_path: Path
) -> None:
    owner = pg_store
    now = utcnow()
    with owner.session() as s:
        s.add(Department(code="CGJ", name="城管执法局", updated_at=now))
        for street_no, x in ((1, 118.0), (2, 118.2)):
            street = OrgUnit(code=f"35020300{street_no}", name=f"街道{street_no}", level="street",
                             updated_at=now)  # fmt: skip
            s.add(street)
            s.flush()
            s.add(
                OrgUnit(code=f"35020300{street_no}00101", name="第1网格", level="grid", parent_id=street.id,
                        geom=MultiPolygon([box(x, 24.46, x + 0.01, 24.47)]), updated_at=now)
            )  # fmt: skip
    tag = uuid.uuid4().hex[:8]
    users = {}
    for short, roles, scope in (
        ("leader", ["shift_leader", "dispatcher", "acceptor"], {}),
        ("handler", ["handler"], {"department": "CGJ"}),
        ("worker", ["grid_worker"], {}),
        ("street1", ["supervisor"], {"org_unit": "350203001"}),
    ):
        users[short] = f"gwt_{tag}_{short}"
        add_user(owner, actor="admin", username=users[short], name=short, roles=roles,
                 password="review-pw-1", **scope)  # type: ignore[arg-type]  # fmt: skip
    try:
        steps = [(a, users["leader"] if w in ("leader", "dispatcher", "acceptor") else users[w], kw)
                 for a, w, kw in TO_CHECKED]  # fmt: skip
        numbers = []
        for lon in (118.005, 118.205):  # street 1, street 2
            no = owner.report(actor=users["worker"], source="grid_worker", category_code="06010",
                              lon=lon, lat=24.465).case_no  # fmt: skip
            for action, who, kw in steps:
                owner.act(no, action, actor=who, inp=ActionInput(**kw))  # type: ignore[arg-type]
            numbers.append(no)
        mine = sign_in(pg_url(pg_schema), users["street1"], "review-pw-1")
        try:
            login = find_login(mine, users["street1"])
            assert login is not None
            closure = open_review(qtbot, review, mine, login).closure
            assert queue_numbers(closure) == [numbers[0]]
            assert not closure.approve_button.isEnabled()  # a supervisor reviews; the shift leader closes
            review.pop().close()
        finally:
            mine.dispose()
    finally:
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            for username in users.values():
                conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
        admin.dispose()


def test_the_queue_follows_the_store(
    store: Store, staff: dict[str, str], qtbot: QtBot, review: list[ReviewWindow]
) -> None:
    """A check passed at another desk joins the queue; a closure elsewhere leaves it, without a key."""
    window = ReviewWindow(store, add_reviewer(store, "chief", ("supervisor",)), with_map=False, live=True)
    qtbot.addWidget(window)
    review.append(window)
    try:
        assert queue_numbers(window.closure) == []
        number = drive(store, TO_CHECKED)
        qtbot.waitUntil(lambda: queue_numbers(window.closure) == [number], timeout=15_000)
        store.act(number, "close", actor="leader")
        qtbot.waitUntil(lambda: queue_numbers(window.closure) == [], timeout=15_000)
        assert window.closure.what.text() == "Nothing waits for a decision."
    finally:
        window.stop_live()


def test_a_queue_longer_than_shown_says_so(
    store: Store,
    staff: dict[str, str],
    qtbot: QtBot,
    review: list[ReviewWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gridwatch.db.reads import review as reads

    numbers = [drive(store, TO_CHECKED) for _ in range(3)]
    monkeypatch.setattr(reads, "QUEUE_LIMIT", 2)
    monkeypatch.setattr(reads.queue, "__kwdefaults__", {"limit": 2})
    closure = open_review(qtbot, review, store, add_reviewer(store, "chief", ("supervisor",))).closure
    assert queue_numbers(closure) == numbers[:2]  # the two waiting longest
    assert closure.count_label.text() == "2 waiting: 2 to close, 0 requests (the longest waiting; more wait)"
