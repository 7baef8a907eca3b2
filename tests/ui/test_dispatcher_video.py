"""Cameras in the dispatcher window: opened from the map, a case's nearby devices or a video case; the
pane's snapshot, push to wall and talk button; on both backends, with a local MJPG file as the camera."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from gridwatch.db import wall
from gridwatch.db.models import Attachment, Device
from gridwatch.db.store import Store, utcnow
from gridwatch.ui.application import install_translator, make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from gridwatch.ui.video_dock import CameraPane
from tests.ui import test_dispatcher_workflow as workflow
from tests.ui.test_dispatcher_workflow import XIAMEN, OpenWindow

open_window = workflow.open_window  # the workflow tests' window fixture, shared

LIVE_MS = 15_000


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of a moving bar over a gradient, MJPG in AVI (what OpenCV's wheel can write)."""
    path = tmp_path_factory.mktemp("camera") / "street.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 25, (320, 180))
    gradient = np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (180, 1))
    for n in range(50):
        frame = cv2.merge([gradient, gradient[::-1], np.full_like(gradient, 90)])
        cv2.rectangle(frame, (n * 6, 60), (n * 6 + 40, 120), (255, 255, 255), -1)
        writer.write(frame)
    writer.release()
    assert path.stat().st_size > 10_000
    return path


def add_devices(store: Store, camera_file: Path) -> dict[str, int]:
    """Cameras C1 (with loudspeaker S1) and C2 to C5 (without), near XIAMEN; returns code → id."""
    now = utcnow()
    with store.session() as session:
        speaker = Device(
            code="S1", kind="loudspeaker", name="中山路广播1号", lon=XIAMEN[0], lat=XIAMEN[1],
            address="127.0.0.1:9", protocol="rtp-pcmu", updated_at=now,
        )  # fmt: skip
        session.add(speaker)
        session.flush()
        for n in range(1, 6):
            session.add(
                Device(
                    code=f"C{n}", kind="camera", name=f"中山路{n}号监控", lon=XIAMEN[0] + n * 1e-4,
                    lat=XIAMEN[1], stream_url=str(camera_file), updated_at=now,
                    speaker_id=speaker.id if n == 1 else None,
                )
            )  # fmt: skip
        session.flush()
        return {d.code: d.id for d in session.scalars(select(Device))}


def wait_live(qtbot: QtBot, pane: CameraPane) -> None:
    qtbot.waitUntil(lambda: pane.video.state == "live" and pane.video.frames > 2, timeout=LIVE_MS)


def window_for(open_window: OpenWindow, store: Store, **kwargs: bool) -> MainWindow:
    login = find_login(store, "dispatcher")
    assert login is not None
    return open_window(store, login, **kwargs)


@pytest.mark.slow
def test_camera_clicked_on_the_map_plays_its_stream(
    store: Store, staff: dict[str, str], open_window: OpenWindow, camera_file: Path, qtbot: QtBot
) -> None:
    ids = add_devices(store, camera_file)
    window = window_for(open_window, store, with_map=True)
    assert window.video_dock.isHidden()
    window.map.camera_clicked.emit(ids["C2"])  # type: ignore[attr-defined]
    assert window.video_dock.isVisible()
    [pane] = window.video.panes
    assert pane.camera.code == "C2" and pane.video.url == str(camera_file)
    wait_live(qtbot, pane)
    picture = pane.video.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    pixels = np.frombuffer(picture.constBits(), dtype=np.uint8, count=picture.sizeInBytes())
    assert pixels.std() > 20  # the gradient and the bar, not a black or grey box
    assert pane.talk is None  # C2 has no loudspeaker
    window.close()
    assert window.video.panes == []


def test_snapshot_is_attached_to_the_selected_case(
    store: Store, staff: dict[str, str], open_window: OpenWindow, camera_file: Path, qtbot: QtBot
) -> None:
    ids = add_devices(store, camera_file)
    case = store.report(
        actor="acceptor", source="citizen", category_code="06010", lon=XIAMEN[0], lat=XIAMEN[1]
    )
    window = window_for(open_window, store)
    pane = window.open_camera(ids["C3"])
    assert pane is not None
    wait_live(qtbot, pane)
    pane.snapshot_action.trigger()
    assert "No case selected" in window.statusBar().currentMessage()

    window.show_case(case.id)
    pane.snapshot_action.trigger()
    assert case.case_no in window.statusBar().currentMessage()
    with store.session() as session:
        [attachment] = session.scalars(select(Attachment).where(Attachment.case_id == case.id))
        assert (attachment.kind, attachment.mime) == ("snapshot", "image/png")
        assert attachment.data.startswith(b"\x89PNG") and attachment.filename.startswith("C3-")
    assert window.detail.photos.count() == 1  # the detail shows the new evidence at once


