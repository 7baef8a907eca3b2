"""Band-limited resampling to the 8 kHz of a G.711 call, in numpy, for whole files and live chunks.

Each output sample is a Kaiser-windowed sinc interpolation of the input around its exact position; the
sinc's cutoff sits below the lower of the two Nyquist rates, so downsampling low-passes in the same step
(no aliasing from a 22,050 Hz TTS file or a 48 kHz microphone). Positions are exact fractions p/q, so
there are only q distinct kernels (a polyphase filter bank), computed once. One streaming class serves
files (fed once, then flushed) and microphones (chunk by chunk, keeping the history the kernel needs).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

CALL_RATE = 8000
ZERO_CROSSINGS = 16  # kernel half-width in zero crossings of the low-pass sinc
KAISER_BETA = 8.6  # ~ -80 dB side lobes
GUARD = 0.95  # cutoff as a fraction of the lower Nyquist rate


class Resampler:
    """Streaming mono resampler from `src_rate` to `dst_rate` (float samples in, float samples out)."""

    def __init__(self, src_rate: int, dst_rate: int = CALL_RATE) -> None:
        step = Fraction(src_rate, dst_rate)  # input samples per output sample
        self.p, self.q = step.numerator, step.denominator
        self.passthrough = src_rate == dst_rate
        cutoff = GUARD * min(1.0, dst_rate / src_rate)
        self.half = int(np.ceil(ZERO_CROSSINGS / cutoff))  # input taps each side of the centre
        self.taps = np.arange(-self.half + 1, self.half + 1)
        phases = np.arange(self.q)[:, None] / self.q
        distance = self.taps[None, :] - phases  # tap offset from the output position, in input samples
        window = np.i0(KAISER_BETA * np.sqrt(np.clip(1.0 - (distance / self.half) ** 2, 0.0, 1.0)))
        self.bank = cutoff * np.sinc(cutoff * distance) * window / np.i0(KAISER_BETA)
        # Input history starts with `half` zeros so the first output sample is centred on input 0;
        # `_pos` is the next output position in the history, in units of 1/q input sample.
        self._history = np.zeros(self.half)
        self._pos = self.half * self.q

    def feed(self, samples: NDArray[np.floating], *, final: bool = False) -> NDArray[np.float64]:
        """Output samples computable from the input so far; `final` pads with silence to flush the tail."""
        x = np.asarray(samples, dtype=np.float64)
        if self.passthrough:
            return x
        buffer = np.concatenate([self._history, x, np.zeros(self.half if final else 0)])
        last = (len(buffer) - 1 - self.half) * self.q  # the latest position with a full kernel of input
        count = (last - self._pos) // self.p + 1 if self._pos <= last else 0
        positions = self._pos + self.p * np.arange(count, dtype=np.int64)
        base, phase = np.divmod(positions, self.q)
        out: NDArray[np.float64] = np.einsum(
            "ij,ij->i", buffer[base[:, None] + self.taps[None, :]], self.bank[phase]
        )
        self._pos += count * self.p
        keep_from = max(0, self._pos // self.q - self.half)
        self._history = buffer[keep_from:]
        self._pos -= keep_from * self.q
        return out


def to_call_rate(samples: NDArray[np.floating], src_rate: int) -> NDArray[np.float64]:
    """A whole recording resampled to 8 kHz."""
    return Resampler(src_rate).feed(samples, final=True)
