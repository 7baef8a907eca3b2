"""The demo's cameras: `demo://camera/<code>` played from generated local files, no install needed.

The scenes (see `scenes`) are encoded once into the user's cache directory: H.264 through Debian's
ffmpeg where it is installed (what real cameras send), else MPEG-4 Part 2 through OpenCV (its wheel
cannot write H.264). Each scene also gets a 320x180 sub-stream, as cameras offer one for wall tiles.
A camera code is hashed onto a scene, so the same camera always shows the same street.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import uuid
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import cv2
import numpy as np
import platformdirs

from gridwatch.plugins.video.scenes import FPS, HEIGHT, SCENES, WIDTH, scene

DEMO_SCHEME = "demo"
CACHE_VERSION = "v1"  # bump when the scenes change, so old caches are not reused
SUB_SIZE = (320, 180)


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("gridwatch")) / "demo-video" / CACHE_VERSION


def scene_path(index: int, *, substream: bool = False, directory: Path | None = None) -> Path:
    return (directory or cache_dir()) / f"scene-{index + 1}{'-sub' if substream else ''}.mp4"


def is_demo(url: str) -> bool:
    return urlsplit(url).scheme == DEMO_SCHEME


def camera_scene(code: str) -> int:
    """Which scene a camera shows, stable across runs and machines: by the serial number a code ends
    with (neighbouring cameras differ), else by crc32 (not Python's salted hash)."""
    digits = re.search(r"(\d+)$", code)
    return (int(digits.group(1)) - 1 if digits else zlib.crc32(code.encode("utf-8"))) % SCENES


def resolve_stream(url: str, *, substream: bool = False, directory: Path | None = None) -> str:
    """A playable URL: `demo://camera/<code>` becomes its scene's local file (made on first use);
    any other URL is returned as it is."""
    parts = urlsplit(url)
    if parts.scheme != DEMO_SCHEME:
        return url
    code = parts.path.strip("/")
    if parts.netloc != "camera" or not code:
        raise ValueError(f"a demo stream is demo://camera/<code>, not {url!r}")
    folder = ensure_scenes(directory)
    return str(scene_path(camera_scene(code), substream=substream, directory=folder))


_ENCODING = threading.Lock()
"""Panes, wall tiles and the demo's analytics resolve demo streams from several threads at once: one of
them encodes a missing scene, the others wait for it instead of encoding it again."""


def ensure_scenes(directory: Path | None = None) -> Path:
    """Encodes the scenes that are not in `directory` yet; returns the directory."""
    folder = directory or cache_dir()
    with _ENCODING:
        missing = [i for i in range(SCENES) if not scene_path(i, substream=True, directory=folder).exists()]
        if missing:
            folder.mkdir(parents=True, exist_ok=True)
            for index in missing:
                write_scene(index, folder)
    return folder


def write_scene(index: int, folder: Path) -> None:
    """Writes scene `index` and its sub-stream; the sub-stream last, as the mark that both are done.
    Each file is written under a name of its own and renamed, so a reader never sees half a file and two
    writers (processes, or threads of one: the name was once the process id only, and two threads wrote
    one file into a corrupt cache) never share one."""
    main, sub = scene_path(index, directory=folder), scene_path(index, substream=True, directory=folder)
    frames = list(scene(index).frames())
    small = [cv2.resize(f, SUB_SIZE, interpolation=cv2.INTER_AREA) for f in frames]
    for path, pictures, size in ((main, frames, (WIDTH, HEIGHT)), (sub, small, SUB_SIZE)):
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.mp4")
        _encode(pictures, size, partial)
        partial.replace(path)


def _encode(frames: list[np.ndarray], size: tuple[int, int], path: Path) -> None:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is not None:
        command = [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{size[0]}x{size[1]}", "-r", str(FPS), "-i", "-",
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", str(FPS),
            "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path),
        ]  # fmt: skip
        subprocess.run(command, input=b"".join(f.tobytes() for f in frames), check=True)
        return
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), FPS, size)
    try:
        for frame in frames:
            writer.write(frame)
    finally:
        writer.release()
