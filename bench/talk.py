"""Push-to-talk latency: microphone buffer → first RTP packet on the wire, and press → first packet.

Runs its own fake microphone (PulseAudio null sink + remap source, playing a tone) and a loopback RTP
receiver, then presses the real TalkButton N times.   python bench/talk.py [--presses 20] [--live-device]

`--arbiter [--db URL]` instead times the store side of one talk (acquire, one renewal, release, the
record of 10 s of audio) on a fresh SQLite file, or on the given store (which must have a loudspeaker
and the `admin` person).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.talk.capture import listening
from tests.talk.conftest import write_tone
from tests.talk.fake_pulse import FakePulse


def arbiter(url: str | None, rounds: int) -> None:
    from gridwatch.db import talk
    from gridwatch.db.models import Device
    from gridwatch.db.store import Store, utcnow

    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp()}/talk.sqlite"
        fresh = Store(url)
        fresh.upgrade()
        with fresh.session() as session:
            session.add(
                Device(code="S1", kind="loudspeaker", name="bench", lon=118.1, lat=24.5,
                       address="127.0.0.1:40001", protocol="rtp-pcmu", updated_at=utcnow())
            )  # fmt: skip
        fresh.dispose()
    store = Store(url)
    code = talk.speakers(store)[0].code
    timings: dict[str, list[float]] = {"acquire": [], "renew": [], "release": [], "record 10 s": []}
    audio = b"\xff" * 80000
    for _ in range(rounds):
        t0 = time.perf_counter()
        grant = talk.acquire(store, "admin", [code])
        t1 = time.perf_counter()
        assert talk.lost_to(store, grant) is None
        t2 = time.perf_counter()
        talk.release(store, grant)
        t3 = time.perf_counter()
        now = utcnow()
        talk.record(store, "admin", started_at=now, ended_at=now, targets=grant.targets, codec="pcmu",
                    kind="microphone", audio=audio)  # fmt: skip
        t4 = time.perf_counter()
        for name, seconds in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            timings[name].append(seconds * 1000)
    store.dispose()
    print(f"store: {store.engine.dialect.name}, rounds: {rounds}")
    for name, values in timings.items():
        print(f"{name:>12}: median {statistics.median(values):.2f} ms, max {max(values):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--arbiter", action="store_true", help="time the store side of a talk instead")
    parser.add_argument("--db", default=None, help="store URL for --arbiter (default: a fresh SQLite file)")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument(
        "--live-device",
        action="store_true",
        help="keep the fake device clocked like real hardware (see FakePulse)",
    )
    args = parser.parse_args()
    if args.arbiter:
        arbiter(args.db, args.rounds)
        return
    pulse = FakePulse()
    pulse.start()
    os.environ["PULSE_SERVER"] = pulse.server  # before QtMultimedia loads
    from PySide6.QtWidgets import QApplication

    from gridwatch.talk.button import TalkButton

    app = QApplication([])
    player = pulse.play(write_tone(Path(tempfile.mkdtemp()) / "tone.wav", 1000.0, 600.0))
    live = pulse.keep_live() if args.live_device else None
    buffer_to_packet, press_to_packet = [], []
    try:
        with listening() as capture:
            button = TalkButton([capture.address], "pcmu")
            for _ in range(args.presses):
                capture.packets.clear()
                pressed_at = time.monotonic()
                button.start_talking()
                while not capture.packets and time.monotonic() - pressed_at < 10:
                    app.processEvents()
                    time.sleep(0.0005)
                first = capture.packets[0][0]
                assert button.microphone is not None and button.microphone.first_buffer_at is not None
                buffer_to_packet.append((first - button.microphone.first_buffer_at) * 1000)
                press_to_packet.append((first - pressed_at) * 1000)
                button.stop_talking()
                time.sleep(0.1)  # the call's last packet lands before the next press clears the list
                app.processEvents()
    finally:
        player.kill()
        if live is not None:
            live.kill()
        pulse.stop()
    print(f"presses: {args.presses}")
    print(
        f"microphone buffer -> first RTP packet: median {statistics.median(buffer_to_packet):.2f} ms, "
        f"max {max(buffer_to_packet):.2f} ms (goal <= 60 ms)"
    )
    print(
        f"press -> first RTP packet: median {statistics.median(press_to_packet):.0f} ms, "
        f"min {min(press_to_packet):.0f} ms, max {max(press_to_packet):.0f} ms (with stream start)"
    )


if __name__ == "__main__":
    main()
