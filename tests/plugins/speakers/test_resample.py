"""Resampling to the call rate: the tone keeps its frequency, nothing folds back, chunks change nothing."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from gridwatch.plugins.speakers.resample import Resampler, to_call_rate
from gridwatch.plugins.speakers.sources import LiveConverter, read_wav


def tone(rate: int, freq: float, seconds: float = 1.0) -> np.ndarray:
    return np.sin(2 * np.pi * freq * np.arange(int(rate * seconds)) / rate)


def peak_hz(x: np.ndarray, rate: int = 8000) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)])


@pytest.mark.parametrize("rate", [11025, 16000, 22050, 44100, 48000])
def test_a_tone_keeps_frequency_amplitude_and_duration(rate: int) -> None:
    out = to_call_rate(tone(rate, 1000.0), rate)
    assert len(out) == 8000
    assert peak_hz(out) == pytest.approx(1000.0, abs=2)
    assert np.abs(out[100:-100]).max() == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("rate", [22050, 48000])
def test_frequencies_above_4khz_are_filtered_not_aliased(rate: int) -> None:
    out = to_call_rate(tone(rate, 5000.0), rate)
    assert np.sqrt(np.mean(out[100:-100] ** 2)) < 1e-3


def test_chunked_feeding_equals_one_block() -> None:
    x = tone(44100, 440.0)
    whole = to_call_rate(x, 44100)
    resampler = Resampler(44100)
    parts = [resampler.feed(chunk) for chunk in np.array_split(x, 53)]
    parts.append(resampler.feed(np.zeros(0), final=True))
    assert np.allclose(np.concatenate(parts), whole)


def test_live_converter_downmixes_stereo_float() -> None:
    left = tone(48000, 1000.0).astype(np.float32) * 0.5
    interleaved = np.stack([left, left], axis=1).tobytes()
    converter = LiveConverter(48000, 2, np.float32)
    out = np.concatenate([converter.feed(interleaved[:1001]), converter.feed(interleaved[1001:], final=True)])
    assert len(out) == 8000
    assert out.dtype == np.int16
    assert np.abs(out[100:-100]).max() == pytest.approx(16384, rel=0.01)


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_wav_files_of_every_pcm_width_read_alike(tmp_path: Path, width: int) -> None:
    x = tone(22050, 700.0) * 0.5
    full = np.round(x * (2 ** (8 * width - 1) - 1)).astype(np.int64)
    if width == 1:
        raw = (full + 128).astype(np.uint8).tobytes()
    else:
        raw = b"".join(int(v).to_bytes(width, "little", signed=True) for v in full)
    path = tmp_path / f"w{width}.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(width)
        out.setframerate(22050)
        out.writeframes(raw)
    pcm = read_wav(path)
    assert len(pcm) == 8000
    assert peak_hz(pcm.astype(float)) == pytest.approx(700.0, abs=2)
    assert np.abs(pcm[100:-100]).max() == pytest.approx(16384, rel=0.02)
