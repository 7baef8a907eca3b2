"""The `onnx` detector slot: a site's ONNX model loaded from a file and run by OpenCV's DNN module on
decoded frames. The model is built by the test itself (tiny_model: "red things" and "blue things" on an
8x8 grid), so loading, inference, decoding, the class map, the zone and the dwell all run for real."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from gridwatch.plugins.detectors import CameraAnalyser, ZoneSet, scan_file
from gridwatch.plugins.detectors import synthetic as syn
from tests.plugins.detectors import tiny_model

pytestmark = pytest.mark.video


@dataclass(frozen=True)
class Block:
    """A coloured block (BGR) in grid cell (col, row) of the model's 8x8 grid, from t0 on."""

    col: int
    row: int
    colour: tuple[int, int, int]
    t0: float
    depth: float = 1e9

    def draw(self, image: np.ndarray, t: float) -> None:
        if t >= self.t0:
            x, y = self.col * 80, self.row * 45
            cv2.rectangle(image, (x + 4, y + 4), (x + 76, y + 41), self.colour, -1)


def zones(model: Path, **extra: object) -> dict[str, object]:
    zone = {
        "name": "shopfront",
        "detector": "onnx",
        "polygon": [[0.0, 0.36], [0.7, 0.36], [0.7, 0.6], [0.0, 0.6]],
        "dwell_s": 4,
        "model": str(model),
        "input_size": [64, 64],
        "classes": {"0": "09005"},  # red things: goods out of the shop (店外经营); blue things not mapped
        **extra,
    }
    return {"zones": [zone]}


def scan(tmp_path: Path, events: list[Block], data: dict[str, object]) -> list[tuple[object, ...]]:
    script = syn.Script("onnx", 20, data["zones"], [], 0, 3, 0.5, list(events))  # type: ignore[arg-type]
    path = script.write(tmp_path / "onnx.avi", fps=4)
    zone_set = ZoneSet.from_data(data)
    analyser = CameraAnalyser(zone_set, 2.0)
    found = list(scan_file(path, zone_set, 2.0, analyser=analyser))
    assert analyser.disabled == {}
    return [(d.detector, d.category, d.zone, d.start_s, d.end_s, d.box) for d in found]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_model.build(tmp_path_factory.mktemp("model") / "red_things.onnx")


def test_the_model_finds_a_mapped_class_in_the_zone(model: Path, tmp_path: Path) -> None:
    found = scan(tmp_path, [Block(2, 3, (0, 0, 230), t0=6.0)], zones(model))
    # the grid cell's own box (col 2, row 3 of 8x8), seen from 6.0 s and confirmed after the 4 s dwell
    assert found == [("onnx", "09005", "shopfront", 6.0, 10.0, (0.25, 0.375, 0.125, 0.125))]


def test_unmapped_classes_and_objects_outside_the_zone_are_not_reported(model: Path, tmp_path: Path) -> None:
    events = [Block(3, 3, (230, 0, 0), t0=6.0), Block(6, 6, (0, 0, 230), t0=6.0)]  # blue in, red on the road
    assert scan(tmp_path, events, zones(model)) == []


def test_a_class_that_does_not_stay_the_dwell_is_not_reported(model: Path, tmp_path: Path) -> None:
    assert scan(tmp_path, [Block(2, 3, (0, 0, 230), t0=18.0)], zones(model)) == []


def test_the_model_file_is_read_from_zones_json(model: Path, tmp_path: Path) -> None:
    data = zones(model, threshold=0.9, sensitivity=0.5)
    zone_set = ZoneSet.from_json(json.dumps(data))
    assert zone_set.zones[0].config().model == model  # type: ignore[attr-defined]
    # a faint red scores about 0.2 x 0.74 (coverage) x 4 = 0.58: over the default 0.5, under 0.9
    faint = [Block(2, 3, (150, 150, 200), t0=6.0)]
    assert scan(tmp_path, faint, data) == []
    assert [f[1] for f in scan(tmp_path, faint, zones(model))] == ["09005"]
