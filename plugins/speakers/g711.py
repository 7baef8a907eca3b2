"""ITU-T G.711 µ-law and A-law for whole numpy arrays.

The encoders are one 65,536-entry lookup table per law, built once with vectorized arithmetic from the
reference algorithm (the one audioop implemented, bit for bit); encoding a buffer is then a single
fancy-index, which keeps a live microphone cheap. audioop itself is deprecated in Python 3.11 and gone
in 3.13, so nothing here depends on it.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

Pcm = NDArray[np.int16]
Codes = NDArray[np.uint8]

_ULAW_BIAS = 0x84
_ULAW_CLIP = 8159  # in the 14-bit domain
_ULAW_SEG_END = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF], dtype=np.int32)
_ALAW_SEG_END = np.array([0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF], dtype=np.int32)


def _all_samples() -> NDArray[np.int32]:
    """Every int16 value, ordered by its uint16 bit pattern so a table is indexed by `pcm.view(uint16)`."""
    return np.arange(65536, dtype=np.uint16).view(np.int16).astype(np.int32)


@cache
def _ulaw_table() -> Codes:
    pcm = _all_samples() >> 2  # 14-bit
    mask = np.where(pcm < 0, 0x7F, 0xFF)
    mag = np.minimum(np.abs(pcm), _ULAW_CLIP) + (_ULAW_BIAS >> 2)
    seg = np.searchsorted(_ULAW_SEG_END, mag, side="left")
    code = (seg << 4) | ((mag >> (seg + 1)) & 0xF)
    return ((np.where(seg >= 8, 0x7F, code) ^ mask) & 0xFF).astype(np.uint8)


@cache
def _alaw_table() -> Codes:
    pcm = _all_samples() >> 3  # 13-bit
    mask = np.where(pcm >= 0, 0xD5, 0x55)
    mag = np.where(pcm >= 0, pcm, -pcm - 1)
    seg = np.searchsorted(_ALAW_SEG_END, mag, side="left")
    quant = np.where(seg < 2, mag >> 1, mag >> np.maximum(seg, 1)) & 0xF
    code = (seg << 4) | quant
    return ((np.where(seg >= 8, 0x7F, code) ^ mask) & 0xFF).astype(np.uint8)


@cache
def _ulaw_decode_table() -> Pcm:
    u = ~np.arange(256, dtype=np.int32) & 0xFF
    t = (((u & 0x0F) << 3) + _ULAW_BIAS) << ((u & 0x70) >> 4)
    return np.where(u & 0x80, _ULAW_BIAS - t, t - _ULAW_BIAS).astype(np.int16)


@cache
def _alaw_decode_table() -> Pcm:
    a = np.arange(256, dtype=np.int32) ^ 0x55
    seg = (a & 0x70) >> 4
    t = (a & 0x0F) << 4
    t = np.where(seg == 0, t + 8, (t + 0x108) << np.maximum(seg - 1, 0))
    return np.where(a & 0x80, t, -t).astype(np.int16)


def ulaw_encode(pcm: Pcm) -> Codes:
    return _ulaw_table()[np.ascontiguousarray(pcm, dtype=np.int16).view(np.uint16)]


def alaw_encode(pcm: Pcm) -> Codes:
    return _alaw_table()[np.ascontiguousarray(pcm, dtype=np.int16).view(np.uint16)]


def ulaw_decode(codes: Codes) -> Pcm:
    return _ulaw_decode_table()[np.asarray(codes, dtype=np.uint8)]


def alaw_decode(codes: Codes) -> Pcm:
    return _alaw_decode_table()[np.asarray(codes, dtype=np.uint8)]
