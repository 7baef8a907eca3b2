"""A private PulseAudio server whose default microphone plays whatever is sent to its null sink.

Qt's PulseAudio backend connects once, when QtMultimedia is first used, and never retries; so the server
must run, and PULSE_SERVER point at it, before anything in the process touches QtMultimedia. Root runs
the per-user daemon here (it warns but works); `--system` is not needed. Qt ignores raw monitor sources
as microphones, hence the remap source.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SINK = "gridwatch_fake_sink"
SOURCE = "gridwatch_fake_mic"


class FakePulse:
    def __init__(self) -> None:
        self.runtime = Path(tempfile.mkdtemp(prefix="gridwatch-pulse-"))
        self.runtime.chmod(0o700)
        self.server = f"unix:{self.runtime}/pulse/native"
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(self.runtime), "PULSE_SERVER": self.server}

    def start(self) -> None:
        subprocess.run(
            ["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "--system=false", "-n",
             "--load=module-native-protocol-unix",
             f"--load=module-null-sink sink_name={SINK}",
             f"--load=module-remap-source master={SINK}.monitor source_name={SOURCE}"],
            env=self.env, check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while self.pactl("info").returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("the fake PulseAudio server did not start")
            time.sleep(0.05)
        self.pactl("set-default-sink", SINK)
        self.pactl("set-default-source", SOURCE)

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10)

    def play(self, wav: Path) -> subprocess.Popen[bytes]:
        """Play `wav` into the fake microphone."""
        return subprocess.Popen(["paplay", f"--device={SINK}", str(wav)], env=self.env)

    def keep_live(self) -> subprocess.Popen[bytes]:
        """A 20 ms consumer on the null sink: without one the sink renders 2 s blocks while idle, and a new
        recording stream waits up to 2 s for its first samples, unlike a real microphone."""
        return subprocess.Popen(
            ["parec", f"--device={SINK}.monitor", "--latency-msec=20", "--raw"],
            env=self.env, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def stop(self) -> None:
        self.pactl("exit")
        shutil.rmtree(self.runtime, ignore_errors=True)
