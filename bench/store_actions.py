"""Lifecycle actions through the store API: throughput of one client, and no lost update under contention.

Run by hand:  python bench/store_actions.py [--cases 1000] [--clients 16] [--ops 150] [--hot 10]
              python bench/store_actions.py --reports [--clients 8] [--seconds 5] [--before REV]

Target (issue): ≥ 500 actions/s from one client on PostgreSQL; 16 concurrent clients on the same 1,000
cases lose no update: every successful action has its event, every refused one got a Conflict.

1. One client (PostgreSQL, then SQLite): report `--cases` cases, then take each case through register,
   dispatch, accept, request/refuse extension, feedback, send_check, check_pass, close. Each action over
   all cases is one batch; prints every batch's rate and the median.
2. `--clients` processes, each with its own Store, on the same `--cases` cases (all in `handling`): read
   the case's version and pending request, then `request_extension` or `refuse_extension` with that
   expected_version. Once spread over all cases, once with every client on `--hot` of them (many
   conflicts). Then checks the store against what the clients saw: new case_events rows == successes,
   each case's version moved by exactly its successes, events per case == version, and no refusal other
   than Conflict.
3. `--reports` (only this): `--clients` threads, each a signed-in grid worker through one service login
   (`Store.acting_as`, as `gridwatch serve api`), report a case with a 200 KB photo for `--seconds`;
   prints reports/s, median and p99, this process's CPU and the round trips per report. `--before REV`
   first runs the same phase with commit REV's code (git archive, its own migrations) for ratios.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import psycopg
from scratch_store import (
    DEPARTMENT,
    PG_URL,
    median,
    percentile,
    pg_dsn,
    pg_engine,
    pg_schema,
    pg_url,
    sqlite_store,
    verdict,
)
from sqlalchemy import func, select

from gridwatch.db.errors import Conflict, StoreError
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Case, CaseEvent
from gridwatch.db.store import Store

SCHEMA = "bench_store_actions"
ACTOR = "admin"  # the seeded administrator may take every action the workflow allows
TARGET_PER_S = 500.0
REPORT_TARGET_PER_S = 200.0  # issue 11: a report with a 200 KB photo, sustained, through the API
REPORT_TARGET_P99_MS = 100.0
RATIOS = (("rate", "rate"), ("median", "median_ms"), ("p99", "p99_ms"), ("CPU", "cpu_ms"))
LIFECYCLE: tuple[tuple[str, dict[str, Any]], ...] = (
    ("register", {"urgency": "B"}),
    ("dispatch", {"department": DEPARTMENT}),
    ("accept", {}),
    ("request_extension", {"hours": 4.0, "reason": "bench"}),
    ("refuse_extension", {"reason": "bench"}),
    ("feedback", {}),
    ("send_check", {}),
    ("check_pass", {}),
    ("close", {}),
)
TO_HANDLING = 3  # register, dispatch, accept


def report_cases(store: Store, count: int) -> tuple[list[str], float]:
    """`count` new cases and the reports per second it took."""
    t0 = time.perf_counter()
    numbers = [
        store.report(
            actor=ACTOR, source="citizen", category_code="06010", lon=118.1, lat=24.47, description="bench"
        ).case_no
        for _ in range(count)
    ]
    return numbers, count / (time.perf_counter() - t0)


def take_steps(store: Store, numbers: Sequence[str], steps: int) -> list[tuple[str, float]]:
    """The first `steps` lifecycle actions on every case, one timed batch per action: (action, actions/s)."""
    rates = []
    for done, (action, fields) in enumerate(LIFECYCLE[:steps]):
        t0 = time.perf_counter()
        for number in numbers:
            store.act(number, action, actor=ACTOR, inp=ActionInput(expected_version=1 + done, **fields))
        rates.append((action, len(numbers) / (time.perf_counter() - t0)))
    return rates


def single_client(store: Store, label: str, count: int) -> tuple[float, list[str]]:
    numbers, reports = report_cases(store, count)
    rates = take_steps(store, numbers, len(LIFECYCLE))
    print(f"  {label}: report {reports:7.0f}/s | " + " ".join(f"{a} {r:.0f}" for a, r in rates))
    best = median([r for _, r in rates])
    print(f"  {label}: median over {len(rates)} action batches of {count}: {best:7.0f} actions/s")
    return best, numbers


def raw_floor(schema: str, numbers: Sequence[str]) -> float:
    """The least an action must do, in raw psycopg: a versioned UPDATE and an event row, committed."""
    with psycopg.connect(pg_dsn(schema)) as conn:
        ids = conn.execute(
            "SELECT id, version FROM cases WHERE case_no = ANY(%s)", (list(numbers),)
        ).fetchall()
        t0 = time.perf_counter()
        for case_id, version in ids:
            conn.execute(
                "UPDATE cases SET version = version + 1, updated_at = now() WHERE id = %s AND version = %s",
                (case_id, version),
            )
            conn.execute(
                "INSERT INTO case_events (case_id, action, from_state, to_state, at, data) "
                "VALUES (%s, 'bench', 'closed', 'closed', now(), '{}')",
                (case_id,),
            )
            conn.commit()
        return len(ids) / (time.perf_counter() - t0)


@dataclass
class Outcome:
    """What one client saw: successes per case, Conflicts, any other refusal (there should be none)."""

    successes: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0
    others: list[str] = field(default_factory=list)
    elapsed: float = 0.0

    def add(self, other: Outcome) -> None:
        self.successes.update(other.successes)
        self.conflicts += other.conflicts
        self.others.extend(other.others)
        self.elapsed = max(self.elapsed, other.elapsed)


def client(
    schema: str, numbers: list[str], ops: int, seed: int, barrier: Barrier, results: Queue[Outcome]
) -> None:
    """One client process: read the version just before acting, like a desktop showing the case."""
    store = Store(engine=pg_engine(schema))
    rng = random.Random(seed)
    out = Outcome()
    barrier.wait()
    t0 = time.perf_counter()
    for _ in range(ops):
        number = rng.choice(numbers)
        with store.session() as session:
            version, pending = session.execute(
                select(Case.version, Case.pending_request).where(Case.case_no == number)
            ).one()
        action, fields = LIFECYCLE[4] if pending else LIFECYCLE[3]
        try:
            store.act(number, action, actor=ACTOR, inp=ActionInput(expected_version=version, **fields))
            out.successes[number] += 1
        except Conflict:
            out.conflicts += 1
        except StoreError as exc:
            out.others.append(f"{type(exc).__name__}: {exc}")
    out.elapsed = time.perf_counter() - t0
    store.dispose()
    results.put(out)


def snapshot(store: Store) -> tuple[int, dict[str, int], dict[str, int]]:
    """Total event rows, and per case: version, event rows."""
    with store.session() as session:
        total = int(session.scalar(select(func.count(CaseEvent.id))) or 0)
        versions = dict(session.execute(select(Case.case_no, Case.version)).all())
        events = dict(
            session.execute(
                select(Case.case_no, func.count(CaseEvent.id)).join(CaseEvent).group_by(Case.case_no)
            ).all()
        )
    return total, versions, events


def contend(store: Store, schema: str, label: str, numbers: list[str], clients: int, ops: int) -> bool:
    """`clients` processes on `numbers`; prints rates and conflicts; True when nothing was lost."""
    before_total, before_versions, _ = snapshot(store)
    context = mp.get_context("spawn")
    barrier = context.Barrier(clients)
    results: Queue[Outcome] = context.Queue()
    workers = [
        context.Process(target=client, args=(schema, numbers, ops, seed, barrier, results))
        for seed in range(clients)
    ]
    for worker in workers:
        worker.start()
    seen = Outcome()
    for _ in workers:
        seen.add(results.get())
    for worker in workers:
        worker.join()
    after_total, after_versions, after_events = snapshot(store)
    succeeded = sum(seen.successes.values())
    attempts = clients * ops
    moved = {n: after_versions[n] - before_versions[n] for n in numbers}
    lost = [n for n in numbers if moved[n] != seen.successes[n]]
    unevented = [n for n in after_versions if after_events.get(n, 0) != after_versions[n]]
    ok = after_total - before_total == succeeded and not lost and not unevented and not seen.others
    ok = ok and succeeded + seen.conflicts == attempts
    print(
        f"  {label}: {clients} clients × {ops} attempts on {len(numbers):,} cases in {seen.elapsed:.2f} s: "
        f"{attempts / seen.elapsed:6.0f} attempts/s, {succeeded / seen.elapsed:6.0f} successful actions/s"
    )
    print(
        f"  {label}: {succeeded} succeeded, {seen.conflicts} refused with Conflict, "
        f"{len(seen.others)} refused otherwise; new case_events rows {after_total - before_total} "
        f"(== successes: {after_total - before_total == succeeded}); cases whose version moved by other "
        f"than their successes: {len(lost)}; cases whose event count != version: {len(unevented)}"
    )
    for message in seen.others[:3]:
        print(f"    other refusal: {message}")
    print(f"  {label}: no update lost, every refusal a Conflict: {ok}")
    return ok


# --- reports with a photo, as the field API writes them (issue 11) ---------------------------------------


def report_phase(seconds: float, clients: int) -> dict[str, float]:
    """`clients` threads, each a signed-in grid worker through one service login (`Store.acting_as`, as
    `gridwatch serve api` does), report a case with a 200 KB photo for `seconds`: reports/s, median and
    p99 latency, this process's CPU per report and the statements per report."""
    from api import PASSWORD, SERVICE_PASSWORD, photo, territory
    from sqlalchemy import create_engine, event, text
    from sqlalchemy.engine import make_url

    from gridwatch.db.store import NewAttachment

    tag = f"{os.getpid()}"
    login = f"gwb_{tag}_svc"
    admin = create_engine(PG_URL)
    people: list[str] = []
    with pg_schema(f"bench_store_reports_{tag}") as schema:
        owner = Store(pg_url(schema))
        try:
            people = territory(owner, clients, tag)
            assert PASSWORD  # the workers' passwords are the API's business; here the service acts for them
            with admin.begin() as conn:
                conn.execute(text(f"CREATE ROLE {login} LOGIN NOINHERIT PASSWORD '{SERVICE_PASSWORD}'"))
                conn.execute(text(f"GRANT gridwatch_service TO {login}"))
            url = make_url(pg_url(schema)).set(username=login, password=SERVICE_PASSWORD)
            service = Store(url.render_as_string(hide_password=False))
            photos = [NewAttachment("scene.jpg", photo(), "before", "image/jpeg")]

            def report(who: str) -> None:
                service.acting_as(who).report(
                    actor=who,
                    source="grid_worker",
                    category_code="06010",
                    lon=118.105,
                    lat=24.465,
                    description="bench",
                    attachments=photos,
                )

            statements: list[str] = []
            listen = event.listens_for(service.engine, "before_cursor_execute")
            count = listen(lambda *args: statements.append(args[2]))
            report(people[0])  # warm: the pool, the rules, the actor
            statements.clear()
            report(people[0])
            event.remove(service.engine, "before_cursor_execute", count)
            latencies: list[list[float]] = [[] for _ in people]
            start = threading.Barrier(clients + 1)
            stop = time.perf_counter() + 3600.0

            def worker(i: int) -> None:
                start.wait()
                while (t := time.perf_counter()) < stop:
                    report(people[i])
                    latencies[i].append(time.perf_counter() - t)

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            cpu = time.process_time()
            t0 = time.perf_counter()
            stop = t0 + seconds
            start.wait()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - t0
            cpu = time.process_time() - cpu
            done = [x for each in latencies for x in each]
            service.dispose()
            return {
                "rate": len(done) / elapsed,
                "median_ms": median(done) * 1000,
                "p99_ms": percentile(done, 0.99) * 1000,
                "cpu_ms": cpu / len(done) * 1000,
                "statements": len(statements) + 2,  # + BEGIN and COMMIT, which psycopg sends itself
            }
        finally:
            owner.dispose()
            with admin.begin() as conn:
                for name in [*people, f"gwb_{tag}_app", login]:
                    conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
            admin.dispose()


