"""Each rule detector on a scripted synthetic video written to a real file and decoded by OpenCV at the
live rate: it finds its event in the right zone, with start and end within a tolerance; it reports no
near miss; and a busy street with no violation raises nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gridwatch.plugins.detectors import CameraAnalyser, Detection, ZoneSet, scan_file
from gridwatch.plugins.detectors import synthetic as syn

pytestmark = pytest.mark.video

CATEGORY = {"occupancy": "09006", "parking": "09009", "falling": "10002", "smoke": "10001", "bin": "06042"}
TOLERANCE_S = {"occupancy": 2.0, "parking": 2.0, "falling": 0.8, "smoke": 4.0, "bin": 3.0}


def scan(script: syn.Script, tmp_path: Path) -> list[Detection]:
    zones = ZoneSet.from_data(script.zone_data())
    fps = zones.live_fps()
    path = script.write(
        tmp_path / f"{script.name}.avi", fps=2 * fps
    )  # the camera records faster than sampled
    analyser = CameraAnalyser(zones, fps)
    found = list(scan_file(path, zones, fps, analyser=analyser))
    assert analyser.disabled == {}
    return found


def where(event: object) -> tuple[float, float]:
    """A point of the scripted event, as frame fractions, that the detection's box must contain."""
    if isinstance(event, syn.Stall | syn.Bin):
        x, y = event.x, event.y - 20
    elif isinstance(event, syn.ParkedCar):
        x, y = event.x, event.y - 10
    elif isinstance(event, syn.Smoke):
        x, y = event.x, event.y - 30
    else:
        assert isinstance(event, syn.Fall)
        x, y = event.x, 100
    return x / 640, y / 360


@pytest.mark.parametrize("kind", syn.KINDS)
def test_each_detector_finds_its_event(kind: str, tmp_path: Path) -> None:
    script = syn.variant(kind, 1)
    [truth] = script.truth

    found = scan(script, tmp_path)

    assert [(d.detector, d.zone, d.category) for d in found] == [(kind, truth.zone, CATEGORY[kind])]
    [d] = found
    assert abs(d.start_s - truth.start_s) <= TOLERANCE_S[kind], (d.start_s, truth.start_s)
    assert abs(d.end_s - truth.end_s) <= TOLERANCE_S[kind], (d.end_s, truth.end_s)
    assert 0.5 <= d.confidence <= 1.0
    px, py = where(script.events[-1])
    x, y, w, h = d.box
    assert x - 0.02 <= px <= x + w + 0.02 and (kind == "falling" or y - 0.03 <= py <= y + h + 0.03), d.box
    assert d.snapshot is not None and d.snapshot.shape == (360, 640, 3)
    drawn_red = np.all(d.snapshot == (0, 0, 255), axis=2)
    assert drawn_red[round(y * 360), round(x * 640) : round((x + w) * 640)].mean() > 0.9  # the box's top edge
    if kind == "falling":  # the clip runs from a second before the fall to a second after it
        assert len(d.clip) >= (truth.end_s - truth.start_s + 1.5) * 5
        assert all(frame.shape == (360, 640, 3) for frame in d.clip)
    else:
        assert d.clip == ()


@pytest.mark.parametrize("kind", syn.KINDS)
def test_a_near_miss_is_not_reported(kind: str, tmp_path: Path) -> None:
    """A stall packed up before its dwell, a car stopping briefly, a basket let down on a rope, a puff of
    smoke, bags put by the bin and taken away."""
    script = syn.variant(kind, 2, positive=False)
    assert script.truth == []
    assert scan(script, tmp_path) == []


def test_a_non_motor_vehicle_zone_says_09010(tmp_path: Path) -> None:
    script = syn.variant("parking", 3)
    script.zones = [{**script.zones[0], "vehicle": "non_motor"}]
    assert [(d.zone, d.category) for d in scan(script, tmp_path)] == [("kerbside", "09010")]


def test_a_zone_category_names_what_the_zone_watches(tmp_path: Path) -> None:
    script = syn.variant("occupancy", 4)
    script.zones = [{**script.zones[0], "category": "09005"}]  # 店外经营 in front of the shops
    assert [(d.detector, d.category) for d in scan(script, tmp_path)] == [("occupancy", "09005")]


@pytest.mark.slow
def test_a_busy_street_raises_nothing(tmp_path: Path) -> None:
    script = syn.busy_script(7, duration_s=120, scene_index=2)  # dusk, every zone watched
    assert {z["detector"] for z in script.zones} == set(syn.KINDS)
    assert scan(script, tmp_path) == []


def test_a_thing_staying_past_absorb_s_becomes_background_and_its_leaving_is_no_event() -> None:
    """In memory: a stall stays 60 s (absorbed into the background after 25 s); when it leaves, the bare
    pavement it uncovers is not a new event; a second stall later is."""
    script = syn.stall_script(3, stay_s=60, scene_index=3)
    first = script.events[0]
    second = syn.Stall(first.x + 150 if first.x < 250 else first.x - 150, first.y, 85.0, 200.0)
    script.events = [first, second]
    script.zones = [{**syn.ZONES["pavement"], "dwell_s": 10, "absorb_s": 25}]
    script.duration_s = 105
    analyser = CameraAnalyser(ZoneSet.from_data(script.zone_data()), 2.0)
    found = []
    for n in range(int(script.duration_s * 2)):
        found += analyser.feed(script.frame(n / 2), n / 2)
    assert [round(d.start_s) for d in found] == [round(first.t0), 85]
    assert [d.end_s - d.start_s for d in found] == [10, 10]
