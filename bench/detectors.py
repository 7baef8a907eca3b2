"""The rule detectors' accuracy and speed on scripted synthetic street videos (issue 12, accuracy and speed).

Run by hand:  python bench/detectors.py [--variants 10] [--hour-minutes 60] [--falling-minutes 10]

- Accuracy: for each rule detector, `--variants` scripted videos with its event (positives, each on one
  of the demo's street scenes, day and dusk, with pedestrians and traffic) and as many near misses (a
  stall packed up before the dwell, a car stopping briefly, a basket let down on a rope, a puff of smoke,
  bags put down and taken away). A detection is a true positive when it is in the right zone with start
  and end within the tolerance; anything else found is a false positive. Prints the confusion counts
  and precision/recall per detector (target ≥ 0.9 each).
- False alarms: a busy street with every zone watched and no violation, with a slow brightness swing
  (clouds) and camera noise: an hour at 1 frame a second for the dwell detectors, and `--falling-minutes`
  at the falling detector's 5 frames a second, scaled to per camera-hour (target ≤ 1).
- Speed: frames a second on one core (OpenCV single-threaded, process CPU time) at 640x360 per rule
  detector and for all five zones of a camera together (target ≥ 200), and apart from it what decoding
  costs per sampled frame (a 25 fps file sampled at 2 fps: every frame is decoded).
Frames are rendered in memory for accuracy and false alarms (the tests decode real files).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

from gridwatch.plugins.detectors import CameraAnalyser, Detection, ZoneSet, sampled_frames
from gridwatch.plugins.detectors import synthetic as syn

TOLERANCE_S = {"occupancy": 2.0, "parking": 2.0, "falling": 0.8, "smoke": 4.0, "bin": 3.0}


def run(script: syn.Script, fps: float | None = None) -> list[Detection]:
    zones = ZoneSet.from_data(script.zone_data())
    rate = fps or zones.live_fps()
    analyser = CameraAnalyser(zones, rate)
    found: list[Detection] = []
    for n in range(int(script.duration_s * rate)):
        found += analyser.feed(script.frame(n / rate), n / rate)
    found += analyser.finish()
    if analyser.disabled:
        raise SystemExit(f"{script.name}: disabled {analyser.disabled}")
    return found


def score(kind: str, script: syn.Script, found: list[Detection], counts: Counter[str]) -> None:
    unmatched = list(found)
    for truth in script.truth:
        tol = TOLERANCE_S[kind]
        match = next(
            (
                d
                for d in unmatched
                if d.zone == truth.zone
                and abs(d.start_s - truth.start_s) <= tol
                and abs(d.end_s - truth.end_s) <= tol
            ),
            None,
        )
        if match is None:
            counts["fn"] += 1
            print(f"    missed {script.name}: {truth}; found {[d.summary() for d in found]}")
        else:
            counts["tp"] += 1
            unmatched.remove(match)
    counts["fp"] += len(unmatched)
    for d in unmatched:
        print(f"    false  {script.name}: {d.summary()}")
    if not script.truth and not found:
        counts["tn"] += 1


def accuracy(variants: int) -> bool:
    print(f"Accuracy: {variants} positives + {variants} near misses per detector (in-memory frames)")
    print(f"  {'detector':<10} {'TP':>4} {'FP':>4} {'FN':>4} {'TN':>4}  precision  recall  seconds")
    ok = True
    for kind in syn.KINDS:
        counts: Counter[str] = Counter()
        started = time.perf_counter()
        for seed in range(variants):
            for positive in (True, False):
                script = syn.variant(kind, seed, positive=positive)
                score(kind, script, run(script), counts)
        tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        ok &= precision >= 0.9 and recall >= 0.9
        print(
            f"  {kind:<10} {tp:>4} {fp:>4} {fn:>4} {counts['tn']:>4}  {precision:9.2f}  {recall:6.2f}"
            f"  {time.perf_counter() - started:7.1f}"
        )
    return ok


def false_alarms(hour_minutes: float, falling_minutes: float) -> bool:
    print("False alarms on a busy street (no violation), scaled to one camera-hour:")
    ok = True
    busy = syn.busy_script(11, duration_s=hour_minutes * 60, scene_index=4, traffic=1.6, light=0.08)
    busy.zones = [z for z in busy.zones if z["detector"] != "falling"]
    started = time.perf_counter()
    found = run(busy, fps=1.0)
    per_hour = len(found) * 60 / hour_minutes
    ok &= per_hour <= 1
    walkers = sum(1 for w in busy.walkers if w.born < busy.duration_s)
    print(
        f"  occupancy, parking, smoke, bin at 1 fps: {hour_minutes:g} min, {int(hour_minutes * 60)} frames, "
        f"{walkers} passers-by and vehicles: {len(found)} alarms = {per_hour:.1f}/camera-hour "
        f"({time.perf_counter() - started:.0f} s) {[d.summary() for d in found]}"
    )
    busy = syn.busy_script(12, duration_s=falling_minutes * 60, scene_index=5, traffic=1.6, light=0.08)
    busy.zones = [z for z in busy.zones if z["detector"] == "falling"]
    started = time.perf_counter()
    found = run(busy, fps=5.0)
    per_hour = len(found) * 60 / falling_minutes
    ok &= per_hour <= 1
    print(
        f"  falling at 5 fps: {falling_minutes:g} min, {int(falling_minutes * 300)} frames: "
        f"{len(found)} alarms = {per_hour:.1f}/camera-hour ({time.perf_counter() - started:.0f} s) "
        f"{[d.summary() for d in found]}"
    )
    return ok


def speed() -> bool:
    cv2.setNumThreads(1)
    print("Speed on one core (cv2.setNumThreads(1); process CPU time), 640x360 frames:")
    script = syn.busy_script(13, duration_s=120, scene_index=1, traffic=1.6)
    frames = [script.frame(n / 2) for n in range(240)]  # rendered beforehand: not counted
    ok = True
    cases = [(z["detector"], [z]) for z in script.zones] + [("all five zones", script.zones)]
    for label, zones in cases:
        zone_set = ZoneSet.from_data({"zones": zones})
        fps = zone_set.live_fps()
        analyser = CameraAnalyser(zone_set, fps)
        for n in range(40):  # warm-up: the background is built
            analyser.feed(frames[n], n / fps)
        count = 0
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        while time.process_time() - cpu0 < 3.0:
            n = 40 + count
            analyser.feed(frames[n % len(frames)], n / fps)
            count += 1
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
        rate = count / cpu
        if label != "all five zones":
            ok &= rate >= 200
        print(
            f"  {label:<15} {rate:8.0f} frames/s per core  "
            f"({1000 / rate:5.2f} ms/frame; wall {count / wall:.0f}/s)"
        )
    with tempfile.TemporaryDirectory() as folder:
        for size, fourcc in (((640, 360), "mp4v"), ((1280, 720), "mp4v"), ((640, 360), "MJPG")):
            path = Path(folder) / f"decode.{'mp4' if fourcc == 'mp4v' else 'avi'}"
            writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), 25, size)
            for n in range(25 * 20):
                writer.write(cv2.resize(frames[(n // 12) % len(frames)], size))
            writer.release()
            cpu0 = time.process_time()
            sampled = sum(1 for _ in sampled_frames(path, 2.0))
            cpu = time.process_time() - cpu0
            print(
                f"  decoding {fourcc} {size[0]}x{size[1]} 25 fps sampled at 2 fps (downscale included): "
                f"{1000 * cpu / sampled:.1f} ms CPU per sampled frame "
                f"({1000 * cpu / 500:.2f} ms per decoded frame)"
            )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=10)
    parser.add_argument("--hour-minutes", type=float, default=60.0)
    parser.add_argument("--falling-minutes", type=float, default=10.0)
    parser.add_argument("--skip", choices=["accuracy", "alarms", "speed"], action="append", default=[])
    args = parser.parse_args()
    np.seterr(all="ignore")
    print("load average before: {:.1f} {:.1f} {:.1f} (2 cores shared)".format(*os.getloadavg()))
    results = {}
    if "speed" not in args.skip:
        results["speed ≥ 200 frames/s per detector"] = speed()
    if "accuracy" not in args.skip:
        results["precision and recall ≥ 0.9"] = accuracy(args.variants)
    if "alarms" not in args.skip:
        results["≤ 1 false alarm per camera-hour"] = false_alarms(args.hour_minutes, args.falling_minutes)
    for what, ok in results.items():
        print(f"{what}: {'meets target' if ok else 'MISSES target'}")
    print("load average after: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    sys.exit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
