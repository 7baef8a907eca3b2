"""The map widget on a real store: loading, navigation, identify, selection, measuring, live updates.

The city is built through the store API: one district → street → community → 2×2 grids, three cases
reported by a grid worker, a camera and a loudspeaker, one worker's track. Rendering is real (worker
threads, offscreen platform); pixels are read back from `grab()`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from pyproj import Geod
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from shapely.geometry import MultiPolygon, box

from gridwatch.db.deadlines import yellow_times
from gridwatch.db.models import Case, Device, OrgUnit, Person, PersonRole, Position
from gridwatch.db.queries import light_of
from gridwatch.db.reads import cases
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store, utcnow
from gridwatch.layers.base import DETAIL_SCALE
from gridwatch.layers.basemap import BasemapStyle
from gridwatch.layers.cases import LIGHT_COLOURS, Light, lights_at
from gridwatch.layers.devices import SYMBOLS as DEVICE_SYMBOLS
from gridwatch.layers.personnel import ON_DUTY
from gridwatch.layers.tiles.sources import MBTilesSource
from gridwatch.layers.tiles.store import TileStore
from gridwatch.ui.map import MapWidget
from gridwatch.ui.map.canvas import BACKGROUND
from gridwatch.ui.map.data import load_cases
from tests.conftest import STAFF
from tests.layers.district_tiles import LAND, ROAD, GatedSource, break_tiles, write_district_mbtiles

LON0, LAT0, SPAN = 118.08, 24.45, 0.02
CASE_SPOTS = [(0.003, 0.007), (0.017, 0.003), (0.007, 0.017)]  # offsets from (LON0, LAT0), clear of labels
CAMERA, SPEAKER = (0.017, 0.013), (0.0125, 0.0175)
SIZE = (1000, 800)


def _unit(code: str, name: str, level: str, geom: object, parent: OrgUnit | None = None) -> OrgUnit:
    return OrgUnit(code=code, name=name, level=level, geom=geom, parent=parent, updated_at=utcnow())


def report(store: Store, lon: float, lat: float) -> int:
    case = store.report(
        actor="worker", source="grid_worker", category_code="06010", lon=lon, lat=lat, description="暴露垃圾"
    )
    return case.id


def build_city(store: Store) -> dict[str, object]:
    whole = MultiPolygon([box(LON0, LAT0, LON0 + SPAN, LAT0 + SPAN)])
    half = SPAN / 2
    with store.session() as s:
        district = _unit("350203", "思明区", "district", whole)
        street = _unit("350203001", "中华街道", "street", whole, district)
        community = _unit("350203001001", "华新社区", "community", whole, street)
        s.add_all([district, street, community])
        grids = []
        for n, (i, j) in enumerate(((0, 0), (1, 0), (0, 1), (1, 1)), start=1):
            cell = box(LON0 + i * half, LAT0 + j * half, LON0 + (i + 1) * half, LAT0 + (j + 1) * half)
            grids.append(_unit(f"3502030010010{n}", f"第{n}网格", "grid", MultiPolygon([cell]), community))
        s.add_all(grids)
        now = utcnow()
        devices = [
            Device(
                code="SXT1",
                kind="camera",
                name="摄像头1",
                lon=LON0 + CAMERA[0],
                lat=LAT0 + CAMERA[1],
                heading=90.0,
                updated_at=now,
            ),
            Device(
                code="LB1",
                kind="loudspeaker",
                name="喇叭1",
                lon=LON0 + SPEAKER[0],
                lat=LAT0 + SPEAKER[1],
                updated_at=now,
            ),
        ]
        s.add_all(devices)
        worker = s.query(Person).filter_by(username="worker").one()
        worker.on_duty = True
        for k in range(5):
            s.add(
                Position(
                    person_id=worker.id,
                    at=now - timedelta(minutes=5 - k),
                    lon=LON0 + 0.009 + 0.0005 * k,
                    lat=LAT0 + 0.009,
                )
            )
        s.flush()
        ids = {"grids": [g.id for g in grids], "camera": devices[0].id, "speaker": devices[1].id}
    ids["cases"] = [report(store, LON0 + dx, LAT0 + dy) for dx, dy in CASE_SPOTS]
    return ids


def add_people(store: Store) -> None:
    """The suite's STAFF (tests/conftest.py), on either backend: the cases need a reporter."""
    with store.session() as s:
        ensure_reference_data(s)
        for username, roles in STAFF.items():
            person = Person(username=username, name=username.title(), updated_at=utcnow())
            person.roles = [PersonRole(role=r) for r in roles]
            s.add(person)


