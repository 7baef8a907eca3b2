"""Push-to-talk latency: microphone buffer → first RTP packet on the wire, and press → first packet.

Runs its own fake microphone (PulseAudio null sink + remap source, playing a tone) and a loopback RTP
receiver, then presses the real TalkButton N times.   python bench/talk.py [--presses 20] [--live-device]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument(
        "--live-device",
        action="store_true",
        help="keep the fake device clocked like real hardware (see FakePulse)",
    )
    args = parser.parse_args()
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
