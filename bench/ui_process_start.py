"""Process start → the dispatcher window shown and its event loop running, on a given store.

What a dispatcher waits for after double-clicking: interpreter start-up excluded (~50 ms), imports, the
store, the window, the first queue page. The map keeps loading in the background after this point.

    python bench/ui_process_start.py /tmp/ui-bench-100000.sqlite [--runs 3]

(`bench/ui_startup.py` makes that 100,000-open-case store and measures inside one process.)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

CHILD = r"""
import os, sys, time
T0 = time.perf_counter()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

original_exec = QApplication.exec


def exec_and_report(*args, **kwargs):
    def report():
        print(f"{time.perf_counter() - T0:.3f}", flush=True)
        QApplication.quit()

    QTimer.singleShot(0, report)
    return original_exec()


QApplication.exec = staticmethod(exec_and_report)
sys.argv = ["gridwatch", "dispatcher", "--db", sys.argv[1], "--as", "admin"]
from gridwatch.cli import main

try:
    main()
except SystemExit:
    pass
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs + 1):  # the first run warms the page cache and is not counted
        out = subprocess.run(
            [sys.executable, "-c", CHILD, args.db], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    counted = times[1:]
    print(
        f"process start → interactive dispatcher window: median {statistics.median(counted):.2f} s "
        f"(runs {', '.join(f'{t:.2f}' for t in counted)}; cold first run {times[0]:.2f} s); goal ≤ 2 s"
    )


if __name__ == "__main__":
    main()
