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

Several processes share the cache (two demos started at once, the review station beside the desk): a
file is encoded, checked and sealed only under an exclusive lock on `.<name>.lock` beside it (flock;
the second process waits, then finds the file sealed and leaves it), and written under a temporary name
that carries the writer's pid, renamed over the file when it plays. A writer killed mid-encode (kill -9)
leaves its temporary behind: the next start removes it once its writer is gone (or it is a day old) and
nobody holds its file's lock. Windows has no flock: there a cache is prepared by one process at a time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
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
STALE_AFTER_S = 24 * 3600.0
"""A temporary this old is a dead writer's whatever its name says (its pid since reused, or an older
version's name without one): encoding a file takes seconds."""
_TEMPORARY = re.compile(
    r"\.(?P<target>scene-\d+(?:-sub)?\.mp4)(?:\.sha256)?\.(?:(?P<pid>\d+)\.)?[0-9a-f]{32}(?:\.mp4)?"
)
"""A write's temporary: `.<file>.<pid>.<token>.mp4` for a video, `.<file>.sha256.<pid>.<token>` for its
sidecar (older versions wrote the same without the pid)."""


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

_SWEPT: set[Path] = set()
"""Folders whose dead writers' temporaries this process has removed (guarded by `_ENCODING`): once at
the start, and again whenever a file has to be written."""


def ensure_scenes(directory: Path | None = None) -> Path:
    """Encodes the scenes whose files are missing from `directory` or unusable there; returns the
    directory. A usable file is left as it is.

    Without taking a lock a file is trusted only when its sidecar matches it; any other is looked at
    again under its lock (another process may have written it meanwhile) and decoded, sealed or encoded
    there, so one process writes a file while the others wait for it."""
    folder = directory or cache_dir()
    with _ENCODING:
        unsealed = [
            (index, substream)
            for index in range(SCENES)
            for substream in (False, True)
            if not _trusted(scene_path(index, substream=substream, directory=folder))
        ]
        if unsealed:
            folder.mkdir(parents=True, exist_ok=True)
        if folder.is_dir() and (unsealed or folder not in _SWEPT):
            _remove_dead_temporaries(folder)
            _SWEPT.add(folder)
        for index in sorted({index for index, _ in unsealed}):
            paths = {
                sub: scene_path(index, substream=sub, directory=folder) for i, sub in unsealed if i == index
            }
            with ExitStack() as held:
                for sub in sorted(paths):  # always the main stream's lock first: no two writers cross
                    held.enter_context(_locked(paths[sub]))
                stale = tuple(sub for sub in sorted(paths) if not _usable(paths[sub], _frame_size(sub)))
                if stale:
                    write_scene(index, folder, substreams=stale)
    return folder


def _lock_path(path: Path) -> Path:
    """The file whose flock guards writing `path`. It stays: removing a lock file another process has
    open, waiting on it, would let a third lock a new one beside it."""
    return path.with_name(f".{path.name}.lock")


if sys.platform == "win32":

    @contextmanager
    def _locked(path: Path, *, wait: bool = True) -> Iterator[bool]:
        """No flock on Windows: the process-wide `_ENCODING` is all the locking there is."""
        yield True

    def _alive(pid: int) -> bool:
        """Unknown on Windows (os.kill would end the process): only age makes a temporary stale."""
        return True

else:
    import fcntl

    @contextmanager
    def _locked(path: Path, *, wait: bool = True) -> Iterator[bool]:
        """Holds the exclusive flock of `path`'s lock file; yields False (holding nothing) when `wait` is
        False and another process (or another handle of this one) holds it. The kernel lets go of it when
        the holder dies, kill -9 too."""
        fd = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing the last handle releases the lock

    def _alive(pid: int) -> bool:
        """Whether a process `pid` exists (signal 0 asks without sending anything)."""
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # another user's process
            return True
        return True


def _remove_dead_temporaries(folder: Path) -> None:
    """Removes the temporaries of writers that died mid-write (a kill -9, a machine switched off): one
    whose pid is gone or that is `STALE_AFTER_S` old, and whose file's lock nobody holds (a live writer
    holds it from before its temporary exists until after it is renamed or removed)."""
    now = time.time()
    for entry in folder.iterdir():
        found = _TEMPORARY.fullmatch(entry.name)
        if found is None:
            continue
        try:
            age = now - entry.stat().st_mtime
        except FileNotFoundError:  # its writer renamed it meanwhile
            continue
        pid = found["pid"]
        if age < STALE_AFTER_S and (pid is None or _alive(int(pid))):
            continue
        with _locked(folder / found["target"], wait=False) as free:
            if free:
                entry.unlink(missing_ok=True)
                log.info("removed %s, left by a writer that stopped mid-write", entry)


def write_scene(index: int, folder: Path, substreams: tuple[bool, ...]) -> None:
    """Writes the files of scene `index` that `substreams` names (False: the main stream, True: the sub);
    the caller holds their locks. Each file is written under a name of its own (the writer's pid and a
    random token) and renamed, so a reader never sees half a file and two writers never share one (the
    name was once the process id only, and two threads wrote one file into a corrupt cache); the pid
    tells the next start whether its writer is gone. It is decoded whole before the rename (OpenCV's
    writer, the fallback, says nothing when the disk fills) and sealed with its sidecar after it."""
    frames = list(scene(index).frames())
    for substream in substreams:
        path, size = scene_path(index, substream=substream, directory=folder), _frame_size(substream)
        pictures = (
            [cv2.resize(f, size, interpolation=cv2.INTER_AREA) for f in frames] if substream else frames
        )
        partial = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.mp4")
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


def _trusted(path: Path) -> bool:
    """Whether `path` is known to play: checked before in this process (it is only stat'ed), or its
    sidecar matches it (hashing the demo's 16 files takes 4 ms). Writes nothing, so needs no lock."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    mark = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if _CHECKED.get(path) == mark:
        return True
    try:
        digest = _sha256(path)
    except FileNotFoundError:  # replaced between the stat and the open: look again under the lock
        return False
    if _sealed_digest(path) != digest:
        return False
    _CHECKED[path] = mark
    return True


def _usable(path: Path, size: tuple[int, int]) -> bool:
    """Whether `path` plays the whole loop at `size`: trusted (`_trusted`), else decoded once (about
    50 ms a file) and sealed when it plays. The caller holds the file's lock: sealing writes."""
    if _trusted(path):
        return True
    try:
        stat = path.stat()
    except FileNotFoundError:
        return False
    digest = _sha256(path)
    played = _frames_played(path, size)
    if played != FRAMES:
        log.warning("%s plays %d of %d frames: encoding it again", path, played, FRAMES)
        return False
    _seal(path, digest)
    _CHECKED[path] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
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
    partial = sidecar.with_name(f".{sidecar.name}.{os.getpid()}.{uuid.uuid4().hex}")
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
