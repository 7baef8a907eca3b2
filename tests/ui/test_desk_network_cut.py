"""The dispatcher desk while the network to its PostgreSQL server drops packets (nobody refuses, nobody
answers): the read that finds the store away may wait out the connect timeout once, and then the window
stays responsive for the whole outage. Its timers, F5 and an action sent meanwhile do not reach for the
store from the GUI thread; a probe on a thread of its own asks every few seconds whether the store answers,
and when it does the desk reads again by itself (once, whether the probe or the change feed noticed
first) and the status bar's notice ends. The notice's "as of" is the last time the store answered.

The desk reaches the shared test server through `network_cut.Link`, a relay on loopback the test cuts and
restores; connection attempts are counted there, by application_name ("gridwatch": the desk's own reads
and writes; "gridwatch probe": the probe). The GUI thread's responsiveness is a timer of its own ticking
every 20 ms: the largest gap between its ticks, measured once the outage is known, must stay well below
the connect timeout a read on the GUI thread would wait (a logic check, with a wide margin, not a speed
bound)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import make_url

from gridwatch.db.feed import Change
from gridwatch.db.store import Store
from gridwatch.ui import store_reads
from gridwatch.ui.main_window import MainWindow
from tests.conftest import PG_URL
from tests.ui.network_cut import Link
from tests.ui.test_desk_server_restart import Desk as RestartDesk

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CONNECT_TIMEOUT_S = 3
"""The desk's connect timeout here (libpq's least is 2 s): what each read on the GUI thread would wait."""
LARGEST_GAP_S = CONNECT_TIMEOUT_S / 2
"""Far below one connect timeout: the GUI thread never waited for the network once the outage was known."""
PROBE_MS = 300
DESK, PROBE = "gridwatch", "gridwatch probe"  # the application_name of the desk's connections, its probe's
AWAY_START = "Cannot reach the case store: the queue shows the cases as of "
AWAY_END = " (F5 to try again)"
LON, LAT = 118.09, 24.47


def report(store: Store) -> int:
    return store.report(actor="acceptor", source="citizen", category_code="06010", lon=LON, lat=LAT).id


class Pulse:
    """A timer on the GUI thread, as the window's own: the largest gap between its ticks is the longest the
    GUI thread was kept from its events (a read waiting for the network keeps it that long)."""

    def __init__(self) -> None:
        self.timer = QTimer(interval=20)
        self.timer.timeout.connect(lambda: self.ticks.append(time.monotonic()))
        self.ticks: list[float] = []

    def start(self) -> None:
        self.ticks = [time.monotonic()]
        self.timer.start()

    def largest_gap(self) -> float:
        self.timer.stop()
        ticks = [*self.ticks, time.monotonic()]
        return max(b - a for a, b in itertools.pairwise(ticks))


class Desk(RestartDesk):
    """A dispatcher window on a store reached through the link; what its feed said, in order."""

    def shows(self, case_id: int) -> bool:
        return self.window.queue.model.row_of(case_id) is not None

    @property
    def message(self) -> str:
        return self.window.statusBar().currentMessage()

    def away(self) -> bool:
        """The status bar's standing line says the store is out of reach."""
        return self.message.startswith(AWAY_START) and self.message.endswith(AWAY_END)

    def close(self) -> None:
        self.window.stop_live()
        self.window.close()
        self.store.dispose()


@pytest.fixture
def link() -> Iterator[Link]:
    server = make_url(PG_URL)
    relay = Link((server.host or "127.0.0.1", server.port or 5432))
    yield relay
    relay.close()


@pytest.fixture
def open_desk(
    store: Store,
    staff: dict[str, str],
    link: Link,
    qtbot: QtBot,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[..., Desk]]:
    """Opens a desk on the test schema through the link (connect timeout CONNECT_TIMEOUT_S, the probe every
    `probe_ms`); closed at the end."""
    schema = request.getfixturevalue("pg_schema")
    url = make_url(PG_URL).set(
        host="127.0.0.1",
        port=link.port,
        query={
            "options": f"-csearch_path={schema},public",
            "sslmode": "disable",  # the startup packet first: the link reads its application_name
            "gssencmode": "disable",
            "connect_timeout": str(CONNECT_TIMEOUT_S),
        },
    )
    opened: list[Desk] = []

    def open_(*, live: bool = False, probe_ms: int = PROBE_MS) -> Desk:
        monkeypatch.setattr(store_reads, "PROBE_MS", probe_ms, raising=False)
        desk = Desk(url.render_as_string(hide_password=False), qtbot, tmp_path, live=live)
        opened.append(desk)
        return desk

    yield open_
    for desk in opened:
        desk.close()