def test_a_video_case_opens_its_camera_and_nearby_cameras_open_on_double_click(
    store: Store, staff: dict[str, str], open_window: OpenWindow, camera_file: Path
) -> None:
    ids = add_devices(store, camera_file)
    case = store.report(
        actor="acceptor", source="video", category_code="09006", lon=XIAMEN[0], lat=XIAMEN[1],
        device_id=ids["C4"],
    )  # fmt: skip
    window = window_for(open_window, store)
    window.show_case(case.id)
    assert [p.camera.code for p in window.video.panes] == ["C4"]
    window.show_case(case.id)  # selected again: the pane is reused, not opened twice
    assert len(window.video.panes) == 1

    table = window.detail.devices
    row = next(r for r in range(table.rowCount()) if "(C1)" in table.item(r, 2).text())
    table.cellDoubleClicked.emit(row, 0)
    assert [p.camera.code for p in window.video.panes] == ["C4", "C1"]
    assert window.video.current is window.video.panes[-1]


def test_the_newest_camera_replaces_the_oldest(
    store: Store, staff: dict[str, str], open_window: OpenWindow, camera_file: Path
) -> None:
    ids = add_devices(store, camera_file)
    window = window_for(open_window, store)
    for code in ("C1", "C2", "C3", "C4", "C5"):
        window.open_camera(ids[code])
    assert [p.camera.code for p in window.video.panes] == ["C2", "C3", "C4", "C5"]
    assert window.video.tiles.tiles[0] is window.video.panes[-1]  # C5 took C1's place
    window.video.set_capacity(1)
    assert [p.camera.code for p in window.video.panes] == ["C5"]
    window.open_camera(ids["C1"])
    assert [p.camera.code for p in window.video.panes] == ["C1"]


def test_push_to_wall_keeps_the_rest_of_the_layout(
    store: Store, staff: dict[str, str], open_window: OpenWindow, camera_file: Path
) -> None:
    ids = add_devices(store, camera_file)
    wall.show(store, "main", {"screens": [{"tiles": 4, "cameras": ["C2", "C3"]}]}, actor="dispatcher")
    window = window_for(open_window, store)
    pane = window.open_camera(ids["C5"])
    assert pane is not None
    pane.wall_action.trigger()
    state = wall.current(store, "main")
    assert state is not None
    assert state["layout"]["screens"][0]["cameras"] == ["C5", "C3", None, None]
    assert state["version"] == 2
    assert "screen 1 tile 1" in window.statusBar().currentMessage()


def test_talk_button_only_for_cameras_with_a_loudspeaker(
    store: Store, staff: dict[str, str], open_window: OpenWindow, camera_file: Path
) -> None:
    ids = add_devices(store, camera_file)
    window = window_for(open_window, store)
    with_speaker, without = window.open_camera(ids["C1"]), window.open_camera(ids["C2"])
    assert with_speaker is not None and without is not None
    assert with_speaker.talk is not None and with_speaker.talk.targets == ["S1"]
    assert without.talk is None
    assert window.video.talk_button() is None  # F8 follows the pane in use: C2, no loudspeaker
    window.video._make_current(with_speaker)
    assert window.video.talk_button() is with_speaker.talk


def test_chinese_ui_has_the_video_and_talk_strings(
    store: Store, staff: dict[str, str], open_window: OpenWindow, camera_file: Path
) -> None:
    ids = add_devices(store, camera_file)
    app = make_application("zh_CN")
    try:
        window = window_for(open_window, store)
        pane = window.open_camera(ids["C1"])
        assert pane is not None
        window.open_speaker(ids["S1"])
        assert window.video_dock.windowTitle() == "视频"
        assert window.talk_dock.windowTitle() == "喇叭"
        assert [a.text() for a in (pane.snapshot_action, pane.mute_action, pane.wall_action)] == [
            "抓图",
            "静音",
            "上墙",
        ]
        assert pane.talk is not None and pane.talk.text() == "按住讲话 (F8)"
        assert window.talk.send.text() == "播放警示语"
        assert window.video.layout_choice.itemText(1) == "2×2 画面"
        window.monitor._apply("S1", "中山路广播1号", True)
        assert window.speaking_label.text() == "喇叭 中山路广播1号 正在播放"
        assert window.monitor.speaking == {"S1": "中山路广播1号"}
        assert window.talk.status.text().endswith("正在播放")
    finally:
        for translator in app.findChildren(QTranslator):
            app.removeTranslator(translator)
        install_translator(app, "en")
