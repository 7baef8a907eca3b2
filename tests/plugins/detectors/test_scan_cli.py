"""`gridwatch analytics scan VIDEO --zones ZONES.json | --camera CODE [--json]` on a decoded file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.store import Store
from gridwatch.plugins.analytics import zones as zone_store
from gridwatch.plugins.detectors import synthetic as syn
from tests.plugins.analytics.conftest import add_cameras

pytestmark = pytest.mark.video
runner = CliRunner()


@pytest.fixture(scope="module")
def stall(tmp_path_factory: pytest.TempPathFactory) -> tuple[syn.Script, Path, Path]:
    folder = tmp_path_factory.mktemp("scan")
    script = syn.variant("occupancy", 5)
    video = script.write(folder / "street.avi", fps=4)
    zones = folder / "ZONES.json"
    zones.write_text(json.dumps(script.zone_data()), encoding="utf-8")
    return script, video, zones


def test_json_lists_each_detection_with_exactly_its_six_keys(stall: tuple[syn.Script, Path, Path]) -> None:
    script, video, zones = stall
    result = runner.invoke(app, ["analytics", "scan", str(video), "--zones", str(zones), "--json"])
    assert result.exit_code == 0, result.output
    [found] = json.loads(result.stdout)
    assert list(found) == ["detector", "category", "zone", "start_s", "end_s", "confidence"]
    [truth] = script.truth
    assert (found["detector"], found["category"], found["zone"]) == ("occupancy", "09006", "pavement")
    assert abs(found["start_s"] - truth.start_s) <= 2 and abs(found["end_s"] - truth.end_s) <= 2


def test_the_table_names_the_detection(stall: tuple[syn.Script, Path, Path]) -> None:
    _, video, zones = stall
    result = runner.invoke(app, ["analytics", "scan", str(video), "--zones", str(zones), "--fps", "1"])
    assert result.exit_code == 0, result.output
    assert "at 1 fps" in result.stdout
    assert "occupancy │ 09006    │ pavement" in result.stdout


def test_bad_zones_end_with_the_field_named(stall: tuple[syn.Script, Path, Path], tmp_path: Path) -> None:
    _, video, _ = stall
    bad = tmp_path / "bad.json"
    bad.write_text('{"zones": [{"name": "A", "detector": "occupancy", "polygon": [[0, 0], [2, 0], [0, 1]]}]}')
    result = runner.invoke(app, ["analytics", "scan", str(video), "--zones", str(bad)])
    assert result.exit_code == 1
    assert "invalid zones: zones[0] (A).polygon: point (2.0, 0.0) is outside the picture" in result.stderr
    assert result.stdout == ""


def test_a_video_that_cannot_be_opened_is_a_clear_error(
    stall: tuple[syn.Script, Path, Path], tmp_path: Path
) -> None:
    _, _, zones = stall
    not_video = tmp_path / "notes.avi"
    not_video.write_text("not a video")
    for path in (tmp_path / "missing.avi", not_video):
        result = runner.invoke(app, ["analytics", "scan", str(path), "--zones", str(zones)])
        assert result.exit_code == 1
        assert f"cannot open video {path}" in result.stderr


def test_one_of_camera_or_zones_is_needed(stall: tuple[syn.Script, Path, Path]) -> None:
    _, video, zones = stall
    for extra in ([], ["--zones", str(zones), "--camera", "CAM1"]):
        result = runner.invoke(app, ["analytics", "scan", str(video), *extra])
        assert result.exit_code == 2
        assert "give exactly one of --camera CODE or --zones ZONES.json" in result.stderr


def test_camera_reads_the_zones_the_store_keeps(
    stall: tuple[syn.Script, Path, Path], sqlite_store: Store
) -> None:
    script, video, _ = stall
    add_cameras(sqlite_store, {"CAM1": str(video), "CAM2": str(video)})
    zone_store.save(sqlite_store, "CAM1", script.zone_data(), actor="admin")
    args = ["analytics", "scan", str(video), "--db", sqlite_store.url, "--json", "--camera"]

    result = runner.invoke(app, [*args, "CAM1"])
    assert result.exit_code == 0, result.output
    assert [(f["detector"], f["zone"]) for f in json.loads(result.stdout)] == [("occupancy", "pavement")]

    result = runner.invoke(app, [*args, "CAM2"])
    assert result.exit_code == 1
    assert "camera CAM2 has no zones yet" in result.stderr
    result = runner.invoke(app, [*args, "CAM9"])
    assert result.exit_code == 1
    assert "No camera with code 'CAM9'." in result.stderr