def refresh_action(window: MainWindow) -> QAction:
    action = window.findChild(QAction, "refresh")
    assert action is not None and action.shortcut() == QKeySequence(Qt.Key.Key_F5)
    return action


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_timers_do_not_reach_for_a_store_found_away_and_the_desk_comes_back_by_itself(
    store: Store, open_desk: Callable[..., Desk], link: Link, qtbot: QtBot
) -> None:
    first = report(store)
    desk = open_desk(live=False)
    window = desk.window
    assert desk.shows(first) and window.queue.select_case(first)
    banner = window.calendar_banner
    banner.timer.setInterval(100)  # its 15 s look at the calendar, often
    checks: list[float] = []
    banner.timer.timeout.connect(lambda: checks.append(time.monotonic()))
    versions = iter(range(100, 10_000))
    feed_like = QTimer(interval=100)  # batches as the change feed brings them: the row and the detail re-read
    feed_like.timeout.connect(lambda: window.on_changes([Change("cases", first, next(versions))]))

    cut_at = time.monotonic()
    link.cut()
    qtbot.waitUntil(desk.away, timeout=10_000)  # the one read that found it out waited for the network
    tooltip = window.statusBar().toolTip()
    assert tooltip.startswith("Cannot reach the case store at "), tooltip
    pulse = Pulse()
    known = time.monotonic()
    pulse.start()
    feed_like.start()
    qtbot.waitUntil(lambda: sum(1 for t in checks if t > known) >= 10, timeout=10_000)
    feed_like.stop()
    assert link.count(DESK, since=known) == 0  # ten checks and ten batches: none reached for the store
    assert link.count(PROBE, since=cut_at) >= 1  # the probe asked, on its own thread
    assert pulse.largest_gap() < LARGEST_GAP_S
    assert desk.away() and window.statusBar().toolTip() == tooltip
    assert window.detail.view is not None and window.detail.view.case.id == first  # kept as read

    during = report(store)  # a case reported while the desk cannot see the store
    link.restore()
    qtbot.waitUntil(lambda: desk.shows(during), timeout=10_000)  # nothing pressed
    assert desk.message == "" and window.statusBar().toolTip() == ""
    assert link.count(DESK, since=known) >= 1  # the re-read went to the store once it answered


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_f5_while_the_store_is_away_asks_off_the_gui_thread_and_reads_again_when_it_answers(
    store: Store, open_desk: Callable[..., Desk], link: Link, qtbot: QtBot
) -> None:
    """The periodic probe is slowed to a minute: only F5 asks the store again here."""
    desk = open_desk(live=False, probe_ms=60_000)
    window = desk.window
    link.cut()
    refresh_action(window).trigger()  # F5 finds the store away: this one read waits for the network
    assert desk.away()
    qtbot.waitUntil(lambda: link.count(PROBE) == 1, timeout=5000)  # the probe begins at once …
    qtbot.wait((CONNECT_TIMEOUT_S + 1) * 1000)  # … and gives up after its connect timeout

    during = report(store)
    pulse = Pulse()
    asked = time.monotonic()
    pulse.start()
    refresh_action(window).trigger()  # F5 again: the store is asked off the GUI thread, the rows kept
    assert desk.away() and not desk.shows(during)
    qtbot.waitUntil(lambda: link.count(PROBE, since=asked) == 1, timeout=5000)
    assert link.count(DESK, since=asked) == 0
    link.restore()  # the probe's connection, waiting, gets through
    qtbot.waitUntil(lambda: desk.shows(during), timeout=10_000)
    assert pulse.largest_gap() < LARGEST_GAP_S
    assert link.count(PROBE, since=asked) == 1  # that F5's question brought the desk back
    assert desk.message == "" and window.statusBar().toolTip() == ""


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_the_notice_says_the_rows_are_as_of_the_last_time_the_store_answered(
    store: Store, open_desk: Callable[..., Desk], link: Link
) -> None:
    """A quiet queue read at 14:02 and the store answering at 14:31 (the calendar's check): the rows are
    good as of 14:31, when the store was last heard."""
    desk = open_desk(live=False)
    window, model = desk.window, desk.window.queue.model
    model.clock = lambda: datetime(2026, 12, 1, 6, 2, 30, tzinfo=UTC)  # 14:02 at the site
    refresh_action(window).trigger()
    model.clock = lambda: datetime(2026, 12, 1, 6, 31, 10, tzinfo=UTC)  # 14:31
    window.calendar_banner.check()
    link.cut()
    window.calendar_banner.check()  # the next check finds the store away
    assert desk.message == f"{AWAY_START}14:31{AWAY_END}"


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_the_feed_and_the_probe_both_say_back_and_the_desk_reads_again_once(
    store: Store, open_desk: Callable[..., Desk], link: Link, qtbot: QtBot
) -> None:
    desk = open_desk(live=True)
    window, model = desk.window, desk.window.queue.model
    resets: list[str] = []
    model.modelAboutToBeReset.connect(lambda: resets.append("begin"))
    model.modelReset.connect(lambda: resets.append("end"))
    banner = window.calendar_banner
    banner.timer.setInterval(100)
    checks: list[float] = []
    banner.timer.timeout.connect(lambda: checks.append(time.monotonic()))

    link.cut()
    qtbot.waitUntil(lambda: desk.said[-1].startswith("lost: "), timeout=10_000)
    qtbot.waitUntil(desk.away, timeout=10_000)
    pulse = Pulse()
    known = time.monotonic()
    pulse.start()
    qtbot.waitUntil(lambda: sum(1 for t in checks if t > known) >= 10, timeout=10_000)
    assert pulse.largest_gap() < LARGEST_GAP_S  # the feed reconnects on its thread, the probe on its own
    assert resets == []

    during = report(store)
    link.restore()
    qtbot.waitUntil(lambda: desk.said[-1] == "live" and desk.shows(during), timeout=20_000)
    qtbot.wait(3 * PROBE_MS)  # whichever said "back" second has said it too
    assert resets == ["begin", "end"]  # one re-read
    assert desk.message == "Live updates are back" and window.statusBar().toolTip() == ""
    assert window.live_label.text() == "● live"