def reports(args: argparse.Namespace) -> None:
    """The report phase with the code as it is, and with `--before REV` first with that commit's code
    (its own schema, migrated by its own migrations), from one run."""
    runs: dict[str, dict[str, float]] = {}
    print(
        f"Reports with a 200 KB photo, {args.clients} signed-in workers through one service login, "
        f"{args.seconds:.0f} s each; load average {os.getloadavg()} ({os.cpu_count()} cores)"
    )
    if args.before:
        with tempfile.TemporaryDirectory() as tree:
            root = Path(__file__).resolve().parents[1]
            archive = subprocess.run(
                ["git", "-C", str(root), "archive", args.before], check=True, capture_output=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
            env = {**os.environ, "PYTHONPATH": tree}
            command = [sys.executable, __file__, "--report-phase", str(args.seconds), str(args.clients)]
            out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
            runs[f"before ({args.before})"] = json.loads(out.strip().splitlines()[-1])
    runs["now"] = report_phase(args.seconds, args.clients)
    for label, run in runs.items():
        print(
            f"  {label:<22} {run['rate']:6.1f} reports/s  median {run['median_ms']:6.1f} ms  "
            f"p99 {run['p99_ms']:6.1f} ms  client CPU {run['cpu_ms']:5.2f} ms/report  "
            f"{run['statements']:.0f} round trips/report"
        )
    if len(runs) == 2:
        old, new = runs.values()
        print("  now/before: " + ", ".join(f"{k} ×{new[key] / old[key]:.2f}" for k, key in RATIOS))
    now = runs["now"]
    met = now["rate"] >= REPORT_TARGET_PER_S and now["p99_ms"] <= REPORT_TARGET_P99_MS
    print(
        f"  target (issue 11, through the API): ≥ {REPORT_TARGET_PER_S:.0f}/s with p99 ≤ "
        f"{REPORT_TARGET_P99_MS:.0f} ms; the store alone: {verdict(met)}"
    )
    print(f"load average after: {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--ops", type=int, default=150, help="attempts per client and phase")
    parser.add_argument("--hot", type=int, default=10, help="cases the clients fight over in phase two")
    parser.add_argument(
        "--reports", action="store_true", help="only the report phase: 200 KB photos, signed-in workers"
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the report phase")
    parser.add_argument("--before", metavar="REV", help="first run the report phase with commit REV's code")
    parser.add_argument("--report-phase", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.report_phase:
        print(json.dumps(report_phase(float(args.report_phase[0]), int(args.report_phase[1]))))
        return
    if args.reports:
        reports(args)
        return

    print(f"One client, {args.cases:,} cases, median actions/s (target ≥ {TARGET_PER_S:.0f}/s on PostgreSQL)")
    with pg_schema(SCHEMA) as schema:
        store = Store(engine=pg_engine(schema))
        pg_rate, numbers = single_client(store, "PostgreSQL", args.cases)
        floor = raw_floor(schema, numbers)
        print(f"  PostgreSQL floor (raw psycopg: versioned UPDATE + event INSERT + COMMIT): {floor:7.0f}/s")
        with sqlite_store() as lite:
            lite_rate, _ = single_client(lite, "SQLite    ", args.cases)
        print(
            f"  PostgreSQL {pg_rate:.0f}/s vs target {TARGET_PER_S:.0f}/s: "
            f"{verdict(pg_rate >= TARGET_PER_S)}; "
            f"SQLite {lite_rate:.0f}/s ({lite_rate / pg_rate:.2f}× PostgreSQL)"
        )

        print(f"\n{args.clients} concurrent clients (processes), each its own Store, on the same cases")
        numbers, _ = report_cases(store, args.cases)
        take_steps(store, numbers, TO_HANDLING)
        spread = contend(store, schema, "spread", numbers, args.clients, args.ops)
        hot = contend(store, schema, "hot   ", numbers[: args.hot], args.clients, args.ops)
        print(f"  no lost update in both phases (target): {verdict(spread and hot)}")
        store.dispose()


if __name__ == "__main__":
    main()
