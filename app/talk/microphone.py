"""The operator's microphone as a stream of 8 kHz mono int16 chunks, ready for a G.711 call.

Asks QtMultimedia for 8 kHz mono Int16 directly (PulseAudio resamples for free); a device that refuses
is captured in its own format and converted by `LiveConverter`.
"""

from __future__ import annotations

import os
import time

import numpy as np
from PySide6.QtCore import QIODevice, QObject, Signal
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSource, QMediaDevices, QtAudio

from gridwatch.plugins.speakers.g711 import Pcm
from gridwatch.plugins.speakers.resample import CALL_RATE
from gridwatch.plugins.speakers.sources import LiveConverter

NUMPY_FORMAT = {
    QAudioFormat.SampleFormat.Int16: np.int16,
    QAudioFormat.SampleFormat.Int32: np.int32,
    QAudioFormat.SampleFormat.Float: np.float32,
}
FRAGMENT_MS = 20  # one RTP packet's worth
BUFFER_MS = 250  # room for a busy GUI thread without dropping audio


def call_format() -> QAudioFormat:
    fmt = QAudioFormat()
    fmt.setSampleRate(CALL_RATE)
    fmt.setChannelCount(1)
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return fmt


def capture_format(device: QAudioDevice) -> QAudioFormat | None:
    """The format to open `device` with: the call's own if it takes it, else one we can convert."""
    wanted = call_format()
    if device.isFormatSupported(wanted):
        return wanted
    preferred = device.preferredFormat()
    if preferred.sampleFormat() in NUMPY_FORMAT:
        return preferred
    preferred.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return preferred if device.isFormatSupported(preferred) else None


def default_microphone() -> QAudioDevice | None:
    device = QMediaDevices.defaultAudioInput()
    return None if device.isNull() or capture_format(device) is None else device


class Microphone(QObject):
    """Captures while started; `chunk` carries call audio as it arrives (in the GUI thread)."""

    chunk = Signal(object)  # Pcm
    failed = Signal(str)

    def __init__(self, device: QAudioDevice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        fmt = capture_format(device)
        if fmt is None:
            raise ValueError(f"{device.description()}: no sample format usable for a call")
        self.device = device
        self.format = fmt
        self.source = QAudioSource(device, fmt, self)
        self.source.setBufferSize(fmt.bytesForDuration(BUFFER_MS * 1000))
        self.converter: LiveConverter | None = None
        self.io: QIODevice | None = None
        self.first_buffer_at: float | None = None  # time.monotonic() of the first captured buffer

    def start(self) -> None:
        fmt = self.format
        self.converter = LiveConverter(fmt.sampleRate(), fmt.channelCount(), NUMPY_FORMAT[fmt.sampleFormat()])
        self.first_buffer_at = None
        # Qt's PulseAudio backend asks for ~128 ms fragments, too coarse for talking; libpulse reads
        # PULSE_LATENCY_MSEC when the stream connects, which happens inside start().
        previous = os.environ.get("PULSE_LATENCY_MSEC")
        os.environ["PULSE_LATENCY_MSEC"] = str(FRAGMENT_MS)
        try:
            self.io = self.source.start()
        finally:
            if previous is None:
                del os.environ["PULSE_LATENCY_MSEC"]
            else:
                os.environ["PULSE_LATENCY_MSEC"] = previous
        if self.io is None or self.source.error() != QtAudio.Error.NoError:
            self.failed.emit(self.tr("The microphone could not be opened"))
            return
        self.io.readyRead.connect(self._read)

    def _read(self) -> None:
        if self.io is None or self.converter is None:
            return
        data = self.io.readAll().data()
        if not data:
            return
        if self.first_buffer_at is None:
            self.first_buffer_at = time.monotonic()
        pcm: Pcm = self.converter.feed(bytes(data))
        if len(pcm):
            self.chunk.emit(pcm)

    def stop(self) -> None:
        """Stops capturing after handing over what is still buffered."""
        if self.io is not None:
            self._read()
            self.io.readyRead.disconnect(self._read)
        self.source.stop()
        self.io = None
        if self.converter is not None:
            tail = self.converter.feed(b"", final=True)
            if len(tail):
                self.chunk.emit(tail)
            self.converter = None