@pytest.mark.parametrize("store", ["postgres"], indirect=True)
def test_an_action_and_a_new_case_sent_while_the_store_is_known_away_come_back_at_once(
    store: Store, open_desk: Callable[..., Desk], link: Link, qtbot: QtBot
) -> None:
    """Sent while the store is known away, they do not wait for the network: the dialog comes back at
    once with what was typed and the store's message (the one the status bar's tooltip has), and OK once
    the store answers again sends it."""
    case_id = report(store)
    desk = open_desk(live=False)
    window = desk.window
    listed = window.queue.model.case_by_id(case_id)
    assert listed is not None
    store.act(listed.case_no, "register", actor="leader")
    window.reload_case(case_id)
    assert window.queue.select_case(case_id)
    assert "dispatch" in window.controller.enabled_actions()
    window.controller.actions["dispatch"].trigger()
    first = window.controller.dialog
    assert first is not None
    first.department.setCurrentIndex(first.department.findData("CGJ"))
    first.note.setPlainText("请今天处理")

    link.cut()
    window.calendar_banner.check()  # the read that finds the store away
    assert desk.away()
    reason = window.statusBar().toolTip()
    pulse = Pulse()
    known = time.monotonic()
    pulse.start()
    first.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    again = window.controller.dialog
    assert again is not None and again is not first and again.isVisible()
    assert again.message.text() == reason
    assert (again.note.toPlainText(), again.department.currentData()) == ("请今天处理", "CGJ")
    window.controller.report_action.trigger()
    report_dialog = window.controller.report_dialog
    assert report_dialog is not None
    category = report_dialog.category
    category.setCurrentIndex(category.findText("06010", Qt.MatchFlag.MatchStartsWith))
    report_dialog.description.setPlainText("井盖缺失")
    report_dialog.address.setText("中山路1号")
    report_dialog.lon.setValue(LON)
    report_dialog.lat.setValue(LAT)
    report_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    back = window.controller.report_dialog
    assert back is not None and back is not report_dialog and back.isVisible()
    assert back.message.text() == reason and back.description.toPlainText() == "井盖缺失"
    back.reject()
    assert pulse.largest_gap() < LARGEST_GAP_S
    assert link.count(DESK, since=known) == 0

    link.restore()
    qtbot.waitUntil(lambda: desk.message == "", timeout=10_000)  # the probe: the store answers again
    again.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.detail.title.text() == f"Case {listed.case_no} · version 3")
    with store.session() as session:
        events = store.events(session, listed.case_no)
    assert [(e.action, e.note) for e in events[-2:]] == [("register", None), ("dispatch", "请今天处理")]
