"""Several processes on the same cases reach the real optimistic lock, and a killed writer leaves nothing.

Each worker is its own process with its own store handle, as eight desks are. A barrier holds every
worker right before its versioned UPDATE, so all of them have read the same version when they write:
the `WHERE version = :seen` clause, not the early version check, decides who wins.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from sqlalchemy import event, func, select

from gridwatch.db.errors import Conflict, StoreError
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case, CaseEvent
from gridwatch.db.store import Store
from tests.cli.test_cases_cli import url_of

WORKERS = 8
pytestmark = pytest.mark.slow


def _act_together(url: str, case_no: str, barrier: Any, results: Any) -> None:
    store = Store(url)

    def hold(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("UPDATE CASES", "WITH MOVED")):
            barrier.wait(timeout=60)

    event.listen(store.engine, "before_cursor_execute", hold)
    try:
        store.act(case_no, "accept", actor="handler", inp=ActionInput(note=f"pid {os.getpid()}"))
        results.put("ok")
    except Conflict:
        results.put("conflict")
    except StoreError as exc:  # anything else is a failure of the test, reported by name
        results.put(f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # a traceback in a worker must show in the assertion, not vanish
        results.put(f"traceback {type(exc).__name__}: {exc}")
    finally:
        store.dispose()


def test_eight_processes_on_one_case_one_wins_and_the_rest_are_told(
    store: Store, staff: dict[str, str]
) -> None:
    case = store.report(actor="worker", source="grid_worker", category_code="06010", lon=118.09, lat=24.47)
    store.act(case.case_no, "register", actor="leader")
    store.act(case.case_no, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ"))
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(WORKERS), spawn.Queue()
    workers = [
        spawn.Process(target=_act_together, args=(url_of(store), case.case_no, barrier, results))
        for _ in range(WORKERS)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert outcomes == ["conflict"] * (WORKERS - 1) + ["ok"]
    with store.session() as s:
        row = store.case(s, case.case_no)
        events = store.events(s, case.case_no)
        assert row.state == "handling" and row.version == 4
        assert [e.action for e in events] == ["report", "register", "dispatch", "accept"]
        assert [e.case_version for e in events] == [1, 2, 3, 4]


KILLED_WRITER = """
import os, sys, time
from sqlalchemy import event
from gridwatch.db.store import Store

store = Store(sys.argv[1])

def stall(session, *_):
    print("inserted", flush=True)
    time.sleep(60)  # killed here, between the INSERTs and the COMMIT

event.listen(store._sessions, "before_commit", stall)
store.report(actor="worker", source="grid_worker", category_code="06010", lon=118.09, lat=24.47,
             description="never committed")
"""


def test_a_writer_killed_mid_transaction_leaves_no_partial_case(store: Store, staff: dict[str, str]) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, url_of(store)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "inserted"
    writer.send_signal(signal.SIGKILL)
    writer.wait(30)
    deadline = time.monotonic() + 30
    while True:  # PostgreSQL notices the dead client and rolls back; SQLite never committed
        with store.session() as s:
            cases = s.scalar(select(func.count(Case.id)))
            events = s.scalar(select(func.count(CaseEvent.id)))
        if cases == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert (cases, events) == (0, 0)
    fresh = store.report(actor="worker", source="grid_worker", category_code="06010", lon=118.09, lat=24.47)
    assert fresh.state == "reported"
