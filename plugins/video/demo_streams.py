"""The demo's cameras: `demo://camera/<code>` played from generated local files, no install needed.

The scenes (see `scenes`) are encoded once into the user's cache directory: H.264 through Debian's
ffmpeg where it is installed (what real cameras send), else MPEG-4 Part 2 through OpenCV (its wheel
cannot write H.264). Each scene also gets a 320x180 sub-stream, as cameras offer one for wall tiles.
A camera code is hashed onto a scene, so the same camera always shows the same street.

A file is only trusted when its sidecar `<name>.sha256` (sha256sum's format) matches it: the sidecar is
written once the file has been decoded whole. A file without a matching sidecar (an older version's, a
disk that filled or a machine that stopped mid-write) is decoded once: kept and sealed if it plays the
whole loop, else encoded again. Older versions could leave a truncated or garbled file that no pane or
wall tile could open, and nothing ever replaced it.
"""

from __future__ import annotations

import hashlib
import logging
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

from gridwatch.plugins.video.scenes import FPS, HEIGHT, LOOP_S, SCENES, WIDTH, scene

log = logging.getLogger(__name__)

DEMO_SCHEME = "demo"
CACHE_VERSION = "v1"  # bump when the scenes change, so old caches are not reused
SUB_SIZE = (320, 180)
FRAMES = FPS * LOOP_S  # a file plays the whole loop


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

_CHECKED: dict[Path, tuple[int, int, int]] = {}
"""Files found usable in this process, by (inode, size, mtime): each pane and wall tile resolves its
stream, so after the first look a file is only stat'ed, not hashed again (guarded by `_ENCODING`)."""


def ensure_scenes(directory: Path | None = None) -> Path:
    """Encodes the scenes whose files are missing from `directory` or unusable there; returns the
    directory. A usable file is left as it is."""
    folder = directory or cache_dir()
    with _ENCODING:
        stale = [
            (index, substream)
            for index in range(SCENES)
            for substream in (False, True)
            if not _usable(scene_path(index, substream=substream, directory=folder), _frame_size(substream))
        ]
        if stale:
            folder.mkdir(parents=True, exist_ok=True)
            for index in sorted({index for index, _ in stale}):
                write_scene(index, folder, substreams=tuple(sub for i, sub in stale if i == index))
    return folder


def write_scene(index: int, folder: Path, substreams: tuple[bool, ...]) -> None:
    """Writes the files of scene `index` that `substreams` names (False: the main stream, True: the sub).
    Each file is written under a name of its own and renamed, so a reader never sees half a file and two
    writers (processes, or threads of one: the name was once the process id only, and two threads wrote
    one file into a corrupt cache) never share one. It is decoded whole before the rename (OpenCV's
    writer, the fallback, says nothing when the disk fills) and sealed with its sidecar after it."""
    frames = list(scene(index).frames())
    for substream in substreams:
        path, size = scene_path(index, substream=substream, directory=folder), _frame_size(substream)
        pictures = (
            [cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames] if substream else frames
        )
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.mp4")
        try:
            _encode(pictures, size, partial)
            played = _frames_played(partial, size)
            if played != FRAMES:
                raise RuntimeError(f"{path.name} was encoded but plays {played} of {FRAMES} frames")
            digest = _sha256(partial)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)  # a failed encode leaves no temporary file behind
        _seal(path, digest)


def _frame_size(substream: bool) -> tuple[int, int]:
    """A scene file's frame size (width, height)."""
    return SUB_SIZE if substream else (WIDTH, HEIGHT)


def _usable(path: Path, size: tuple[int, int]) -> bool:
    """Whether `path` plays the whole loop at `size`: its sidecar says so (hashing the demo's 16 files
    takes 4 ms), else it is decoded once (about 50 ms a file) and sealed when it plays."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    mark = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if _CHECKED.get(path) == mark:
        return True
    digest = _sha256(path)
    if _sealed_digest(path) != digest:
        played = _frames_played(path, size)
        if played != FRAMES:
            log.warning("%s plays %d of %d frames: encoding it again", path, played, FRAMES)
            return False
        _seal(path, digest)
    _CHECKED[path] = mark
    return True


def _frames_played(path: Path, size: tuple[int, int]) -> int:
    """How many frames of `size` (width, height) the file decodes to before it ends or breaks, as the
    panes' OpenCV reader decodes it; 0 when it is not a video or a frame has another size."""
    capture = cv2.VideoCapture(str(path))
    try:
        played = 0
        while True:
            ok, image = capture.read()
            if not ok:
                return played
            if image.shape[1::-1] != size:
                return 0
            played += 1
    finally:
        capture.release()


def _sidecar(path: Path) -> Path:
    return path.with_name(f"{path.name}.sha256")


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _sealed_digest(path: Path) -> str | None:
    """The digest the sidecar of `path` records, None without a readable one."""
    try:
        text = _sidecar(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    digest, _, name = text.strip().partition("  ")
    return digest if name == path.name else None


def _seal(path: Path, digest: str) -> None:
    """Writes the sidecar of `path` (sha256sum's format: `sha256sum -c` checks the cache by hand),
    under a name of its own and renamed, as the video is."""
    sidecar = _sidecar(path)
    partial = sidecar.with_name(f".{sidecar.name}.{uuid.uuid4().hex}")
    partial.write_text(f"{digest}  {path.name}\n", encoding="ascii")
    partial.replace(sidecar)


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
