"""A detector plugin that raises disables its zone only, the reason kept; the camera's other zones go on.

The failing plugin is installed the way a site installs one: a distribution on sys.path whose
entry_points.txt registers it in the `gridwatch.detectors` group.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from gridwatch.plugins.detectors import CameraAnalyser, ZoneSet, detector_class, detector_names, synthetic


@pytest.fixture
def exploding_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    dist = tmp_path / "site" / "exploding_detector-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: exploding-detector\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[gridwatch.detectors]\nexploding = tests.plugins.detectors.exploding:ExplodingDetector\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    detector_class.cache_clear()
    yield
    detector_class.cache_clear()


def _zones(**exploding: object) -> ZoneSet:
    boom = {
        "name": "boom",
        "detector": "exploding",
        "polygon": [[0.1, 0.1], [0.3, 0.1], [0.3, 0.3]],
        **exploding,
    }
    return ZoneSet.from_data({"zones": [synthetic.ZONES["pavement"], boom]})


def _run(analyser: CameraAnalyser, script: synthetic.Script, fps: float) -> list[tuple[str, str]]:
    found = []
    for n in range(int(script.duration_s * fps)):
        found += analyser.feed(script.frame(n / fps), n / fps)
    found += analyser.finish()
    return [(d.detector, d.zone) for d in found]


def test_the_plugin_is_found_by_its_entry_point(exploding_plugin: None) -> None:
    assert "exploding" in detector_names()
    assert detector_class("exploding").__name__ == "ExplodingDetector"


def test_a_plugin_that_raises_disables_its_zone_only(exploding_plugin: None) -> None:
    script = synthetic.variant("occupancy", 1)
    analyser = CameraAnalyser(_zones(explode_at_s=3.0), 2.0)
    assert analyser.active == ["pavement", "boom"]

    found = _run(analyser, script, 2.0)

    assert analyser.disabled == {"boom": "detector 'exploding' failed at 3.0 s: RuntimeError: boom"}
    assert analyser.active == ["pavement"]
    assert found == [("occupancy", "pavement")]  # the stall is still found after the other zone failed


def test_a_plugin_that_cannot_start_is_disabled_with_its_reason(exploding_plugin: None) -> None:
    analyser = CameraAnalyser(_zones(explode_on_start=True), 2.0)
    assert analyser.disabled == {
        "boom": "detector 'exploding' could not start: RuntimeError: cannot load my weights"
    }
    assert analyser.active == ["pavement"]
    assert analyser.feed(np.zeros((360, 640, 3), np.uint8), 0.0) == []


def test_a_broken_onnx_model_disables_its_zone(tmp_path: Path) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"this is not a protobuf")
    zones = ZoneSet.from_data(
        {
            "zones": [
                synthetic.ZONES["pavement"],
                {
                    "name": "model",
                    "detector": "onnx",
                    "polygon": [[0, 0], [1, 0], [1, 1]],
                    "model": str(model),
                    "classes": {"0": "09006"},
                },
            ]
        }
    )
    analyser = CameraAnalyser(zones, 2.0)
    assert list(analyser.disabled) == ["model"]
    assert analyser.disabled["model"].startswith("detector 'onnx' could not start: error: ")
    assert analyser.active == ["pavement"]


def test_frames_of_another_size_are_downscaled_and_bad_frames_refused(exploding_plugin: None) -> None:
    analyser = CameraAnalyser(_zones(explode_at_s=1e9), 2.0)
    assert analyser.feed(np.zeros((720, 1280, 3), np.uint8), 0.0) == []
    with pytest.raises(ValueError, match=r"expected a BGR frame \(H x W x 3\), got shape \(360, 640\)"):
        analyser.feed(np.zeros((360, 640), np.uint8), 0.5)
    assert analyser.disabled == {}
