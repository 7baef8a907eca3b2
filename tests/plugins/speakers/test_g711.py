"""G.711 against audioop, the reference C implementation Python shipped until 3.13 (a test-only use)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from gridwatch.plugins.speakers import g711

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    audioop = pytest.importorskip("audioop")

EVERY_SAMPLE = np.arange(-32768, 32768, dtype=np.int16)
EVERY_CODE = np.arange(256, dtype=np.uint8)


@pytest.mark.parametrize(
    ("encode", "reference"), [(g711.ulaw_encode, "lin2ulaw"), (g711.alaw_encode, "lin2alaw")]
)
def test_encoders_match_the_reference_for_every_sample(encode, reference) -> None:
    assert encode(EVERY_SAMPLE).tobytes() == getattr(audioop, reference)(EVERY_SAMPLE.tobytes(), 2)


@pytest.mark.parametrize(
    ("decode", "reference"), [(g711.ulaw_decode, "ulaw2lin"), (g711.alaw_decode, "alaw2lin")]
)
def test_decoders_match_the_reference_for_every_code(decode, reference) -> None:
    assert decode(EVERY_CODE).tobytes() == getattr(audioop, reference)(EVERY_CODE.tobytes(), 2)


@pytest.mark.parametrize(
    ("encode", "decode"), [(g711.ulaw_encode, g711.ulaw_decode), (g711.alaw_encode, g711.alaw_decode)]
)
def test_round_trip_error_stays_within_the_segment_step(encode, decode) -> None:
    back = decode(encode(EVERY_SAMPLE)).astype(np.int32)
    error = np.abs(back - EVERY_SAMPLE)
    # Logarithmic companding: the error grows with the magnitude, about 1/32 of it at most (+ the clip).
    assert np.all(error <= np.maximum(np.abs(EVERY_SAMPLE.astype(np.int32)) / 16, 16) + 130)
    # Codes survive a decode/encode round trip exactly (except the two zero codes of µ-law).
    codes = encode(decode(EVERY_CODE))
    assert np.count_nonzero(codes != EVERY_CODE) <= 1


def test_encoding_accepts_non_contiguous_views() -> None:
    stereo = np.stack([EVERY_SAMPLE, -EVERY_SAMPLE - 1], axis=1)
    assert np.array_equal(g711.ulaw_encode(stereo[:, 0]), g711.ulaw_encode(EVERY_SAMPLE))
