"""The desk's banner shows while a running deadline rests on an estimated year, and the desk follows the
notice an administrator enters from another process: banner gone, deadline moved, countdown on new days."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from gridwatch.db.calendar_admin import enter, read_notice
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from tests.calendar_support import NOTICE_2027, allow_scenario_dates, library_until_2026  # noqa: F401
from tests.conftest import local, pg_engine

pytestmark = [
    pytest.mark.filterwarnings("ignore::gridwatch.db.calendar.UnknownCalendarYear"),
    pytest.mark.usefixtures("library_until_2026"),
]


@pytest.fixture
def admin_store(store: Store, request: pytest.FixtureRequest) -> Iterator[Store]:
    """The administrator's own connection (the `gridwatch calendar import` process)."""
    other = (
        Store(engine=pg_engine(request.getfixturevalue("pg_schema")))
        if store.is_postgres
        else Store(store.url)
    )
    yield other
    other.dispose()


def test_banner_until_the_notice_is_entered(
    store: Store, admin_store: Store, staff: dict[str, str], qtbot: QtBot, tmp_path: Path
) -> None:
    allow_scenario_dates(store)
    at = local(2027, 2, 4, 9)
    no = store.report(
        actor="worker", source="grid_worker", category_code="09006", lon=118.09, lat=24.47, reported_at=at
    ).case_no
    store.act(no, "register", actor="leader", inp=ActionInput(urgency="C", at=at))
    case = store.act(no, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ", at=at))
    make_application("en")
    login = find_login(store, "dispatcher")
    assert login is not None
    window = MainWindow(
        store,
        login,
        "dispatcher",
        QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat),
        with_map=False,
    )
    qtbot.addWidget(window)
    window.show()
    banner = window.calendar_banner
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert banner.years == [2027]
    assert banner.label.text() == (
        "The holidays of 2027 are only estimated from the national regulation on holidays, without the "
        "adjusted working days: deadlines that reach into 2027 may move. An administrator enters the State "
        "Council's notice with: gridwatch calendar import FILE"
    )
    row = window.queue.model.case_by_id(case.id)
    assert row is not None and row.stage_due_at == local(2027, 2, 16, 9)

    notice = tmp_path / "2027.csv"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    enter(admin_store, "admin", read_notice(notice), "import 2027.csv")
    with qtbot.waitSignal(banner.calendar_changed, timeout=5000):
        banner.check()  # what its timer does every 15 s
    assert not banner.isVisible() and banner.years == []
    with store.session() as s:
        assert store.rules(s).calendar.year_source(2027) == "site"  # the desk counts on the notice now

    def moved() -> bool:
        row = window.queue.model.case_by_id(case.id)
        return row is not None and row.stage_due_at == local(2027, 2, 17, 9)

    qtbot.waitUntil(moved, timeout=5000)  # through the change feed
