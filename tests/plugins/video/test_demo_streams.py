"""The demo's camera streams: deterministic scenes that loop seamlessly, encoded once, resolved by code."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest

from gridwatch.plugins.video import demo_streams
from gridwatch.plugins.video.demo_streams import (
    CACHE_VERSION,
    SUB_SIZE,
    cache_dir,
    camera_scene,
    ensure_scenes,
    resolve_stream,
    scene_path,
)
from gridwatch.plugins.video.scenes import FPS, HEIGHT, LOOP_S, SCENES, WIDTH, scene


def test_a_scene_is_the_same_every_time_and_differs_from_the_others() -> None:
    assert np.array_equal(scene(2).frame(7), scene(2).frame(7))
    assert np.mean(np.abs(scene(2).frame(7).astype(int) - scene(3).frame(7).astype(int))) > 10


def test_things_move_and_the_loop_has_no_jump() -> None:
    street = scene(0)
    first, later = street.frame(0).astype(int), street.frame(FPS * 2).astype(int)
    assert np.mean(np.any(first != later, axis=2)) > 0.01  # pedestrians, cars and the timecode moved
    last, wrapped = street.frame(FPS * LOOP_S - 1).astype(int), street.frame(FPS * LOOP_S).astype(int)
    step = np.mean(np.abs(last - wrapped))  # the last frame to the first: one ordinary step, no jump
    ordinary = np.mean(np.abs(street.frame(10).astype(int) - street.frame(11).astype(int)))
    assert step < 3 * ordinary + 1
    assert np.array_equal(street.frame(FPS * LOOP_S), street.frame(0))


def test_cameras_map_to_scenes_stably_and_neighbours_differ() -> None:
    codes = [f"35020300001320{n:07d}" for n in range(1, SCENES + 1)]
    assert len({camera_scene(c) for c in codes}) == SCENES
    assert camera_scene("CAM-X") == camera_scene("CAM-X")
    assert all(0 <= camera_scene(c) < SCENES for c in ("A", "B", "长安路"))


@pytest.mark.slow
def test_scenes_are_encoded_once_and_resolved_by_camera_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # panes, wall tiles and the analytics resolve streams from several threads at once: each file readable
    with ThreadPoolExecutor(3) as pool:
        folders = list(pool.map(lambda _: ensure_scenes(tmp_path), range(3)))
    folder = folders[0]
    for index in range(SCENES):
        for sub_stream in (False, True):
            assert cv2.VideoCapture(str(scene_path(index, substream=sub_stream, directory=folder))).read()[0]
    main = cv2.VideoCapture(str(scene_path(0, directory=folder)))
    ok, image = main.read()
    assert ok and image.shape[:2] == (HEIGHT, WIDTH)
    assert round(main.get(cv2.CAP_PROP_FPS)) == FPS
    # Count the frames in the file with ffprobe: OpenCV's threaded decoder may stop short of the last GOP
    # on a loaded machine, which says nothing about what was written.
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
         "stream=nb_read_frames", "-of", "csv=p=0", str(scene_path(0, directory=folder))],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert int(probe.stdout.strip()) == FPS * LOOP_S
    sub = cv2.VideoCapture(str(scene_path(0, substream=True, directory=folder)))
    ok, image = sub.read()
    assert ok and image.shape[1::-1] == SUB_SIZE

    written = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert sorted(p.name for p in written) == cache_names()  # each with its sidecar and lock, no temporary
    # the next start (a new process: nothing checked yet) checks the files by their sidecars, no decoding
    monkeypatch.setattr(demo_streams, "_CHECKED", {})
    monkeypatch.setattr(demo_streams, "_frames_played", not_called)
    ensure_scenes(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == written  # not made twice

    path = resolve_stream("demo://camera/3502030000132000002", directory=tmp_path)
    assert path == str(scene_path(1, directory=tmp_path))
    sub_path = resolve_stream("demo://camera/3502030000132000002", substream=True, directory=tmp_path)
    assert sub_path == str(scene_path(1, substream=True, directory=tmp_path))


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenes encoded once, for tests that spoil a copy."""
    return ensure_scenes(tmp_path_factory.mktemp("scenes"))


