"""The store in a real QGIS (Debian's python3-qgis 3.22, headless), signed in as people's own login roles
through a QGIS authentication configuration: the layers open styled with and without the plugin, a case
reported at a desk reaches QGIS by itself, a refused grid edit says why, the algorithms run in
`qgis_process`, and the gridwatch group renders."""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage

from gridwatch.db.published import LAYERS
from gridwatch.layers import devices, personnel
from gridwatch.layers.base import DETAIL_SCALE
from gridwatch.layers.cases import LIGHT_COLOURS, URGENCY_SIZES, Light, Urgency
from gridwatch.layers.org import OrgLevel, OrgStyle
from gridwatch.layers.qgis_styles import SHAPES
from tests.qgis.conftest import (
    GRID_11,
    GRID_12,
    PASSWORD,
    QGIS_PYTHON,
    ROOT,
    SCRIPTS,
    GisStore,
    run_qgis,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
PIXEL_UNIT = 2  # QgsUnitTypes.RenderPixels
QGIS_SHAPES = {"circle": 8, "square": 0, "triangle": 4, "diamond": 1}  # QgsSimpleMarkerSymbolLayerBase.Shape
QGIS_PROCESS = "/usr/bin/qgis_process.bin"  # Debian's qgis_process wrapper passes qgis's --noversioncheck


def hex_colour(argb: int) -> str:
    return QColor.fromRgba(argb).name()


def test_a_plain_qgis_opens_the_published_layers_styled_as_the_desktop(gis: GisStore) -> None:
    seen = run_qgis("layers_without_plugin.py", gis.qgis_env("h_cgj"))
    geometry = {"Polygon": "MultiPolygon", "Point": "Point", "Line": "LineString"}
    assert seen["browser"] == {
        view: [[geometry[kind], "EPSG:4490"], "geom", ["id"]] for view, kind in LAYERS.items()
    }  # QGIS's PostGIS browser lists every view with its type and CRS
    cases = seen["gis_open_cases"]
    assert (cases["valid"], cases["wkb"], cases["crs"], cases["renderer"], cases["attr"]) == (
        True, "Point", "EPSG:4490", "categorizedSymbol", "light",
    )  # fmt: skip
    lights = {"green": Light.GREEN, "yellow": Light.YELLOW, "red": Light.RED, "": Light.CLOSED}
    assert {v: c["colour"] for v, c in cases["categories"].items()} == {
        value: hex_colour(LIGHT_COLOURS[light]) for value, light in lights.items()
    }
    assert {(c["size"], c["unit"]) for c in cases["categories"].values()} == {
        (URGENCY_SIZES[Urgency.B], PIXEL_UNIT)
    }
    assert cases["count"] == 1 and seen["open_case_lights"] == [
        [gis.cases["c1"], "red"]
    ]  # CGJ's handler's scope
    kinds = {kind.name.lower(): kind for kind in devices.DeviceKind}
    assert seen["gis_devices"]["categories"] == {
        name: {
            "colour": hex_colour(devices.SYMBOLS[kind * 2 + 1].fill),
            "size": devices.MARKER_SIZE,
            "unit": PIXEL_UNIT,
            "shape": QGIS_SHAPES[SHAPES[devices.SYMBOLS[kind * 2 + 1].shape]],
        }
        for name, kind in kinds.items()
    }
    positions = seen["gis_positions"]["categories"]
    assert positions["on duty"]["colour"] == hex_colour(personnel.ON_DUTY)
    assert positions["off duty"]["colour"] == hex_colour(personnel.OFF_DUTY)
    style = OrgStyle()
    assert seen["gis_org_units"]["categories"] == {
        level.name.lower(): {
            "colour": hex_colour(style.colours[level]),
            "width": style.widths[level],
            "fill_alpha": 0,
        }
        for level in OrgLevel
    }
    assert seen["gis_tracks"]["wkb"] == "LineString" and seen["gis_tracks"]["count"] == 1
    detail = {
        view: info["detail_only"]
        for view, info in seen.items()
        if isinstance(info, dict) and "detail_only" in info
    }
    assert (
        detail
        == {
            view: [True, DETAIL_SCALE] if view in ("gis_devices", "gis_tracks") else [False, 0.0]
            for view in detail
        }
        and len(detail) == 7
    )  # devices and workers' tails from street level in, as on the desktop
    assert seen["gis_grids"]["wkb"] == "MultiPolygon" and seen["gis_grids"]["count"] == 3


def test_the_plugin_adds_the_group_and_it_renders(gis: GisStore, tmp_path: Path) -> None:
    png = tmp_path / "group.png"
    seen = run_qgis("plugin_group.py", gis.qgis_env("dispatcher"), str(png))
    assert seen["group"] == "gridwatch"
    assert seen["layers"] == [
        "Grid workers", "Patrol tracks", "Open cases", "Cases of the last 30 days", "Devices", "Grids",
        "Districts, streets, communities",
    ]  # fmt: skip
    counts = {"positions": 1, "tracks": 1, "open_cases": 3, "period_cases": 2, "devices": 2, "grids": 3}
    assert seen["counts"] == {**counts, "org_units": 3}
    assert set(seen["styled"].values()) <= {"categorizedSymbol", "singleSymbol"}
    tables = {"positions": "positions", "tracks": "positions", "open_cases": "cases", "period_cases": "cases",
              "devices": "devices", "grids": "org_units"}  # fmt: skip
    assert {k: v[1] for k, v in seen["notify"].items()} == {
        **{k: f"{gis.schema}.{t}" for k, t in tables.items()},
        "org_units": "",
    }
    assert seen["messages"] == []
    assert seen["dialog"] == [True, True]  # the connection dialog and the settings round-trip
    assert "Cases of the last 30 days" not in seen["shown"] and len(seen["shown"]) == 6  # added switched off
    assert seen["zh_CN"] == ["未结案件", "网格", "各网格案件数"]
    image = QImage(str(png))
    assert (image.width(), image.height()) == (1400, 900)
    colours = {image.pixel(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
    for wanted in (LIGHT_COLOURS[Light.RED], LIGHT_COLOURS[Light.GREEN]):
        assert wanted in colours, f"no {QColor.fromRgba(wanted).name()} in the rendered group"
    assert devices.SYMBOLS[1].fill not in colours  # drawn at about 1:26,000: devices show from 1:25,000 in


def test_a_case_reported_at_a_desk_refreshes_qgis_without_a_manual_refresh(gis: GisStore) -> None:
    """QGIS (the grid worker's sign-in) waits; a dispatcher reports a case in the worker's grid through the
    store API; the open-case layer repaints by itself and shows it; the devices layer is not repainted."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(SCRIPTS), **gis.qgis_env("worker")}
    qgis = subprocess.Popen(
        [QGIS_PYTHON, "-X", "faulthandler", str(SCRIPTS / "notify.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert qgis.stdout is not None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            ready, _, _ = select.select([qgis.stdout], [], [], 1)
            if ready and qgis.stdout.readline().strip() == "READY":
                break
            assert qgis.poll() is None, qgis.stderr.read() if qgis.stderr else ""
        else:
            pytest.fail("QGIS never got ready")
        desk = gis.sign_in("dispatcher")
        case = desk.report(
            actor=gis.users["dispatcher"], source="center", category_code="06010", lon=118.01, lat=24.47
        )
        desk.dispose()
        out, err = qgis.communicate(timeout=90)
    finally:
        if qgis.poll() is None:
            qgis.kill()
    assert qgis.returncode == 0, f"QGIS ended with {qgis.returncode}:\n{out}\n{err}"
    seen: dict[str, Any] = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    assert case.case_no not in seen["before"] and case.case_no in seen["after"]
    assert seen["repaints"]["open_cases"] >= 1 and seen["repaints"]["period_cases"] >= 1
    assert seen["repaints"]["devices"] == 0 and seen["repaints"]["grids"] == 0  # only the case layers
    assert seen["listener"] == "plugin"  # QGIS 3.22: its own listener crashes with an auth configuration
    print(f"QGIS repainted {seen['seconds']} s after READY (includes the desk's report)")


def test_a_refused_grid_edit_says_why_in_the_message_bar_and_changes_nothing(gis: GisStore) -> None:
    seen = run_qgis("grid_edit.py", gis.qgis_env("admin"), GRID_12, GRID_11)
    assert seen["editable"] and seen["committed"] is False
    assert len(seen["messages"]) == 1
    title, text = seen["messages"][0]
    assert title == "The store refused the edit"
    assert text.startswith(f"Grid {GRID_12} overlaps grid {GRID_11} of the same community by ")
    assert text.endswith(" m²: grids of a community do not overlap.")
    assert seen["after"] == seen["before"]
    assert seen["good_committed"] is True and seen["good_after"] != seen["before"]


def qgis_process_env(gis: GisStore, tmp_path: Path) -> dict[str, str]:
    """`qgis_process` with the plugin installed and enabled in a profile of its own, signed in through a
    libpq service (a headless run has no one to type QGIS's master password)."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "gridwatch").symlink_to(ROOT / "plugins" / "qgis")
    profile = tmp_path / "config" / "profiles" / "default" / "QGIS"
    profile.mkdir(parents=True)
    (profile / "QGIS3.ini").write_text("[PythonPlugins]\ngridwatch=true\n", encoding="utf-8")
    service = tmp_path / "pg_service.conf"
    env = gis.qgis_env("dispatcher")
    service.write_text(
        f"[gridwatch]\nhost={env['GW_HOST']}\nport={env['GW_PORT']}\ndbname={env['GW_DATABASE']}\n"
        f"user={env['GW_USER']}\npassword={PASSWORD}\n",
        encoding="utf-8",
    )
    service.chmod(0o600)
    # qgis_process embeds Debian's Python, which finds its prefix through the first `python3` on PATH:
    # with the test command's venv first it took the venv's interpreter and found no `qgis` module
    inherited = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH")}
    return {
        **inherited,
        "PATH": "/usr/bin:/bin",
        "QT_QPA_PLATFORM": "offscreen",
        "QGIS_CUSTOM_CONFIG_PATH": str(tmp_path / "config"),
        "QGIS_PLUGINPATH": str(plugins),
        "PGSERVICEFILE": str(service),
    }


def qgis_process(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [QGIS_PROCESS, "--json", *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout[done.stdout.index("{") :])
    return result


def source(gis: GisStore, view: str, kind: str) -> str:
    table = f'"{gis.schema}"."{view}" (geom)'
    return f"postgres://service='gridwatch' key='id' srid=4490 type={kind} table={table}"


def features(path: Path) -> list[dict[str, Any]]:
    return [f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]


@pytest.mark.skipif(not Path(QGIS_PROCESS).exists(), reason="qgis_process is in Debian's qgis package")
def test_the_algorithms_run_headless_in_qgis_process(gis: GisStore, tmp_path: Path) -> None:
    env = qgis_process_env(gis, tmp_path)
    grids, cases = source(gis, "gis_grids", "MultiPolygon"), source(gis, "gis_cases", "Point")
    listed = qgis_process(env, "list")
    assert {"gridwatch:casespergrid", "gridwatch:overduehotspots"} <= set(
        listed["providers"]["gridwatch"]["algorithms"]
    )
    per_grid, recent, hot = (
        tmp_path / "per_grid.geojson",
        tmp_path / "recent.geojson",
        tmp_path / "hot.geojson",
    )
    filtered = "FILTER=\"category_code\" LIKE '06%'"
    qgis_process(env, "run", "gridwatch:casespergrid", "--", f"GRIDS={grids}", f"CASES={cases}", filtered,
                 f"OUTPUT={per_grid}")  # fmt: skip
    assert {f["code"]: f["cases"] for f in features(per_grid)} == {
        GRID_11: 2,
        GRID_12: 1,
        "35020300100201": 0,
    }
    start = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 7 * 86400))
    qgis_process(env, "run", "gridwatch:casespergrid", "--", f"GRIDS={grids}", f"CASES={cases}",
                 f"START={start}", f"OUTPUT={recent}")  # fmt: skip
    assert {f["code"]: f["cases"] for f in features(recent)} == {GRID_11: 1, GRID_12: 1, "35020300100201": 0}
    open_cases = source(gis, "gis_open_cases", "Point")
    qgis_process(env, "run", "gridwatch:overduehotspots", "--", f"CASES={open_cases}", "CELL=500",
                 "MIN_COUNT=1", f"OUTPUT={hot}")  # fmt: skip
    assert features(hot) == [{"overdue": 1, "cases": gis.cases["c1"]}]
