"""Recorded files are decoded by OpenCV, downscaled to 640x360 and sampled at the live rate."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from gridwatch.plugins.detectors import VideoOpenError, sampled_frames

pytestmark = pytest.mark.video


def write(path: Path, size: tuple[int, int], fps: float, frames: int) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    for n in range(frames):
        image = np.zeros((size[1], size[0], 3), np.uint8)
        image[:, : size[0] * (n + 1) // frames] = (0, 200, 0)  # a green bar grows: frames are told apart
        writer.write(image)
    writer.release()
    return path


def test_a_file_is_sampled_at_the_live_rate_and_downscaled(tmp_path: Path) -> None:
    path = write(tmp_path / "hd.avi", (1280, 720), 10, 30)
    sampled = list(sampled_frames(path, 2.0))
    assert [t for t, _ in sampled] == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert {frame.shape for _, frame in sampled} == {(360, 640, 3)}
    green = [int((frame[180, :, 1] > 100).sum()) for _, frame in sampled]  # frames 0, 5, 10, ... of 30
    assert green == pytest.approx([640 * (n + 1) / 30 for n in range(0, 30, 5)], abs=3)


def test_a_rate_above_the_files_takes_every_frame(tmp_path: Path) -> None:
    path = write(tmp_path / "slow.avi", (640, 360), 2, 6)
    assert [t for t, _ in sampled_frames(path, 5.0)] == [0.0, 0.5, 1.0, 1.5, 2.0, 2.5]


def test_files_sample_the_same_in_a_process_that_plays_live_video(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desk's live-stream options are process-wide (the demo runs analytics beside the video panes);
    with `fflags;nobuffer` among them a file's times doubled and a short file had no frame."""
    from gridwatch.video.opencv_player import CAPTURE_OPTIONS

    monkeypatch.setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", CAPTURE_OPTIONS)
    test_a_file_is_sampled_at_the_live_rate_and_downscaled(tmp_path)
    test_a_rate_above_the_files_takes_every_frame(tmp_path)


def test_a_file_that_is_not_a_video_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200))
    with pytest.raises(VideoOpenError, match=f"cannot (open|decode) video {path}"):
        list(sampled_frames(path, 2.0))
