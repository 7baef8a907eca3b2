"""ZONES.json: the zones a camera's detectors watch; a bad one is refused with an error naming the field."""

from __future__ import annotations

import json

import pytest

from gridwatch.plugins.detectors import Zone, ZonesError, ZoneSet
from gridwatch.plugins.detectors.static import ParkingConfig

SQUARE = [[0.1, 0.5], [0.4, 0.5], [0.4, 0.7], [0.1, 0.7]]


def zones_json(*zones: dict[str, object]) -> str:
    return json.dumps({"zones": list(zones)})


def test_a_good_zone_set_with_detector_settings() -> None:
    zones = ZoneSet.from_json(
        zones_json(
            {"name": "A", "detector": "occupancy", "polygon": SQUARE, "dwell_s": 45, "category": "09005"},
            {"name": "B", "detector": "parking", "polygon": SQUARE, "vehicle": "non_motor", "min_area": 0.1},
            {"name": "C", "detector": "falling", "polygon": SQUARE, "dwell_s": 0},
        )
    )
    a, b, _ = zones.zones
    assert (a.name, a.detector, a.dwell_s, a.sensitivity, a.category) == ("A", "occupancy", 45, 0.5, "09005")
    assert b.settings == {"vehicle": "non_motor", "min_area": 0.1}
    config = b.config()
    assert isinstance(config, ParkingConfig)
    assert (config.vehicle, config.min_area, config.min_pixels) == ("non_motor", 0.1, 400)
    assert zones.live_fps() == 5.0  # the falling zone needs 5 frames a second
    assert ZoneSet.from_data({"zones": [a.model_dump()]}).live_fps() == 2.0
    assert a.pixel_polygon().tolist() == [[64, 180], [256, 180], [256, 251], [64, 251]]
    assert ZoneSet.from_json(zones.to_json()) == zones  # what the store keeps reads back the same


@pytest.mark.parametrize(
    ("zones", "message"),
    [
        (
            {"name": "A", "detector": "occupancy", "polygon": [[0.1, 0.5], [1.2, 0.5], [0.4, 0.7]]},
            "zones[0] (A).polygon: point (1.2, 0.5) is outside the picture: x and y are fractions 0-1",
        ),
        (
            {"name": "A", "detector": "occupancy", "polygon": [[0.1, 0.5], [0.4, 0.5]]},
            "zones[0] (A).polygon: List should have at least 3 items after validation, not 2",
        ),
        (
            {"name": "A", "detector": "occupancy", "polygon": [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]},
            "zones[0] (A).polygon: the polygon has no area (its points are on one line or repeated)",
        ),
        (
            {"name": "A", "detector": "occupancy", "polygon": [[0.1, "a"], [0.4, 0.5], [0.4, 0.7]]},
            "zones[0] (A).polygon[0][1]: Input should be a valid number, unable to parse string as a number",
        ),
        (
            {"detector": "occupancy", "polygon": SQUARE},
            "zones[0].name: Field required",
        ),
        (
            {"name": "A", "detector": "occupancy", "polygon": SQUARE, "dwell_s": -5},
            "zones[0] (A).dwell_s: Input should be greater than or equal to 0",
        ),
        (
            {"name": "A", "detector": "occupancy", "polygon": SQUARE, "sensitivity": 3},
            "zones[0] (A).sensitivity: Input should be less than or equal to 1",
        ),
        (
            {"name": "A", "detector": "hawkers", "polygon": SQUARE},
            "zones[0] (A).detector: no detector 'hawkers'; installed: "
            "bin, falling, occupancy, onnx, parking, smoke",
        ),
        (
            {"name": "A", "detector": "occupancy", "polygon": SQUARE, "dwel_s": 30},
            "zones[0] (A).dwel_s: unknown setting for this detector",
        ),
        (
            {"name": "A", "detector": "parking", "polygon": SQUARE, "vehicle": "bus"},
            "zones[0] (A).vehicle: Input should be 'motor' or 'non_motor'",
        ),
        (
            {
                "name": "A",
                "detector": "onnx",
                "polygon": SQUARE,
                "model": "/nonexistent/x.onnx",
                "classes": {},
            },
            "zones[0] (A).model: Path does not point to a file; "
            "zones[0] (A).classes: Dictionary should have at least 1 item after validation, not 0",
        ),
    ],
)
def test_a_bad_zone_is_refused_naming_its_field(zones: dict[str, object], message: str) -> None:
    with pytest.raises(ZonesError) as caught:
        ZoneSet.from_json(zones_json(zones))
    assert str(caught.value) == f"invalid zones: {message}"


def test_two_zones_with_one_name_are_refused() -> None:
    with pytest.raises(ZonesError) as caught:
        ZoneSet.from_json(zones_json(*[{"name": "A", "detector": "occupancy", "polygon": SQUARE}] * 2))
    assert str(caught.value) == "invalid zones: zones[1] (A).name: another zone is already called 'A'"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"zones": [', "not JSON: Expecting value at line 1 column 12"),
        ("[]", "invalid zones: (the top level): Input should be a valid dictionary or instance of ZoneSet"),
        ('{"zone": []}', "invalid zones: zones: Field required; zone: unknown key"),
        ('{"zones": {"name": "A"}}', "invalid zones: zones: Input should be a valid list"),
    ],
)
def test_a_file_that_is_not_a_zone_set(text: str, message: str) -> None:
    with pytest.raises(ZonesError) as caught:
        ZoneSet.from_json(text)
    assert str(caught.value) == message


def test_zone_is_immutable_and_a_fraction_polygon() -> None:
    zone = Zone.model_validate({"name": "A", "detector": "occupancy", "polygon": [(0, 0), (1, 0), (1, 1)]})
    with pytest.raises(Exception, match="frozen"):
        zone.name = "B"
    assert zone.pixel_polygon(1280, 720).tolist() == [[0, 0], [1279, 0], [1279, 719]]
