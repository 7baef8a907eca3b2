"""Video detectors (issue 12): plugins that watch a camera's zones and report events that become cases.

Public API (what the analytics service and `gridwatch analytics scan` use):

- `Zone`, `ZoneSet` (ZONES.json; `ZoneSet.from_json` raises `ZonesError` naming the bad field),
- `Detection` (one event: detector, category, zone, start_s, end_s, confidence, box, snapshot, clip),
- `CameraAnalyser` (one per camera: `feed(frame, t_s)`, `finish()`, `disabled`),
- `scan_file(path, zones, fps)` (a recorded file at the live rate),
- `Detector`, `DetectorConfig`, `Finding`, `Frame` for writing a detector plugin, registered in the
  `gridwatch.detectors` entry-point group under its type name.
"""

from gridwatch.plugins.detectors.analyser import (
    CameraAnalyser,
    VideoOpenError,
    draw_snapshot,
    sampled_frames,
    scan_file,
)
from gridwatch.plugins.detectors.api import (
    DEFAULT_FPS,
    ENTRY_POINT_GROUP,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    Detection,
    Detector,
    DetectorConfig,
    Finding,
    Frame,
    Zone,
    ZonesError,
    ZoneSet,
    detector_class,
    detector_names,
)

__all__ = [
    "DEFAULT_FPS",
    "ENTRY_POINT_GROUP",
    "FRAME_HEIGHT",
    "FRAME_WIDTH",
    "CameraAnalyser",
    "Detection",
    "Detector",
    "DetectorConfig",
    "Finding",
    "Frame",
    "VideoOpenError",
    "Zone",
    "ZoneSet",
    "ZonesError",
    "detector_class",
    "detector_names",
    "draw_snapshot",
    "sampled_frames",
    "scan_file",
]