@pytest.mark.slow
def test_a_truncated_or_garbled_cache_file_is_encoded_again_and_a_playable_one_is_left_alone(
    encoded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # the user's cache directory
    folder = cache_dir()
    assert folder == tmp_path / "gridwatch" / "demo-video" / CACHE_VERSION
    shutil.copytree(encoded, folder)
    # an older version's files have no sidecar: one stopped half way, one is whole
    truncated, legacy = scene_path(0, directory=folder), scene_path(1, directory=folder)
    truncated.write_bytes(truncated.read_bytes()[: truncated.stat().st_size // 2])
    for path in (truncated, legacy):
        sidecar(path).unlink()
    # garbage where a sub-stream was, its sidecar left from the file that was there
    garbled = scene_path(2, substream=True, directory=folder)
    garbled.write_bytes(np.random.default_rng(7).bytes(garbled.stat().st_size))
    assert frames_and_sizes(truncated)[0] < FPS * LOOP_S and frames_and_sizes(garbled) == (0, set())
    untouched = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.glob("*.mp4")}
    del untouched[truncated], untouched[garbled]

    ensure_scenes()  # what `gridwatch demo` does before its window opens
    # what the wall's tiles and the desk's panes then play: cameras 1 and 3
    assert resolve_stream("demo://camera/3502030000132000001") == str(truncated)
    assert resolve_stream("demo://camera/3502030000132000003", substream=True) == str(garbled)

    assert frames_and_sizes(truncated) == (FPS * LOOP_S, {(HEIGHT, WIDTH)})
    assert frames_and_sizes(garbled) == (FPS * LOOP_S, {SUB_SIZE[::-1]})
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in untouched} == untouched
    assert sorted(p.name for p in folder.iterdir()) == cache_names()
    for video in folder.glob("*.mp4"):  # sealed, the old whole file too: the next start only hashes them
        digest = hashlib.sha256(video.read_bytes()).hexdigest()
        assert sidecar(video).read_text() == f"{digest}  {video.name}\n"


def test_an_encode_that_does_not_play_back_fails_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenCV's writer (without ffmpeg) says nothing when the disk fills: its file is decoded first."""

    def half_written(frames: list[np.ndarray], size: tuple[int, int], path: Path) -> None:
        path.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(500))

    monkeypatch.setattr(demo_streams, "_encode", half_written)
    with pytest.raises(RuntimeError, match=r"scene-1\.mp4 was encoded but plays 0 of 150 frames"):
        ensure_scenes(tmp_path)
    assert {p.name for p in tmp_path.iterdir()} == {".scene-1.mp4.lock", ".scene-1-sub.mp4.lock"}


def cache_names() -> list[str]:
    """What a prepared cache holds: each video, its sidecar and the lock file its writers take."""
    videos = [scene_path(i, substream=s, directory=Path()).name for i in range(SCENES) for s in (False, True)]
    return sorted([*videos, *(f"{v}.sha256" for v in videos), *(f".{v}.lock" for v in videos)])


def sidecar(path: Path) -> Path:
    return path.with_name(f"{path.name}.sha256")


def frames_and_sizes(path: Path) -> tuple[int, set[tuple[int, int]]]:
    """Every frame OpenCV decodes from `path`: how many, and their (height, width)."""
    capture = cv2.VideoCapture(str(path))
    frames, sizes = 0, set[tuple[int, int]]()
    while True:
        ok, image = capture.read()
        if not ok:
            return frames, sizes
        frames, sizes = frames + 1, sizes | {image.shape[:2]}


def not_called(*args: object) -> None:
    raise AssertionError("a sealed file was decoded")


def test_real_urls_pass_through_and_bad_demo_urls_are_refused(tmp_path: Path) -> None:
    for url in ("rtsp://10.0.0.5:554/Streaming/Channels/101", "/var/video/cam.mp4", "udp://@239.0.0.1:5000"):
        assert resolve_stream(url, directory=tmp_path) == url
    with pytest.raises(ValueError):
        resolve_stream("demo://speaker/X", directory=tmp_path)
    assert not any(tmp_path.iterdir())  # refusing made no files
