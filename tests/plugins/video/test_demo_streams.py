"""The demo's camera streams: deterministic scenes that loop seamlessly, encoded once, resolved by code."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest

from gridwatch.plugins.video.demo_streams import (
    SUB_SIZE,
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
def test_scenes_are_encoded_once_and_resolved_by_camera_code(tmp_path: Path) -> None:
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
    assert len(written) == 2 * SCENES and not any(p.name.startswith(".") for p in written)
    ensure_scenes(tmp_path)
    assert {p: p.stat().st_mtime_ns for p in folder.iterdir()} == written  # not made twice

    path = resolve_stream("demo://camera/3502030000132000002", directory=tmp_path)
    assert path == str(scene_path(1, directory=tmp_path))
    sub_path = resolve_stream("demo://camera/3502030000132000002", substream=True, directory=tmp_path)
    assert sub_path == str(scene_path(1, substream=True, directory=tmp_path))


def test_real_urls_pass_through_and_bad_demo_urls_are_refused(tmp_path: Path) -> None:
    for url in ("rtsp://10.0.0.5:554/Streaming/Channels/101", "/var/video/cam.mp4", "udp://@239.0.0.1:5000"):
        assert resolve_stream(url, directory=tmp_path) == url
    with pytest.raises(ValueError):
        resolve_stream("demo://speaker/X", directory=tmp_path)
    assert not any(tmp_path.iterdir())  # refusing made no files