def make_city(store: Store) -> tuple[Store, dict[str, object]]:
    add_people(store)
    return store, build_city(store)


@pytest.fixture
def city(sqlite_store: Store) -> tuple[Store, dict[str, object]]:
    return make_city(sqlite_store)


def open_map(qtbot: QtBot, store: Store, basemap: str = "") -> MapWidget:
    widget = MapWidget(store, basemap=basemap)  # "": whatever this machine's settings say, no basemap
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.show()
    assert widget.wait_loaded(10_000)
    return widget


def as_rgb(image: QImage) -> np.ndarray:
    """(h, w, 3) RGB."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
    return raw[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[:, :, 2::-1].astype(int)


def pixels(widget: QWidget) -> np.ndarray:
    return as_rgb(widget.grab().toImage())


def rgb(argb: int) -> np.ndarray:
    return np.array([(argb >> 16) & 255, (argb >> 8) & 255, argb & 255])


def has_colour(patch: np.ndarray, argb: int, tolerance: int = 30) -> bool:
    return bool((np.abs(patch - rgb(argb)).max(axis=2) <= tolerance).any())


def around(image: np.ndarray, point: QPointF, r: int = 5) -> np.ndarray:
    x, y = round(point.x()), round(point.y())
    return image[y - r : y + r + 1, x - r : x + r + 1]


def send_mouse(canvas: QWidget, kind: QEvent.Type, pos: QPointF, button: Qt.MouseButton) -> None:
    buttons = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    event = QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, event)


def drag(canvas: QWidget, start: QPointF, end: QPointF, steps: int = 5) -> None:
    left = Qt.MouseButton.LeftButton
    send_mouse(canvas, QEvent.Type.MouseButtonPress, start, left)
    for k in range(1, steps + 1):
        send_mouse(canvas, QEvent.Type.MouseMove, start + (end - start) * (k / steps), left)
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, end, left)


def click(canvas: QWidget, pos: QPointF, button: Qt.MouseButton = Qt.MouseButton.LeftButton) -> None:
    send_mouse(canvas, QEvent.Type.MouseButtonPress, pos, button)
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, pos, button)


def case_spot(widget: MapWidget, k: int) -> QPointF:
    dx, dy = CASE_SPOTS[k]
    return widget.canvas.lonlat_to_screen(LON0 + dx, LAT0 + dy)


# --- tests ---------------------------------------------------------------------------------------------


def test_loads_and_renders_every_layer(qtbot: QtBot, city: tuple[Store, dict[str, object]]) -> None:
    store, _ = city
    widget = open_map(qtbot, store)
    canvas = widget.canvas
    assert len(widget.cases.data.points) == 3
    image = pixels(canvas)
    for k in range(3):  # each case shows in a deadline-light colour where it is
        assert any(has_colour(around(image, case_spot(widget, k)), c) for c in LIGHT_COLOURS.values())
    district_edge = canvas.lonlat_to_screen(LON0, LAT0 + SPAN / 3)
    assert has_colour(around(image, district_edge, 3), 0xFF5B2C83, 40)  # the district outline
    camera = canvas.lonlat_to_screen(LON0 + CAMERA[0], LAT0 + CAMERA[1])
    assert has_colour(around(image, camera), 0xFF1E6FD9)
    empty = (np.abs(image - rgb(BACKGROUND.rgba())).max(axis=2) > 10).mean()
    assert empty > 0.005, "the map is almost blank"


def test_wheel_zoom_keeps_the_point_under_the_cursor(
    qtbot: QtBot, city: tuple[Store, dict[str, object]]
) -> None:
    widget = open_map(qtbot, city[0])
    canvas = widget.canvas
    cursor = QPointF(231.0, 177.0)
    before = canvas.view
    wx, wy = before.screen_to_world(cursor.x(), cursor.y())
    for notches in (1, 1, -3):
        event = QWheelEvent(
            cursor,
            canvas.mapToGlobal(cursor),
            QPoint(),
            QPoint(0, 120 * notches),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(canvas, event)
        sx, sy = canvas.view.world_to_screen(wx, wy)
        assert abs(float(sx) - cursor.x()) < 1 and abs(float(sy) - cursor.y()) < 1
    assert canvas.view.resolution == pytest.approx(before.resolution * 2**0.5)


def test_drag_shows_the_shifted_image_before_rendering(
    qtbot: QtBot, city: tuple[Store, dict[str, object]]
) -> None:
    widget = open_map(qtbot, city[0])
    canvas = widget.canvas
    before = pixels(canvas)
    counts = dict(canvas.render_counts)
    dx, dy = 60, 40
    drag(canvas, QPointF(400, 300), QPointF(400 + dx, 300 + dy))
    after = pixels(canvas)  # no event loop turn yet: nothing re-rendered
    assert dict(canvas.render_counts) == counts and canvas.rendering
    h, w = before.shape[:2]
    interior = (slice(20, h - 120), slice(20, w - 120))  # clear of the scale bar
    shifted = after[dy:, dx:][: h - dy, : w - dx]
    assert np.array_equal(shifted[interior], before[: h - dy, : w - dx][interior])
    qtbot.waitUntil(lambda: not canvas.rendering, timeout=3000)
    assert canvas.render_counts["Open cases"] == counts["Open cases"] + 1


def test_keys_pan_and_zoom(qtbot: QtBot, city: tuple[Store, dict[str, object]]) -> None:
    canvas = open_map(qtbot, city[0]).canvas
    start = canvas.view
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.view.center_x > start.center_x and canvas.view.center_y == start.center_y
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.view.resolution == pytest.approx(start.resolution / 2)
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    assert canvas.view == start


def test_click_on_a_case_emits_its_id(qtbot: QtBot, city: tuple[Store, dict[str, object]]) -> None:
    store, ids = city
    widget = open_map(qtbot, store)
    with qtbot.waitSignal(widget.case_clicked, timeout=1000) as blocker:
        click(widget.canvas, case_spot(widget, 1))
    assert blocker.args == [ids["cases"][1]]  # type: ignore[index]
    with qtbot.waitSignal(widget.camera_clicked, timeout=1000) as blocker:
        click(widget.canvas, widget.canvas.lonlat_to_screen(LON0 + CAMERA[0], LAT0 + CAMERA[1]))
    assert blocker.args == [ids["camera"]]
    with qtbot.waitSignal(widget.grid_clicked, timeout=1000) as blocker:  # empty ground: the grid
        click(widget.canvas, widget.canvas.lonlat_to_screen(LON0 + 0.013, LAT0 + 0.007))
    assert blocker.args == [ids["grids"][1]]  # type: ignore[index]


def test_a_layer_that_could_not_be_read_is_named_until_it_is_read_again(
    qtbot: QtBot, city: tuple[Store, dict[str, object]]
) -> None:
    """The status line names the layers whose last read failed and takes it back once they are read
    again (it stayed for good before); a text a click put there since is left alone."""
    store = city[0]
    widget = open_map(qtbot, store)

    def reread(kind: str) -> None:
        widget.refresh(kind)
        assert widget.wait_loaded(10_000)

    def table(old: str, new: str) -> None:
        with store.engine.begin() as conn:
            conn.exec_driver_sql(f"ALTER TABLE {old} RENAME TO {new}")

    table("devices", "devices_away")
    reread("devices")
    reread("personnel")
    assert widget.message_label.text() == "Could not read the map data (Devices)."
    assert "no such table: devices" in widget.message_label.toolTip()
    assert "Traceback" not in widget.message_label.toolTip()
    assert len(widget.devices.snapshot().data.kind) == 2  # the camera and the loudspeaker are still drawn
    table("devices_away", "devices")
    reread("devices")
    assert (widget.message_label.text(), widget.message_label.toolTip()) == ("", "")

    table("devices", "devices_away")
    reread("devices")
    click(widget.canvas, widget.canvas.lonlat_to_screen(LON0 + 0.013, LAT0 + 0.007))  # a grid: named
    said = widget.message_label.text()
    assert said == "第2网格"
    table("devices_away", "devices")
    reread("devices")
    assert widget.message_label.text() == said


def test_box_select_selects_the_cases_inside(qtbot: QtBot, city: tuple[Store, dict[str, object]]) -> None:
    store, ids = city
    widget = open_map(qtbot, store)
    widget.tool_buttons["select"].click()
    a, b = case_spot(widget, 0), case_spot(widget, 1)  # the two southern cases, not the northern one
    top_left = QPointF(min(a.x(), b.x()) - 20, min(a.y(), b.y()) - 20)
    bottom_right = QPointF(max(a.x(), b.x()) + 20, max(a.y(), b.y()) + 20)
    with qtbot.waitSignal(widget.cases_selected, timeout=1000) as blocker:
        drag(widget.canvas, bottom_right, top_left)
    assert sorted(blocker.args[0]) == sorted(ids["cases"][:2])  # type: ignore[index]
    assert sorted(widget.cases.snapshot().selected.tolist()) == sorted(ids["cases"][:2])  # type: ignore[index]


def test_measuring_one_kilometre(qtbot: QtBot, city: tuple[Store, dict[str, object]]) -> None:
    widget = open_map(qtbot, city[0])
    canvas = widget.canvas
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)  # ~2 m/px: a pixel of rounding is 0.2 % of a kilometre
    lon0, lat0 = canvas.screen_to_lonlat(150, 400)
    lon1, lat1, _ = Geod(ellps="WGS84").fwd(lon0, lat0, 60, 1000)
    widget.tool_buttons["measure"].click()
    with qtbot.waitSignal(canvas.measured, timeout=1000) as blocker:
        click(canvas, canvas.lonlat_to_screen(lon0, lat0))
        click(canvas, canvas.lonlat_to_screen(lon1, lat1))
        click(canvas, canvas.lonlat_to_screen(lon1, lat1), Qt.MouseButton.RightButton)
    assert blocker.args[0] == pytest.approx(1000, rel=0.01)  # type: ignore[index]


def test_hiding_a_layer_removes_its_pixels(qtbot: QtBot, city: tuple[Store, dict[str, object]]) -> None:
    widget = open_map(qtbot, city[0])
    spot = case_spot(widget, 2)
    assert any(has_colour(around(pixels(widget.canvas), spot), c) for c in LIGHT_COLOURS.values())
    widget.panel.rows[widget.cases.layer_id].visible_box.click()
    assert not widget.cases.visible
    assert not any(has_colour(around(pixels(widget.canvas), spot), c) for c in LIGHT_COLOURS.values())


def test_select_case_pans_to_an_off_screen_case(qtbot: QtBot, city: tuple[Store, dict[str, object]]) -> None:
    store, ids = city
    widget = open_map(qtbot, store)
    canvas = widget.canvas
    canvas.pan_by(3000, 0)  # the city is far to the right, off-screen
    widget.select_case(ids["cases"][0])  # type: ignore[index]
    spot = case_spot(widget, 0)
    assert 0 < spot.x() < canvas.width() and 0 < spot.y() < canvas.height()
    assert widget.cases.snapshot().selected.tolist() == [ids["cases"][0]]  # type: ignore[index]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_new_case_reaches_the_map_and_redraws_only_the_cases(
    qtbot: QtBot, backend: str, request: pytest.FixtureRequest
) -> None:
    store, _ = make_city(request.getfixturevalue("sqlite_store" if backend == "sqlite" else "pg_store"))
    widget = open_map(qtbot, store)
    with qtbot.waitSignal(widget.start_live().listening, timeout=5000):
        pass
    quiet(qtbot, widget)  # the feed's first catch-up re-read (rows of the last seconds) settles
    counts = dict(widget.canvas.render_counts)
    new_id = report(store, LON0 + 0.012, LAT0 + 0.004)  # its parts timed: bench/feed.py, bench/render.py
    qtbot.waitUntil(lambda: new_id in widget.cases.data.points.ids and not widget.busy, timeout=30_000)
    grown = {k: v - counts.get(k, 0) for k, v in widget.canvas.render_counts.items() if v != counts.get(k, 0)}
    assert grown == {"Open cases": 1}
    widget.stop_live()


def quiet(qtbot: QtBot, widget: MapWidget, for_ms: int = 300) -> None:
    """Wait until the widget has been idle for a while, not just for an instant between two steps."""
    deadline = time.monotonic() + 5
    idle_since: float | None = None
    while time.monotonic() < deadline:
        qtbot.wait(20)
        if widget.busy:
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= for_ms / 1000:
            return
    pytest.fail("the map never settled")


@pytest.mark.slow
def test_cli_screenshot_writes_a_map(
    city: tuple[Store, dict[str, object]], tmp_path: Path, district_tiles: Path
) -> None:
    """With a basemap file, opened on a street corner at 1:5,000: the tiles and the camera (street scale)."""
    store, _ = city
    out = tmp_path / "map.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    lon, lat = LON0 + CAMERA[0], LAT0 + CAMERA[1]
    done = subprocess.run(
        [
            *(sys.executable, "-m", "gridwatch", "map", "--db", store.url, "--screenshot", str(out)),
            *("--size", "900x700", "--basemap", str(district_tiles), "--center", f"{lon},{lat}"),
            *("--scale", "5000"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 700)
    shot = as_rgb(image)
    assert len(np.unique(shot.reshape(-1, 3), axis=0)) > 50, "the screenshot is blank"
    assert share(shot, LAND) > 0.2
    assert has_colour(shot[300:400, 300:420], CAMERA_BLUE)  # centred on the camera: the canvas's middle


# --- basemap ------------------------------------------------------------------------------------------

CAMERA_BLUE = DEVICE_SYMBOLS[1].fill  # an online camera


@pytest.fixture
def district_tiles(tmp_path: Path) -> Path:
    district = box(LON0, LAT0, LON0 + SPAN, LAT0 + SPAN)
    return write_district_mbtiles(tmp_path / "district.mbtiles", district, range(13, 17))


def share(image: np.ndarray, argb: int, tolerance: int = 2) -> float:
    return float((np.abs(image - rgb(argb)).max(axis=2) <= tolerance).mean())


def test_an_mbtiles_basemap_shows_under_the_layers(
    qtbot: QtBot, city: tuple[Store, dict[str, object]], district_tiles: Path
) -> None:
    widget = open_map(qtbot, city[0], basemap=str(district_tiles))
    assert widget.layers[0] is widget.basemap and widget.basemap.z < min(lay.z for lay in widget.layers[1:])
    image = pixels(widget.canvas)
    assert share(image, LAND) > 0.2 and share(image, ROAD) > 0.005
    for k in range(3):  # the cases are still drawn, on top of it
        assert any(has_colour(around(image, case_spot(widget, k)), c) for c in LIGHT_COLOURS.values())
    assert widget.message_label.text() == ""


def test_a_tile_arriving_re_renders_only_the_basemap(
    qtbot: QtBot, city: tuple[Store, dict[str, object]], district_tiles: Path
) -> None:
    widget = open_map(qtbot, city[0])
    canvas = widget.canvas
    source = GatedSource(MBTilesSource(district_tiles))
    widget.basemap.set_store(TileStore(source))
    qtbot.waitUntil(lambda: not canvas.rendering, timeout=3000)
    assert widget.busy, "tiles held back at the gate: the map is still loading"
    assert share(pixels(canvas), BasemapStyle().placeholder) > 0.2
    counts = dict(canvas.render_counts)
    source.gate.set()
    assert widget.wait_loaded(5000)
    grown = {k: v - counts.get(k, 0) for k, v in canvas.render_counts.items() if v != counts.get(k, 0)}
    assert grown.keys() == {"Basemap"} and 1 <= grown["Basemap"] <= 3  # arrivals batched
    image = pixels(canvas)
    assert share(image, LAND) > 0.2 and share(image, BasemapStyle().placeholder) < 0.005


@pytest.mark.parametrize("spoil", ["garbage file", "missing file", "unknown kind"])
def test_a_basemap_that_cannot_be_opened_is_reported_and_the_map_works(
    qtbot: QtBot, city: tuple[Store, dict[str, object]], tmp_path: Path, spoil: str
) -> None:
    store, ids = city
    spec = {
        "garbage file": tmp_path / "junk.mbtiles",
        "missing file": tmp_path / "nowhere.pmtiles",
        "unknown kind": tmp_path / "tiles.zip",
    }[spoil]
    if spoil != "missing file":
        spec.write_bytes(np.random.default_rng(1).bytes(5000))
    widget = open_map(qtbot, store, basemap=str(spec))
    assert widget.message_label.text().startswith("No basemap:")
    assert widget.basemap.store is None
    with qtbot.waitSignal(widget.case_clicked, timeout=1000) as blocker:
        click(widget.canvas, case_spot(widget, 1))
    assert blocker.args == [ids["cases"][1]]  # type: ignore[index]


def test_undecodable_tiles_leave_placeholders_and_a_responsive_map(
    qtbot: QtBot, city: tuple[Store, dict[str, object]], district_tiles: Path
) -> None:
    store, ids = city
    break_tiles(district_tiles)
    widget = open_map(qtbot, store, basemap=str(district_tiles))  # failed tiles do not keep it loading
    image = pixels(widget.canvas)
    assert share(image, BasemapStyle().placeholder) > 0.2 and share(image, LAND) == 0
    assert "could not be read" in widget.message_label.text()
    with qtbot.waitSignal(widget.case_clicked, timeout=1000) as blocker:
        click(widget.canvas, case_spot(widget, 0))
    assert blocker.args == [ids["cases"][0]]  # type: ignore[index]
    qtbot.keyClick(widget.canvas, Qt.Key.Key_Plus)
    assert widget.wait_loaded(3000)  # retries fail again; the map still settles


# --- lights that change with time alone ----------------------------------------------------------------


def test_a_case_turns_red_when_its_due_time_passes_without_a_store_change(
    qtbot: QtBot, city: tuple[Store, dict[str, object]]
) -> None:
    store, ids = city
    case_id = ids["cases"][2]  # type: ignore[index]
    now = utcnow()
    with store.session() as s:  # a step on a wall clock, 100 s used of 102: yellow, red in 2 s
        case = s.get(Case, case_id)
        assert case is not None
        case.state, case.limit_amount, case.limit_unit = "dispatched", 1, "hours"
        case.stage_started_at, case.stage_due_at = now - timedelta(seconds=100), now + timedelta(seconds=2)
    widget = open_map(qtbot, store)

    def light() -> Light:
        d = widget.cases.data
        return Light(int(d.light[np.flatnonzero(d.points.ids == case_id)[0]]))

    assert light() is Light.YELLOW
    counts = dict(widget.canvas.render_counts)
    widget.cases.relight_interval_ms = 100  # the 60 s clock, hurried
    qtbot.waitUntil(lambda: light() is Light.RED, timeout=5000)
    assert widget.wait_loaded(2000)
    grown = {k: v - counts.get(k, 0) for k, v in widget.canvas.render_counts.items() if v != counts.get(k, 0)}
    assert grown == {"Open cases": 1}
    assert has_colour(around(pixels(widget.canvas), case_spot(widget, 2), 3), LIGHT_COLOURS[Light.RED], 10)
    qtbot.wait(300)  # ticks that change no light render nothing
    assert widget.canvas.render_counts["Open cases"] == counts["Open cases"] + 1


def test_light_times_agree_with_the_store_light_on_the_working_calendar(store: Store) -> None:
    """A working-hour step across lunch: the light from the read-time moments matches `light_of` at
    every minute, so the map's clock and the queue never disagree (both backends: the epoch seconds
    come from SQL)."""
    store, ids = make_city(store)
    case_id = ids["cases"][0]  # type: ignore[index]
    start = datetime(2024, 5, 6, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
    with store.session() as s:
        rules = store.rules(s)
        case = s.get(Case, case_id)
        assert case is not None and case.state == "reported"
        case.stage_started_at = start
        case.stage_due_at = rules.calendar.add_working(start, 2 * 3600)  # 14:30, lunch skipped
    table = load_cases(store, [case_id])  # the map's own read: SQL epoch seconds, numpy calendar
    yellow_at, due_at = float(table.yellow_at[0]), float(table.due_at[0])
    shown = cases.by_id(store, case_id)  # the queue's and the detail's row of the same case
    assert shown is not None and shown.case.stage_due_at == rules.calendar.add_working(start, 2 * 3600)
    codes = {"green": Light.GREEN, "yellow": Light.YELLOW, "red": Light.RED}
    for minute in range(0, 240, 1):
        at = start + timedelta(minutes=minute, seconds=30)
        ours = lights_at(at.timestamp(), np.array([0], np.uint8), np.array([yellow_at]), np.array([due_at]))
        assert Light(int(ours[0])) is codes[str(light_of(rules, shown.case, at))], at


def test_yellow_times_match_the_calendar_case_by_case(city: tuple[Store, dict[str, object]]) -> None:
    """The vectorised calendar against `add_working`/`working_seconds` for steps that start at any hour
    (nights, weekends, the National Day week) and last from minutes to weeks."""
    store, _ = city
    with store.session() as s:
        cal = store.rules(s).calendar
    rng = np.random.default_rng(7)
    first = datetime(2024, 9, 26, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp()
    start = first + rng.uniform(0, 20 * 86400, 400)
    due = start + rng.choice([600.0, 3 * 3600.0, 86400.0, 9 * 86400.0], 400) * rng.uniform(0, 1, 400)
    working = rng.uniform(size=400) < 0.8
    ours = yellow_times(cal, start, due, working)
    for i in range(400):
        a, b = (datetime.fromtimestamp(t, ZoneInfo("UTC")) for t in (start[i], due[i]))
        total = cal.working_seconds(a, b) if working[i] else b.timestamp() - a.timestamp()
        if not working[i]:
            expected = a.timestamp() + 0.8 * total
        elif total > 0:
            expected = cal.add_working(a, 0.8 * total).timestamp()
        else:
            expected = b.timestamp()  # no working time in the step: green until due
        assert abs(ours[i] - expected) < 1e-3, (a, b, working[i])
    assert np.isnan(yellow_times(cal, np.array([np.nan]), np.array([np.nan]), np.array([True]))).all()


# --- scale-dependent layers --------------------------------------------------------------------------


def test_devices_and_worker_tails_show_only_from_street_scale(
    qtbot: QtBot, city: tuple[Store, dict[str, object]]
) -> None:
    store, ids = city
    widget = open_map(qtbot, store)
    widget.org_labels.visible = False  # the district's name sits near the worker's tail
    canvas, row = widget.canvas, widget.panel.rows[widget.devices.layer_id]
    camera = (LON0 + CAMERA[0], LAT0 + CAMERA[1])
    tail_start, dot = (LON0 + 0.009, LAT0 + 0.009), (LON0 + 0.011, LAT0 + 0.009)

    def look(scale: float) -> tuple[np.ndarray, dict[str, int]]:
        widget.go_to(LON0 + SPAN / 2, LAT0 + SPAN / 2, scale)
        counts = dict(canvas.render_counts)
        assert widget.wait_loaded(3000)
        return pixels(canvas), {k: v - counts.get(k, 0) for k, v in canvas.render_counts.items()}

    overview, grown = look(2.5 * DETAIL_SCALE)
    assert grown["Devices"] == 0 and row.out_of_scale and "25,000" in row.visible_box.toolTip()
    assert not has_colour(around(overview, canvas.lonlat_to_screen(*camera)), CAMERA_BLUE)
    assert has_colour(around(overview, canvas.lonlat_to_screen(*dot), 2), ON_DUTY)  # the worker: always
    assert not has_colour(around(overview, canvas.lonlat_to_screen(*tail_start), 1), ON_DUTY)
    with qtbot.waitSignal(widget.grid_clicked, timeout=1000):  # no hidden camera under the click
        click(canvas, canvas.lonlat_to_screen(*camera))

    street, grown = look(0.4 * DETAIL_SCALE)
    assert grown["Devices"] == 1 and not row.out_of_scale
    assert has_colour(around(street, canvas.lonlat_to_screen(*camera)), CAMERA_BLUE)
    assert has_colour(around(street, canvas.lonlat_to_screen(*tail_start), 2), ON_DUTY)
    with qtbot.waitSignal(widget.camera_clicked, timeout=1000) as blocker:
        click(canvas, canvas.lonlat_to_screen(*camera))
    assert blocker.args == [ids["camera"]]
