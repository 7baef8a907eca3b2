"""The detector plugin API: zones, detections, and the base class every detector subclasses.

A camera's zones are polygons drawn on its picture, each naming the detector that watches it (the
`ZONES.json` shape, the same one the store keeps per camera):

    {"zones": [{"name": "A", "detector": "occupancy", "polygon": [[0.1, 0.5], [0.4, 0.5], [0.4, 0.6]],
                "dwell_s": 30, "sensitivity": 0.5, "category": "09006", ...}]}

x and y are fractions (0-1) of the frame's width and height, so a zone survives a change of resolution.
The keys every zone has are fields of `Zone`; any other key is a setting of that zone's detector and is
validated by the detector's own pydantic model (`Detector.Config`), found by the detector's type name in
the `gridwatch.detectors` entry-point group, like Frigate's detectors keyed by `type` (docs/DOMAIN.md,
video analytics). A site adds a detector by installing a package that registers one there.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points
from typing import Any, ClassVar

import cv2
import numpy as np
import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ENTRY_POINT_GROUP = "gridwatch.detectors"
FRAME_WIDTH, FRAME_HEIGHT = 640, 360  # the decoded, downscaled picture every detector sees
DEFAULT_FPS = 2.0  # frames a second a live camera is sampled at, unless a zone's detector needs more

Box = tuple[float, float, float, float]  # x, y, w, h as fractions of the frame


class ZonesError(ValueError):
    """A ZONES.json (or a camera's stored zones) that cannot be used; the message names each bad field
    as `zones[i].field` (with the zone's name when it has one), so a site can fix it without guessing."""


class DetectorConfig(BaseModel):
    """Base of a detector's own settings (the extra keys of a zone). Unknown keys are errors: a mistyped
    setting silently ignored would leave a site tuning a threshold that does nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Zone(BaseModel):
    """One polygon on a camera's picture and the detector that watches it."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str = Field(min_length=1, max_length=60)
    detector: str = Field(min_length=1, description="type name in the gridwatch.detectors entry points")
    polygon: list[tuple[float, float]] = Field(min_length=3, max_length=64)
    dwell_s: float = Field(30.0, ge=0, le=86_400, description="how long the thing must last to count")
    sensitivity: float = Field(0.5, ge=0, le=1, description="0 = only clear events, 1 = faint ones too")
    category: str | None = Field(None, description="case category code; default: the detector's own")

    @field_validator("polygon")
    @classmethod
    def _fractions(cls, polygon: list[tuple[float, float]]) -> list[tuple[float, float]]:
        for x, y in polygon:
            if not (0 <= x <= 1 and 0 <= y <= 1):
                raise ValueError(f"point ({x}, {y}) is outside the picture: x and y are fractions 0-1")
        if abs(_signed_area(polygon)) < 1e-4:
            raise ValueError("the polygon has no area (its points are on one line or repeated)")
        return polygon

    @property
    def settings(self) -> dict[str, Any]:
        """The detector-specific keys, as written."""
        return dict(self.model_extra or {})

    def config(self) -> DetectorConfig:
        """The zone's detector settings, validated by that detector's model."""
        return detector_class(self.detector).Config.model_validate(self.settings)

    def pixel_polygon(self, width: int = FRAME_WIDTH, height: int = FRAME_HEIGHT) -> np.ndarray:
        """The polygon in pixels of a `width` x `height` frame (int32 N x 2, as OpenCV draws it)."""
        points = np.asarray(self.polygon, np.float64) * (width - 1, height - 1)
        return np.round(points).astype(np.int32)


class ZoneSet(BaseModel):
    """All the zones of one camera. Names are unique (a detection names its zone) and every detector and
    its settings are checked when the set is loaded, not when the first frame arrives."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zones: list[Zone] = Field(max_length=64)

    @model_validator(mode="after")
    def _check(self) -> ZoneSet:
        seen: set[str] = set()
        problems: list[str] = []
        for index, zone in enumerate(self.zones):
            where = f"zones[{index}] ({zone.name})"
            if zone.name in seen:
                problems.append(f"{where}.name: another zone is already called {zone.name!r}")
            seen.add(zone.name)
            try:
                cls = detector_class(zone.detector)
            except LookupError as exc:
                problems.append(f"{where}.detector: {exc}")
                continue
            try:
                cls.Config.model_validate(zone.settings)
            except pydantic.ValidationError as exc:
                problems.extend(
                    f"{where}{_loc(tuple(e['loc']))}: {_msg(e, 'unknown setting for this detector')}"
                    for e in exc.errors()
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @classmethod
    def from_json(cls, text: str | bytes) -> ZoneSet:
        """Zones from ZONES.json text; any problem is a `ZonesError` naming the field(s) at fault."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ZonesError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        return cls.from_data(data)

    @classmethod
    def from_data(cls, data: Any) -> ZoneSet:
        """Zones from parsed JSON (a dict with a `zones` list)."""
        try:
            return cls.model_validate(data)
        except pydantic.ValidationError as exc:
            raise ZonesError(_describe(exc, data)) from None

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def live_fps(self, default: float = DEFAULT_FPS) -> float:
        """The sampling rate these zones need: `default`, or more where a detector needs it (a falling
        object crosses a facade in about two seconds)."""
        rates = [detector_class(z.detector).min_fps for z in self.zones]
        return max([default, *rates])


@dataclass(frozen=True)
class Detection:
    """One event a detector found: what becomes one pending case (repeats merged by the service).

    `start_s`/`end_s` are seconds on the stream's clock (seconds into the file for `scan`): from when the
    thing began to when it was confirmed (a stall: appeared, then stayed `dwell_s`; a falling object: its
    whole track). The detection is emitted at `end_s`, so a live case is opened without waiting for a stall
    to leave."""

    detector: str
    category: str
    zone: str
    start_s: float
    end_s: float
    confidence: float
    box: Box  # x, y, w, h as fractions of the frame
    snapshot: np.ndarray | None = field(default=None, compare=False, repr=False)  # BGR, zone and box drawn
    clip: tuple[np.ndarray, ...] = field(default=(), compare=False, repr=False)  # frames around the event

    def summary(self) -> dict[str, Any]:
        """The printed/JSON form (`gridwatch analytics scan --json`): exactly these six keys."""
        return {
            "detector": self.detector,
            "category": self.category,
            "zone": self.zone,
            "start_s": round(self.start_s, 2),
            "end_s": round(self.end_s, 2),
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class Finding:
    """What a detector returns; the analyser turns it into a `Detection` (names it, draws the snapshot)."""

    start_s: float
    end_s: float
    confidence: float
    box: Box
    category: str | None = None  # None: the zone's category, else the detector's default
    frame: np.ndarray | None = field(default=None, compare=False, repr=False)  # snapshot source; None: now
    clip: tuple[np.ndarray, ...] = field(default=(), compare=False, repr=False)


class Frame:
    """One sampled frame as detectors see it: BGR 640x360 (read-only: copy it to keep it), with the grey
    and HSV versions computed once for all the zones that ask (most rule detectors work on grey)."""

    __slots__ = ("_gray", "_hsv", "bgr", "shared", "t_s")

    def __init__(self, bgr: np.ndarray, t_s: float) -> None:
        self.bgr = bgr
        self.t_s = t_s
        self._gray: np.ndarray | None = None
        self._hsv: np.ndarray | None = None
        self.shared: dict[object, object] = {}  # results zones can share (one model run for all its zones)

    @property
    def gray(self) -> np.ndarray:
        if self._gray is None:
            self._gray = cv2.cvtColor(self.bgr, cv2.COLOR_BGR2GRAY)
        return self._gray

    @property
    def hsv(self) -> np.ndarray:
        if self._hsv is None:
            self._hsv = cv2.cvtColor(self.bgr, cv2.COLOR_BGR2HSV)
        return self._hsv


class Detector(ABC):
    """Base of every detector plugin: one instance watches one zone of one camera.

    Subclasses set `type_key` (the entry-point name), `default_category` (a seeded category code) and
    `Config` (their settings, a `DetectorConfig`), and implement `feed`. A detector that raises is
    disabled for its zone by the analyser, the reason kept; the camera's other zones go on."""

    type_key: ClassVar[str]
    default_category: ClassVar[str]
    Config: ClassVar[type[DetectorConfig]] = DetectorConfig
    min_fps: ClassVar[float] = 1.0  # slowest sampling rate it works at

    def __init__(self, zone: Zone, config: DetectorConfig, fps: float) -> None:
        self.zone = zone
        self.config = config
        self.fps = fps
        polygon = zone.pixel_polygon()
        x, y, w, h = cv2.boundingRect(polygon)
        self.rect = (x, y, max(w, 1), max(h, 1))  # the zone's bounding box in the frame, pixels
        mask = np.zeros((self.rect[3], self.rect[2]), np.uint8)
        cv2.fillPoly(mask, [polygon - (x, y)], 255)
        self.mask = mask  # the polygon inside `rect` (255 inside)
        self.area = max(int(np.count_nonzero(mask)), 1)

    def crop(self, image: np.ndarray) -> np.ndarray:
        """The zone's bounding box of a full frame (a view, not a copy)."""
        x, y, w, h = self.rect
        return image[y : y + h, x : x + w]

    def box_of(self, x: int, y: int, w: int, h: int, scale: float = 1.0) -> Box:
        """A box in the zone crop's pixels (downscaled by `scale`) as fractions of the whole frame."""
        zx, zy, _, _ = self.rect
        return (
            (zx + x * scale) / FRAME_WIDTH,
            (zy + y * scale) / FRAME_HEIGHT,
            w * scale / FRAME_WIDTH,
            h * scale / FRAME_HEIGHT,
        )

    @abstractmethod
    def feed(self, frame: Frame) -> list[Finding]:
        """Look at the next sampled frame; return the events confirmed by it (usually none)."""

    def finish(self, t_s: float) -> list[Finding]:
        """The stream ended at `t_s`: return events that were complete but not yet reported."""
        return []


@cache
def detector_class(name: str) -> type[Detector]:
    """The detector registered under `name` in the `gridwatch.detectors` entry points."""
    found = entry_points(group=ENTRY_POINT_GROUP, name=name)
    if not found:
        raise LookupError(f"no detector {name!r}; installed: {', '.join(detector_names()) or 'none'}")
    cls = next(iter(found)).load()
    if not (isinstance(cls, type) and issubclass(cls, Detector)):
        raise LookupError(f"the entry point {name!r} is not a gridwatch Detector subclass")
    return cls


def detector_names() -> list[str]:
    """Installed detector type names."""
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)})


def _signed_area(points: Iterable[tuple[float, float]]) -> float:
    pts = list(points)
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1], strict=True))


def _loc(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as `.polygon[0][1]`."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def _msg(error: Any, extra: str = "unknown key") -> str:
    message = str(error["msg"])
    if error["type"] == "extra_forbidden":
        return extra
    return message.removeprefix("Value error, ")


def _describe(exc: pydantic.ValidationError, data: Any) -> str:
    """pydantic's errors as `zones[2] (B).polygon[0]: ...`, joined by '; '."""
    lines = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        if loc == () and error["type"] == "value_error":  # ZoneSet._check: already one line per problem
            lines.extend(str(error["ctx"]["error"]).split("; "))
            continue
        if len(loc) >= 2 and loc[0] == "zones" and isinstance(loc[1], int):
            try:
                name = data["zones"][loc[1]].get("name")
            except (KeyError, IndexError, TypeError, AttributeError):
                name = None
            where = f"zones[{loc[1]}]" + (f" ({name})" if name else "") + _loc(loc[2:])
        else:
            where = _loc(loc).lstrip(".") or "(the top level)"
        lines.append(f"{where}: {_msg(error)}")
    return "invalid zones: " + "; ".join(lines)
