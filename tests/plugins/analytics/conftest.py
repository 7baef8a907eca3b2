"""Helpers for the analytics service's tests: cameras in a store, a scripted street video with a stall
that appears at a known moment, and polling until the worker has done something."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from gridwatch.db.models import Device
from gridwatch.db.store import Store

STALL_ZONES = {
    "zones": [
        {
            "name": "A",
            "detector": "occupancy",
            "polygon": [[0.2, 0.5], [0.6, 0.5], [0.6, 0.95], [0.2, 0.95]],
            "dwell_s": 2,
            "warmup_s": 1,
        }
    ]
}
STALL_AT_S = 3.0  # the stall appears 3 s into the video (and stays); the detector confirms it 2 s later


def stall_video(path: Path, seconds: int = 12, fps: int = 10) -> Path:
    """A still street; a red stall appears in zone A at STALL_AT_S and stays."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (640, 360))
    background = np.full((360, 640, 3), 110, np.uint8)
    background[:150] = (180, 160, 140)
    for n in range(seconds * fps):
        frame = background.copy()
        if n >= STALL_AT_S * fps:
            cv2.rectangle(frame, (200, 220), (300, 300), (30, 60, 200), -1)
        writer.write(frame)
    writer.release()
    return path


def add_cameras(store: Store, streams: dict[str, str]) -> None:
    now = datetime.now(UTC)
    with store.session() as session:
        for i, (code, url) in enumerate(streams.items()):
            session.add(
                Device(
                    code=code,
                    kind="camera",
                    name=f"摄像机{code}",
                    lon=118.09 + i / 1000,
                    lat=24.47,
                    stream_url=url,
                    updated_at=now,
                )
            )


def wait_for(what: Callable[[], object], timeout: float, message: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout:.0f} s: {message}")
