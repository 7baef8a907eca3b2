"""`gridwatch analytics zones CAMERA [--set ZONES.json]`: a headless site's zone editor, on both backends;
zones the detectors refuse, an unknown camera and a role without the right each give one line, exit 1,
and store nothing."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.reads import analytics as reads
from gridwatch.db.store import Store
from tests.cli.test_cases_cli import url_of
from tests.plugins.analytics.conftest import STALL_ZONES, add_cameras

runner = CliRunner()


def gw(store: Store, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", url_of(store)])
    return result.exit_code, result.stdout, result.stderr


def test_zones_are_set_and_shown_from_the_command_line(
    store: Store, staff: dict[str, str], tmp_path: Path
) -> None:
    add_cameras(store, {"CAM1": "rtsp://127.0.0.1:9/cam"})
    path = tmp_path / "zones.json"
    path.write_text(json.dumps(STALL_ZONES), encoding="utf-8")
    # --as: SQLite, and the owner's maintenance connection on PostgreSQL (a desk acts as its own sign-in)
    code, out, err = gw(store, "analytics", "zones", "CAM1", "--set", str(path), "--as", "dispatcher")
    assert (code, out.strip(), err) == (0, "Stored the zones of CAM1 (version 1).", "")
    code, out, _ = gw(store, "analytics", "zones", "CAM1", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["version"] == 1 and shown["watched_by"] is None and shown["false_alarms"] == []
    assert [z["name"] for z in shown["zones"]] == ["A"] and shown["zones"][0]["warmup_s"] == 1
    code, out, _ = gw(store, "analytics", "zones", "CAM1")
    assert code == 0 and "CAM1: zones version 1; watched by no worker" in out and "occupancy" in out


def test_bad_zones_an_unknown_camera_and_a_role_without_the_right_store_nothing(
    store: Store, staff: dict[str, str], tmp_path: Path
) -> None:
    add_cameras(store, {"CAM1": "rtsp://127.0.0.1:9/cam"})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"zones": [{**STALL_ZONES["zones"][0], "detector": "nope"}]}), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(STALL_ZONES), encoding="utf-8")
    code, _, err = gw(store, "analytics", "zones", "CAM1", "--set", str(bad), "--as", "dispatcher")
    assert code == 1 and "zones[0] (A).detector: no detector 'nope'" in err
    code, _, err = gw(store, "analytics", "zones", "NOPE", "--set", str(good), "--as", "dispatcher")
    assert code == 1 and "No camera with code 'NOPE'." in err
    code, _, err = gw(store, "analytics", "zones", "CAM1", "--set", str(good), "--as", "handler")
    assert code == 1 and "needs the role admin, shift_leader or dispatcher; handler holds handler" in err
    assert reads.zones(store, "CAM1").version == 0
