"""Dispatcher window on a large store: start-up to an interactive window, queue scrolling, filter changes.

    python bench/ui_startup.py                      # seeds a 100,000-case demo store in /tmp first (~2 min)
    python bench/ui_startup.py --db /tmp/big.sqlite  # an existing demo store
    python bench/ui_startup.py --runs 3 --startup-only  # start-up figures only

The demo leaves most of its cases closed; a dispatcher's worst day is 100,000 *open* ones, so the bench
reopens every case of its own copy (state and clock fields only) before measuring. Figures are medians
over repetitions; a frame is one scroll step plus a synchronous repaint of the queue's viewport.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from gridwatch.db.demo_city import seed_demo
from gridwatch.db.store import Store
from gridwatch.ui.application import make_application
from gridwatch.ui.login import find_login
from gridwatch.ui.main_window import MainWindow


def prepare(db: str | None, cases: int, analyze: bool) -> str:
    """A copy of the store with every case open (handling, due in the next days)."""
    work = Path(tempfile.mkdtemp()) / "ui-bench.sqlite"
    if db is None:
        source = Path(tempfile.gettempdir()) / f"ui-bench-{cases}.sqlite"
        if not source.exists():
            store = Store(f"sqlite:///{source}")
            store.upgrade()
            print(f"seeding {cases:,} cases into {source} …", flush=True)
            seed_demo(store, cases=cases)
            store.dispose()
    else:
        source = Path(db.removeprefix("sqlite:///"))
    shutil.copy(source, work)
    store = Store(f"sqlite:///{work}")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE cases SET state = 'handling', closed_at = NULL, close_type = NULL,"
                " stage_started_at = reported_at,"
                " stage_due_at = datetime('now', '+' || (id % 96) || ' hours'),"
                " deadline_at = datetime('now', '+' || (id % 96) || ' hours'),"
                " limit_unit = 'hours', limit_amount = 48"
                " WHERE state NOT IN ('reported', 'verifying', 'registered', 'dispatched', 'handling')"
            )
        )
        total = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
        if analyze:  # planner statistics: without them SQLite sorts all open cases for the first page
            conn.execute(text("ANALYZE"))
    store.dispose()
    print(f"store: {work} ({total:,} cases, all open, {'with' if analyze else 'no'} ANALYZE statistics)")
    return f"sqlite:///{work}"


def open_window(url: str, with_map: bool) -> tuple[float, float, MainWindow]:
    """Seconds to an interactive window (shown, first queue page in, pending events handled) and to the
    map fully drawn; the map reads its layers in a loader thread meanwhile."""
    started = time.perf_counter()
    store = Store(url)
    login = find_login(store, "leader_dispatch") or find_login(store, "admin")
    assert login is not None
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "layout.ini"), QSettings.Format.IniFormat)
    window = MainWindow(store, login, "dispatcher", settings, live=False, with_map=with_map)
    window.resize(1600, 960)
    window.show()
    QApplication.processEvents()
    window.queue.table.viewport().repaint()
    assert window.queue.model.rowCount() > 0
    interactive = time.perf_counter() - started
    wait = getattr(window.map, "wait_loaded", None)
    if callable(wait):
        assert wait(30_000)
    return interactive, time.perf_counter() - started, window


def close(window: MainWindow) -> None:
    store = window.store
    window.close()
    window.deleteLater()
    QApplication.processEvents()
    store.dispose()


def startup(url: str, runs: int, with_map: bool) -> tuple[float, float]:
    """Medians of (interactive, fully drawn) over `runs` windows."""
    interactive, drawn = [], []
    for _ in range(runs):
        ready, done, window = open_window(url, with_map)
        interactive.append(ready)
        drawn.append(done)
        close(window)
    return statistics.median(interactive), statistics.median(drawn)


def process_startup(url: str, runs: int) -> float:
    """The whole `gridwatch dispatcher --screenshot` process: Python, Qt, store, window, map, PNG."""
    times = []
    for _ in range(runs):
        png = Path(tempfile.mkdtemp()) / "shot.png"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "gridwatch", "dispatcher", "--db", url, "--as", "leader_dispatch",
             "--lang", "zh_CN", "--screenshot", str(png)],
            check=True, capture_output=True,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def scroll(window: MainWindow, frames: int) -> tuple[list[float], int]:
    table = window.queue.table
    bar = table.verticalScrollBar()
    costs = []
    for _ in range(frames):
        started = time.perf_counter()
        bar.setValue(bar.value() + bar.pageStep())
        model = window.queue.model
        if bar.value() == bar.maximum() and model.canFetchMore():
            model.fetchMore()  # what the view does when its scroll bar reaches the end
        QApplication.processEvents()
        table.viewport().repaint()
        costs.append((time.perf_counter() - started) * 1000)
    return costs, window.queue.model.rowCount()


def filter_changes(window: MainWindow) -> list[float]:
    queue = window.queue
    steps = [
        lambda: queue.urgency.setCurrentIndex(queue.urgency.findData("A")),
        lambda: queue.urgency.setCurrentIndex(0),
        lambda: queue.source.setCurrentIndex(queue.source.findData("video")),
        lambda: queue.source.setCurrentIndex(0),
        lambda: queue.category.setCurrentIndex(queue.category.findData("09")),
        lambda: queue.category.setCurrentIndex(0),
        lambda: queue.area.setCurrentIndex(1),
        lambda: queue.area.setCurrentIndex(0),
        lambda: queue.overdue.setChecked(True),
        lambda: queue.overdue.setChecked(False),
    ]
    costs = []
    for step in steps * 2:
        started = time.perf_counter()
        step()
        queue.table.viewport().repaint()
        QApplication.processEvents()
        costs.append((time.perf_counter() - started) * 1000)
    return costs


def deep_fetch(window: MainWindow, depth: int) -> float:
    """One page fetched `depth` rows down (offset paging's worst case)."""
    model = window.queue.model
    while model.rowCount() < depth and model.canFetchMore():
        model.fetchMore()
    started = time.perf_counter()
    model.fetchMore()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="an SQLite demo store (default: seed one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--analyze", action="store_true", help="run ANALYZE on the copy first")
    parser.add_argument("--startup-only", action="store_true", help="skip scrolling, filters and paging")
    args = parser.parse_args()
    url = prepare(args.db, args.cases, args.analyze)
    make_application("zh_CN")
    runs = args.runs
    ready, _ = startup(url, runs, False)
    print(f"start-up, window + queue + detail, no map:  {ready:.2f} s (median of {runs})")
    ready, drawn = startup(url, runs, True)
    print(f"start-up with the map, interactive window:  {ready:.2f} s (median of {runs})")
    print(f"start-up with the map, map fully drawn:     {drawn:.2f} s (median of {runs})")
    print(f"start-up, whole process (--screenshot):     {process_startup(url, 3):.2f} s (median of 3)")
    if args.startup_only:
        return
    _, _, window = open_window(url, with_map=False)
    costs, loaded = scroll(window, 1000)
    costs.sort()
    print(
        f"queue scroll, 1000 page steps: median {statistics.median(costs):.1f} ms/frame, "
        f"p95 {costs[int(len(costs) * 0.95)]:.1f} ms, max {costs[-1]:.1f} ms ({loaded:,} rows fetched)"
    )
    filters = sorted(filter_changes(window))
    print(
        f"filter change + repaint: median {statistics.median(filters):.1f} ms, "
        f"max {filters[-1]:.1f} ms (20 changes)"
    )
    for depth in (10_000, 50_000):
        print(f"fetchMore of one page at row {depth:,}: {deep_fetch(window, depth):.1f} ms")
    close(window)


if __name__ == "__main__":
    main()
