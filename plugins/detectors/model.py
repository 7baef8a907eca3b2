"""`onnx`: a site-supplied ONNX object detector, run by OpenCV's DNN module (no extra runtime).

The zone's settings name the model file, its input size and a class -> category map; only the mapped
classes count. The output is read in the layout YOLOv5/v8-family exports use, `(1, 4 + classes, N)` (or
its transpose `(1, N, 4 + classes)`): box centre x, y, width, height in input pixels, then one score per
class. The frame is stretched to the input size (no letterbox), so boxes map back by the same stretch.
A box counts for the zone when its bottom centre (where an object stands) is inside the polygon, as in
Frigate; the event is confirmed when the class has been seen in `min_share` of the frames for `dwell_s`
(0: at once), and re-arms after `gap_s` without it. Zones sharing a model run it once a frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, cast

import cv2
import numpy as np
from pydantic import Field, FilePath

from gridwatch.plugins.detectors.api import (
    FRAME_HEIGHT,
    FRAME_WIDTH,
    Detector,
    DetectorConfig,
    Finding,
    Frame,
    Zone,
)

_NETS: dict[tuple[str, float], cv2.dnn.Net] = {}


class OnnxConfig(DetectorConfig):
    model: FilePath = Field(description="the .onnx file")
    classes: dict[int, str] = Field(min_length=1, description="class index -> category code")
    input_size: tuple[int, int] = Field((640, 640), description="model input width, height")
    threshold: float = Field(0.5, gt=0, lt=1, description="class score, at sensitivity 0.5")
    nms: float = Field(0.45, gt=0, le=1, description="overlap above which boxes are one object")
    rgb: bool = Field(True, description="the model takes RGB (else BGR)")
    min_share: float = Field(0.6, gt=0, le=1)
    gap_s: float = Field(10.0, ge=0)


def _net(path: Path) -> cv2.dnn.Net:
    key = (str(path.resolve()), path.stat().st_mtime)
    if key not in _NETS:
        _NETS[key] = cv2.dnn.readNetFromONNX(str(path))
    return _NETS[key]


class OnnxDetector(Detector):
    type_key = "onnx"
    default_category = "09006"
    Config: ClassVar[type[DetectorConfig]] = OnnxConfig

    def __init__(self, zone: Zone, config: DetectorConfig, fps: float) -> None:
        super().__init__(zone, config, fps)
        assert isinstance(config, OnnxConfig)
        self.cfg = config
        self.net = _net(config.model)  # a broken file raises here: the zone is disabled, the reason kept
        self.threshold = min(max(config.threshold * (1.5 - zone.sensitivity), 0.01), 0.99)
        self.polygon = zone.pixel_polygon().astype(np.float32)
        self.seen: list[tuple[float, bool]] = []
        self.start: float | None = None
        self.last_seen = -np.inf
        self.best: tuple[float, str, tuple[float, float, float, float]] | None = None
        self.reported = False

    def infer(self, frame: Frame) -> list[tuple[int, float, tuple[float, float, float, float]]]:
        """(class, score, box as frame fractions) of every object the model finds, after NMS; shared by
        the zones of one frame that use the same model file."""
        key = ("onnx", str(self.cfg.model), self.cfg.input_size, self.cfg.rgb)
        cached = frame.shared.get(key)
        if cached is not None:
            return cast(list[tuple[int, float, tuple[float, float, float, float]]], cached)
        w, h = self.cfg.input_size
        blob = cv2.dnn.blobFromImage(frame.bgr, 1 / 255.0, (w, h), swapRB=self.cfg.rgb, crop=False)
        self.net.setInput(blob)
        out = np.asarray(self.net.forward(), np.float32)
        if out.ndim == 3:
            out = out[0]
        if out.ndim != 2:
            raise ValueError(f"model output of shape {out.shape} is not (4 + classes, N)")
        if out.shape[0] > out.shape[1]:  # (N, 4 + classes)
            out = out.T
        scores = out[4:]
        if scores.shape[0] == 0:
            raise ValueError(f"model output of shape {out.shape} has no class scores")
        classes = scores.argmax(axis=0)
        best = scores.max(axis=0)
        keep = best >= 0.01
        boxes = [
            (float(cx - bw / 2) / w, float(cy - bh / 2) / h, float(bw) / w, float(bh) / h)
            for cx, cy, bw, bh in out[:4, keep].T
        ]
        kept_scores = [float(v) for v in best[keep]]
        kept_classes = [int(c) for c in classes[keep]]
        found = []
        if boxes:
            indices = cv2.dnn.NMSBoxes(boxes, kept_scores, 0.01, self.cfg.nms)
            found = [(kept_classes[i], kept_scores[i], boxes[i]) for i in np.asarray(indices).reshape(-1)]
        frame.shared[key] = found
        return found

    def feed(self, frame: Frame) -> list[Finding]:
        t = frame.t_s
        hit: tuple[float, str, tuple[float, float, float, float]] | None = None
        for cls, score, box in self.infer(frame):
            category = self.cfg.classes.get(cls)
            if category is None or score < self.threshold:
                continue
            x, y, bw, bh = box
            foot = (float((x + bw / 2) * (FRAME_WIDTH - 1)), float((y + bh) * (FRAME_HEIGHT - 1)))
            if cv2.pointPolygonTest(self.polygon, foot, False) < 0:
                continue
            if hit is None or score > hit[0]:
                hit = (score, category, box)
        if hit is not None:
            if self.start is None:
                self.start, self.seen = t, []
            self.last_seen = t
            self.best = hit if self.best is None or hit[0] >= self.best[0] else self.best
        elif self.start is not None and t - self.last_seen > self.cfg.gap_s:
            self.start, self.best, self.reported = None, None, False
        if self.start is None or self.reported:
            return []
        self.seen.append((t, hit is not None))
        if self.best is None or t - self.start < self.zone.dwell_s:
            return []
        share = sum(s for _, s in self.seen) / len(self.seen)
        if share < self.cfg.min_share:
            return []
        self.reported = True
        score, category, box = self.best
        return [Finding(self.start, t, score, box, category=category)]
