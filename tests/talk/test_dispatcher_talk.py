"""Talking from the dispatcher window: F8 on a camera pane, a spoken warning from the loudspeaker panel,
and the window showing which loopback loudspeaker is speaking (the fake microphone, real RTP, SQLite)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridwatch.db import talk
from gridwatch.db.models import Device, TalkRecord
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store, utcnow
from gridwatch.plugins.speakers.loopback import LoopbackSpeakers
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from tests.talk.conftest import Heard

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytestmark = pytest.mark.slow


@pytest.fixture
def window(
    qtbot: QtBot, talk_store: Store, loopback: tuple[LoopbackSpeakers, Heard], tmp_path: Path
) -> Iterator[MainWindow]:
    """The dispatcher 调度员小王's window showing the loopback speakers; camera C01 has loudspeaker S01."""
    with talk_store.session() as session:
        ensure_reference_data(session)
        s01 = session.scalar(select(Device.id).where(Device.code == "S01"))
        session.add(
            Device(
                code="C01", kind="camera", name="中山路1号监控", lon=118.1, lat=24.5,
                stream_url="udp://127.0.0.1:9", speaker_id=s01, updated_at=utcnow(),
            )
        )  # fmt: skip
    make_application("en")
    login = find_login(talk_store, "dispatcher")
    assert login is not None
    settings = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    opened = MainWindow(talk_store, login, "dispatcher", settings, live=False, with_map=False)
    qtbot.addWidget(opened)
    opened.show()
    opened.watch_speakers(loopback[0])
    yield opened
    opened.close()


def records(store: Store) -> list[TalkRecord]:
    with store.session() as session:
        found = list(session.scalars(select(TalkRecord).order_by(TalkRecord.id)))
        session.expunge_all()
        return found


def test_f8_talks_through_the_current_panes_loudspeaker(
    qtbot: QtBot, window: MainWindow, talk_store: Store, loopback: tuple[LoopbackSpeakers, Heard]
) -> None:
    pane = window.open_camera(code="C01")
    assert pane is not None and pane.talk is not None
    button = pane.talk
    qtbot.waitUntil(button.isEnabled, timeout=10_000)  # the fake microphone is there
    with qtbot.waitSignal(button.talking, timeout=10_000):
        qtbot.keyPress(window.video, Qt.Key.Key_F8)
    speaking = "Loudspeaker 中山路广播1号 speaking"
    qtbot.waitUntil(lambda: window.speaking_label.text() == speaking, timeout=10_000)
    assert window.monitor.speaking == {"S01": "中山路广播1号"}
    qtbot.wait(500)
    qtbot.keyRelease(window.video, Qt.Key.Key_F8)
    assert button.call is None
    qtbot.waitUntil(lambda: window.speaking_label.text() == "", timeout=5_000)
    qtbot.waitUntil(lambda: len(records(talk_store)) == 1, timeout=5_000)
    [record] = records(talk_store)
    assert record.kind == "microphone" and record.targets["speakers"] == ["S01"]
    assert ("S02", True) not in loopback[1].changes  # only the pane's own loudspeaker heard it


def test_a_spoken_warning_plays_on_the_chosen_loudspeaker(
    qtbot: QtBot, window: MainWindow, talk_store: Store
) -> None:
    assert window.open_speaker(code="S02")
    panel = window.talk
    panel.warnings.setCurrentRow(1)
    spoken = panel.chosen_text()
    panel.send.click()
    assert not panel.send.isEnabled()  # one warning at a time
    qtbot.waitUntil(lambda: "中山路广播2号" in window.speaking_label.text(), timeout=10_000)
    assert panel.status.text().endswith("speaking")
    qtbot.waitUntil(lambda: "Warning played on" in window.statusBar().currentMessage(), timeout=30_000)
    assert panel.send.isEnabled()
    [record] = records(talk_store)
    assert (record.kind, record.text, record.targets["speakers"]) == ("tts", spoken, ["S02"])
    assert record.audio and len(record.audio) > 8000  # more than a second of G.711 went out


def test_a_busy_loudspeaker_names_its_holder_and_plays_nothing(
    qtbot: QtBot, window: MainWindow, talk_store: Store, loopback: tuple[LoopbackSpeakers, Heard]
) -> None:
    grant = talk.acquire(talk_store, "leader", ["S01"])
    try:
        assert window.open_speaker(code="S01")
        window.talk.send.click()
        qtbot.waitUntil(lambda: "值班长老李" in window.statusBar().currentMessage(), timeout=15_000)
    finally:
        talk.release(talk_store, grant)
    assert window.talk.send.isEnabled()
    assert records(talk_store) == [] and loopback[1].changes == []
