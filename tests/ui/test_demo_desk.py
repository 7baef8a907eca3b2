"""What a newcomer sees on the demo: today's attendance on the personnel layer (loaded from the demo's
clock records, named under the pointer, explained in the legend), the field API's address in the
dispatcher's status bar, and the review station signed in as the demo's 督查长."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QSettings, QTranslator
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.demo_city import seed_demo
from gridwatch.db.demo_city.people import DEMO_DISPATCHER, DEMO_REVIEWER
from gridwatch.db.reads.field import today_attendance
from gridwatch.db.reads.identify import person_card
from gridwatch.db.store import Store
from gridwatch.layers.base import Feature
from gridwatch.layers.personnel import PersonnelLayer
from gridwatch.ui.application import install_translator, make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow
from gridwatch.ui.map.data import load_personnel
from gridwatch.ui.map.identify import Describer
from gridwatch.ui.map.legend import Legend
from gridwatch.ui.review.run import choose_login

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 17, 15, 20, tzinfo=TZ)  # a Wednesday afternoon: today's clock-ons are in
runner = CliRunner()


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = Store(f"sqlite:///{path}")
    store.upgrade()
    seed_demo(store, cases=300, seed=3, now=NOW)
    store.dispose()
    yield path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Store]:
    store = Store(f"sqlite:///{demo_path}")
    yield store
    store.dispose()


@pytest.fixture
def chinese() -> Iterator[None]:
    qt = make_application("zh_CN")
    yield
    for translator in qt.findChildren(QTranslator):
        qt.removeTranslator(translator)
    install_translator(qt, "en")


def test_the_layer_data_rings_todays_late_workers_with_their_minute(demo: Store) -> None:
    data = load_personnel(demo, now=NOW)
    today = today_attendance(demo, NOW)
    late = [d for d in today.values() if d.status == "late"]
    assert late
    ids = data.points.ids.tolist()
    for day in late:
        i = ids.index(day.person_id)
        assert day.clock_on is not None
        assert data.attendance[i] == 1
        assert data.clock_minute[i] == day.clock_on.hour * 60 + day.clock_on.minute
    on_time = [d for d in today.values() if d.status == "normal"]
    assert on_time and all(data.attendance[ids.index(d.person_id)] == 0 for d in on_time)
    assert int(np.count_nonzero(data.attendance == 1)) == len(late)


def _late_feature(demo: Store) -> tuple[Feature, str]:
    """The first late worker as the layer identifies them, and the card's words before the status."""
    layer = PersonnelLayer(data=load_personnel(demo, now=NOW))
    day = next(d for d in today_attendance(demo, NOW).values() if d.status == "late")
    i = layer._data.points.ids.tolist().index(day.person_id)
    feature = layer._feature(i, 0.0)
    card = person_card(demo, day.person_id)
    assert card is not None and card.phone and day.clock_on is not None
    head = " · ".join((card.name, card.phone, "、".join(card.grids)))
    return feature, f"{head} · {{duty}} · {{late}} {day.clock_on:%H:%M}"


def test_identify_names_todays_status_exactly(demo: Store, qtbot: QtBot) -> None:
    make_application("en")
    feature, text = _late_feature(demo)
    words = Describer(demo).describe(feature)
    assert words == "Grid worker " + text.format(duty="on duty", late="late")
    absent = Feature(feature.layer_id, feature.feature_id, "person", 0.0, {
        "on_duty": True, "attendance": "absent", "clock_minute": -1})  # fmt: skip
    assert Describer(demo).describe(absent).endswith(" · on duty · absent")
    nothing = Feature(feature.layer_id, feature.feature_id, "person", 0.0, {
        "on_duty": True, "attendance": "", "clock_minute": -1})  # fmt: skip
    assert Describer(demo).describe(nothing).endswith(" · on duty")
    on_time = Feature(feature.layer_id, feature.feature_id, "person", 0.0, {
        "on_duty": True, "attendance": "", "clock_minute": 8 * 60 + 25})  # fmt: skip
    assert Describer(demo).describe(on_time).endswith(" · on duty · on time 08:25")


