"""What a call can play: a WAV file, Mandarin text-to-speech, or live microphone chunks, all as 8 kHz mono
int16 — the only input a G.711 call takes."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from gridwatch.plugins.speakers.g711 import Pcm
from gridwatch.plugins.speakers.resample import CALL_RATE, Resampler

TTS_VOICE = "cmn"  # espeak-ng's Mandarin; offline, so it works on a command center's closed network


class AudioSourceError(RuntimeError):
    """A source that cannot be turned into call audio; the message says what to fix."""


# Multiplier from each capture sample format to the int16 range.
_SCALE_TO_INT16 = {"i1": 256.0, "i2": 1.0, "i4": 1.0 / 65536, "f4": 32767.0, "f8": 32767.0}


def _to_int16(x: NDArray[np.float64]) -> Pcm:
    return np.clip(np.rint(x), -32768, 32767).astype(np.int16)


class LiveConverter:
    """Turns interleaved capture buffers (any rate, channels, int16/int32/float32) into call audio.

    A microphone rarely offers 8 kHz mono; this keeps the resampler's state between buffers so the
    output is continuous.
    """

    def __init__(self, rate: int, channels: int = 1, dtype: np.dtype[np.generic] | type = np.int16) -> None:
        self.channels = channels
        self.dtype = np.dtype(dtype)
        self.scale = _SCALE_TO_INT16[self.dtype.str.lstrip("<>=|")]
        self.resampler = Resampler(rate, CALL_RATE)
        self._partial = b""  # a buffer may end mid-frame

    def feed(self, data: bytes, *, final: bool = False) -> Pcm:
        data = self._partial + data
        frame = self.dtype.itemsize * self.channels
        usable = len(data) - len(data) % frame
        self._partial = data[usable:]
        samples = np.frombuffer(data[:usable], dtype=self.dtype).astype(np.float64)
        mono = samples.reshape(-1, self.channels).mean(axis=1) * self.scale
        return _to_int16(self.resampler.feed(mono, final=final))


def read_wav(path: Path) -> Pcm:
    """A PCM WAV file of any rate and channel count as call audio."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioSourceError(
            f"{path}: not a PCM WAV file ({exc}); convert it with ffmpeg -i … out.wav"
        ) from exc
    except OSError as exc:
        raise AudioSourceError(f"{path}: {exc.strerror or exc}") from exc
    if width == 1:  # 8-bit WAV is unsigned
        frames = (np.frombuffer(frames, dtype=np.uint8) ^ 0x80).tobytes()
    elif width == 3:  # 24-bit: widen to int32 (low byte zero) so numpy can read it
        raw = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3)
        frames = np.pad(raw, ((0, 0), (1, 0))).tobytes()
    dtype = {1: np.int8, 2: np.int16, 3: np.int32, 4: np.int32}[width]
    return LiveConverter(rate, channels, dtype).feed(frames, final=True)


def speak(text: str, *, voice: str = TTS_VOICE) -> Pcm:
    """Mandarin speech for `text`, synthesized offline by espeak-ng."""
    if not text.strip():
        raise AudioSourceError("nothing to say: the text is empty")
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise AudioSourceError("text-to-speech needs espeak-ng (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory(prefix="gridwatch-tts-") as tmp:
        out = Path(tmp) / "speech.wav"
        result = subprocess.run(
            [espeak, "-v", voice, "-w", str(out), text], capture_output=True, text=True, check=False
        )
        if result.returncode != 0 or not out.exists():
            raise AudioSourceError(f"espeak-ng failed: {result.stderr.strip() or result.returncode}")
        return read_wav(out)
