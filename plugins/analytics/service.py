"""`gridwatch serve analytics`: one or more worker processes sharing the cameras through the store's leases.

On PostgreSQL each process is a lease holder of its own, so processes on several machines share the
cameras the same way as processes on one; a process that dies leaves its cameras to the others within
the lease time. The service signs in as a person with the `system` role (docs/ANALYTICS.md), never as the
store's owner. On SQLite one process holds every camera.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
from types import FrameType

from gridwatch.db.store import Store
from gridwatch.plugins.analytics.worker import AnalyticsWorker, WorkerOptions
from gridwatch.plugins.service import check_system_sign_in

log = logging.getLogger(__name__)


def check_signed_in(store: Store) -> str:
    """The person the service acts as; on PostgreSQL the owner's connection is refused (docs/SECURITY.md:
    no service runs as the owner)."""
    return check_system_sign_in(
        store, "analytics", "analytics", "gridwatch user add analytics --name 视频分析 --role system"
    )


def run_worker(url: str, options: WorkerOptions, stop: threading.Event | None = None) -> None:
    """One worker in this process until SIGTERM/SIGINT (or `stop`)."""
    stop = stop or threading.Event()
    store = Store(url)
    try:
        actor = check_signed_in(store)
        if threading.current_thread() is threading.main_thread():

            def _stop(signum: int, frame: FrameType | None) -> None:
                stop.set()

            signal.signal(signal.SIGTERM, _stop)
            signal.signal(signal.SIGINT, _stop)
        worker = AnalyticsWorker(store, options, actor=actor)
        log.info("analytics worker %s started as %s", worker.holder, actor)
        worker.run(stop)
    finally:
        store.dispose()


def _child(url: str, options: WorkerOptions) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(processName)s %(levelname)s %(message)s")
    run_worker(url, options)


def serve(url: str, workers: int, options: WorkerOptions) -> None:
    """Run `workers` worker processes (one on SQLite) until SIGTERM/SIGINT."""
    store = Store(url)
    try:
        check_signed_in(store)
        if not store.is_postgres:
            workers = 1
    finally:
        store.dispose()
    if workers == 1:
        run_worker(url, options)
        return
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(target=_child, args=(url, options), name=f"analytics-{i + 1}") for i in range(workers)
    ]
    for child in children:
        child.start()
    stopping = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()
        for child in children:
            if child.is_alive() and child.pid is not None:
                child.terminate()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    for child in children:
        child.join()
