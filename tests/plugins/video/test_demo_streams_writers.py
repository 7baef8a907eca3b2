"""The demo video cache with several processes at it: one killed mid-encode (kill -9) leaves no temporary
file behind for good, and two demos starting at once encode each file once, not each its own.

Real processes, started from the same interpreter, each preparing the cache as `gridwatch demo` does
(`ensure_scenes`); they count their encodes in a marker file the encoder appends to, so what is counted
is what ran, not what the test expected.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest

from gridwatch.plugins.video.demo_streams import ensure_scenes, scene_path
from gridwatch.plugins.video.scenes import FPS, LOOP_S, SCENES
from tests.plugins.video.test_demo_streams import cache_names, frames_and_sizes, sidecar

ROOT = Path(__file__).resolve().parents[3]

PREPARE = """
import os, sys
from pathlib import Path
from gridwatch.plugins.video import demo_streams

folder, marker, hang = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "hang"
encode = demo_streams._encode

def counted(frames, size, path):
    encode(frames, size, path)
    with marker.open("a", encoding="utf-8") as out:  # one short line, appended: writers do not mix
        out.write(f"{os.getpid()} {path.name}\\n")
    if hang:  # the encoder is done, the file not yet renamed: a kill now leaves the temporary behind
        print("encoded", flush=True)
        sys.stdin.readline()

demo_streams._encode = counted
print("ready", flush=True)
sys.stdin.readline()  # every process starts preparing at the same moment
demo_streams.ensure_scenes(folder)
print("done", flush=True)
"""


def preparer(folder: Path, marker: Path, *, hang: bool = False) -> subprocess.Popen[str]:
    """A process that prepares the cache in `folder` once told to go (a line on its stdin)."""
    process = subprocess.Popen(
        [sys.executable, "-c", PREPARE, str(folder), str(marker), "hang" if hang else "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    return process


def go(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()


def encoded_targets(marker: Path) -> Counter[str]:
    """How often each cache file was encoded: the marker names each encode's temporary file, which
    begins with the name of the file it becomes (`.scene-1.mp4.…`)."""
    lines = marker.read_text(encoding="utf-8").splitlines() if marker.exists() else []
    return Counter(line.split(" ", 1)[1][1:].split(".mp4.", 1)[0] + ".mp4" for line in lines)


def temporaries(folder: Path) -> set[str]:
    """The hidden files of the cache that are not a lock: temporaries of a write."""
    return {p.name for p in folder.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")}


def intact(folder: Path) -> None:
    """Every cache file plays the whole loop and its sidecar holds its digest; nothing else is left."""
    assert sorted(p.name for p in folder.iterdir()) == cache_names()
    for video in folder.glob("*.mp4"):
        digest = hashlib.sha256(video.read_bytes()).hexdigest()
        assert sidecar(video).read_text() == f"{digest}  {video.name}\n"
        assert frames_and_sizes(video)[0] == FPS * LOOP_S


@pytest.mark.slow
def test_a_temporary_of_a_killed_writer_goes_on_the_next_start_and_a_live_writers_stays(
    tmp_path: Path,
) -> None:
    folder, marker = tmp_path / "cache", tmp_path / "encodes"
    killed = preparer(folder, marker, hang=True)
    go(killed)
    assert killed.stdout is not None and killed.stdout.readline() == "encoded\n"
    os.kill(killed.pid, signal.SIGKILL)  # kill -9 between the encode and the rename
    killed.wait()
    killed.stdin.close()  # type: ignore[union-attr]
    killed.stdout.close()
    left = temporaries(folder)
    assert len(left) == 1 and str(scene_path(0, directory=Path()).name) in next(iter(left))

    # a writer that is alive: its temporary is named as this version names them, with its pid
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        writing = folder / f".{scene_path(1, directory=Path()).name}.{live.pid}.{uuid.uuid4().hex}.mp4"
        writing.write_bytes(b"half a video")
        ensure_scenes(folder)  # the next start
        assert temporaries(folder) == {writing.name}
        assert writing.read_bytes() == b"half a video"
    finally:
        live.communicate(b"")
    writing.unlink()
    intact(folder)


@pytest.mark.slow
def test_two_demos_starting_at_once_encode_each_file_once(tmp_path: Path) -> None:
    folder, marker = tmp_path / "cache", tmp_path / "encodes"
    first, second = preparer(folder, marker), preparer(folder, marker)
    for process in (first, second):
        go(process)
    for process in (first, second):
        out, _ = process.communicate()
        assert process.returncode == 0 and out == "done\n"
    assert encoded_targets(marker) == Counter(
        {scene_path(i, substream=s, directory=Path()).name: 1 for i in range(SCENES) for s in (False, True)}
    )
    intact(folder)