def test_identify_and_legend_in_chinese(demo: Store, qtbot: QtBot, chinese: None) -> None:
    feature, text = _late_feature(demo)
    assert Describer(demo).describe(feature) == "网格员 " + text.format(duty="在岗", late="迟到")
    absent = Feature(feature.layer_id, feature.feature_id, "person", 0.0, {
        "on_duty": True, "attendance": "absent", "clock_minute": -1})  # fmt: skip
    assert Describer(demo).describe(absent).endswith(" · 缺勤")
    layer = PersonnelLayer("网格员", data=load_personnel(demo, now=NOW))
    legend = Legend([layer])
    qtbot.addWidget(legend)
    assert [t.text() for _, t in legend.lines][2:] == ["今日迟到"] + (
        ["今日早退"] if any(d.status == "early_leave" for d in today_attendance(demo, NOW).values()) else []
    )


def test_the_status_bar_shows_the_field_api(demo: Store, qtbot: QtBot, chinese: None, tmp_path: Path) -> None:
    login = find_login(demo, DEMO_DISPATCHER)
    assert login is not None
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    window = MainWindow(demo, login, "dispatcher", settings, live=False, with_map=False)
    qtbot.addWidget(window)
    assert window.findChild(QLabel, "fieldApiLabel") is None  # not a demo: no label
    window.show_field_api("http://127.0.0.1:8123")
    window.show_field_api("http://127.0.0.1:8124")  # called again: one label, the new address
    labels = window.statusBar().findChildren(QLabel, "fieldApiLabel")
    assert [label.text() for label in labels] == ["现场接口 http://127.0.0.1:8124"]


def test_the_demo_review_station_signs_in_as_the_reviewer(
    demo_path: Path, demo: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    make_application("en")
    login = choose_login(demo, None, unattended=True, prefer=DEMO_REVIEWER)
    assert login is not None and login.username == DEMO_REVIEWER
    assert login.roles == {"supervisor", "shift_leader"}
    fallback = choose_login(demo, None, unattended=True)  # without the hint: the admin, as before
    assert fallback is not None and fallback.username == "admin"

    from gridwatch.db import config
    from gridwatch.ui.review import run

    opened: list[str] = []

    def grab(window: run.ReviewWindow, path: Path, tab: str = "closure", timeout_ms: int = 0) -> int:
        opened.append(window.user_label.text())
        window.close()
        return 0

    monkeypatch.setattr(config, "demo_sqlite_path", lambda: demo_path)
    monkeypatch.setattr(run, "save_screenshot", grab)
    result = runner.invoke(app, ["review", "--db", str(demo_path), "--screenshot", str(tmp_path / "r.png")])
    assert result.exit_code == 0, result.output
    assert len(opened) == 1 and f"({DEMO_REVIEWER})" in opened[0]


def test_the_demo_hands_its_live_field_api_to_the_window(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`gridwatch demo` passes the address its field API serves on (one code path: the window's hook),
    and the address answers while the window is open."""
    import requests

    from gridwatch.cli import seed
    from gridwatch.ui import application

    seen: list[tuple[str, int]] = []

    def window(url: str, user: str, *args: object, field_api: str = "", **kwargs: object) -> int:
        seen.append((field_api, requests.get(field_api + "/openapi.json", timeout=10).status_code))
        return 0

    monkeypatch.setattr(seed, "ensure_scenes", lambda: None)
    monkeypatch.setattr(seed, "_demo_basemap", lambda *a: "")
    monkeypatch.setattr(application, "run_dispatcher", window)
    result = runner.invoke(app, ["demo", "--db", str(demo_path), "--screenshot", str(tmp_path / "d.png")])
    assert result.exit_code == 0, result.output
    ((address, status),) = seen
    assert address.startswith("http://127.0.0.1:") and status == 200
    assert f"Field API: {address}" in result.output.replace("\n", "")
