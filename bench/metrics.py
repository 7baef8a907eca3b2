"""`report metrics` over 1,000,000 cases on PostgreSQL: how long one 90-day period takes per group key.

Run by hand:  python bench/metrics.py [--rows 1000000] [--runs 5] [--reuse] [--keep]

Target (issue): 1,000,000 cases, `report metrics` for a 90-day period grouped by department in ≤ 1 s.

Loads `--rows` cases with psycopg COPY (a year of reports from 2024-07-01, realistic milestones, 13
departments, 6 streets, 120 grids, the seeded categories; `gridwatch.quiet` on so the change-feed
triggers stay silent), VACUUM ANALYZE, then times `compute()` for 2025-01-01..2025-03-31 by every group
key (median of `--runs` after a warm-up), the CLI once end to end, and prints EXPLAIN ANALYZE of the
department query. `--reuse` keeps an already loaded `bench_metrics` schema, `--keep` leaves it behind.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psycopg
from scratch_store import median, pg_dsn, pg_engine, pg_schema, pg_url, verdict
from sqlalchemy import event, text

from gridwatch.db.metrics import GROUP_KEYS, compute
from gridwatch.db.seeds import CATEGORIES
from gridwatch.db.store import Store

SCHEMA = "bench_metrics"
TARGET_S = 1.0
PERIOD = (date(2025, 1, 1), date(2025, 3, 31))
YEAR_START = np.datetime64("2024-07-01T00:00:00")
DEPARTMENTS = 13
STREETS = 6
GRIDS_PER_STREET = 20
SOURCES = ("grid_worker", "citizen", "hotline", "video", "sensor", "superior", "center")
SOURCE_SHARE = (0.55, 0.12, 0.15, 0.1, 0.03, 0.02, 0.03)
MINUTE = 60.0
COLUMNS = [
    "id",
    "case_no",
    "source",
    "category_code",
    "urgency",
    "description",
    "lon",
    "lat",
    "grid_id",
    "street_id",
    "outside_grid",
    "department_id",
    "state",
    "reported_at",
    "registered_at",
    "dispatched_at",
    "accepted_at",
    "handled_at",
    "checked_at",
    "closed_at",
    "limit_amount",
    "limit_unit",
    "extension_seconds",
    "extension_count",
    "suspended_seconds",
    "deadline_at",
    "rework_count",
    "close_type",
    "merged_count",
    "attrs",
    "version",
    "updated_at",
]


def add_places(conn: psycopg.Connection[Any]) -> tuple[list[int], list[tuple[int, int]]]:
    """Departments and a district of streets and grids: (department ids, [(grid id, street id)])."""
    departments = [
        conn.execute(
            "INSERT INTO departments (code, name, level, updated_at) VALUES (%s, %s, 'district', now()) "
            "RETURNING id",
            (f"D{d:02d}", f"处置部门{d:02d}"),
        ).fetchone()[0]  # type: ignore[index]
        for d in range(DEPARTMENTS)
    ]
    grids = []
    for s in range(STREETS):
        street = conn.execute(
            "INSERT INTO org_units (code, name, level, attrs, updated_at) "
            "VALUES (%s, %s, 'street', '{}', now()) RETURNING id",
            (f"350203{s + 1:03d}", f"街道{s + 1}"),
        ).fetchone()[0]  # type: ignore[index]
        for g in range(GRIDS_PER_STREET):
            grid = conn.execute(
                "INSERT INTO org_units (code, name, level, parent_id, attrs, updated_at) "
                "VALUES (%s, %s, 'grid', %s, '{}', now()) RETURNING id",
                (f"350203{s + 1:03d}001{g:02d}", f"网格{s + 1}-{g + 1}", street),
            ).fetchone()[0]  # type: ignore[index]
            grids.append((grid, street))
    return departments, grids


def stamps(seconds: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Seconds after YEAR_START as UTC timestamps for COPY; '' (NULL) where the milestone was not reached."""
    text_ = np.datetime_as_string(YEAR_START + seconds.astype("timedelta64[s]"), unit="s")
    return np.where(present, np.char.add(text_, "Z"), "")


def cases_frame(rows: int, departments: list[int], grids: list[tuple[int, int]], seed: int) -> pd.DataFrame:
    """A year of cases, each as far along the workflow as its random milestones got."""
    rng = np.random.default_rng(seed)
    leaves = [(code, name, urgency) for code, name, _, urgency in CATEGORIES if len(code) == 5]
    category = rng.integers(0, len(leaves), rows)
    place = rng.integers(0, len(grids), rows)
    reported = rng.uniform(0, 365 * 86400, rows)
    registered = reported + rng.exponential(20 * MINUTE, rows)
    dispatched = registered + rng.exponential(40 * MINUTE, rows)
    accepted = dispatched + rng.exponential(30 * MINUTE, rows)
    handled = accepted + rng.exponential(1.5 * 86400, rows)
    checked = handled + rng.exponential(120 * MINUTE, rows)
    closed = checked + rng.exponential(60 * MINUTE, rows)
    limit_days = rng.choice([1, 2, 4], rows, p=[0.1, 0.3, 0.6])
    deadline = dispatched + limit_days * 86400.0
    # How far each case got: 0 reported, 1 registered, 2 dispatched, 3 accepted, 4 handled, 5 checked,
    # 6 closed
    reach = np.ones(rows, dtype=int) * 6
    for depth, stay in enumerate((0.05, 0.02, 0.01, 0.05, 0.02, 0.01)):
        stop = (reach == 6) & (rng.random(rows) < stay)
        reach[stop] = depth
    rejected = (reach == 0) & (rng.random(rows) < 0.5)
    self_handled = (reach == 0) & ~rejected & (rng.random(rows) < 0.4)
    state = np.array(["reported", "registered", "dispatched", "handling", "handled", "checked", "closed"])[
        reach
    ]
    state[rejected] = "rejected"
    state[self_handled] = "closed"
    late = handled > deadline
    close_type = np.where(reach == 6, np.where(late, "overdue", "normal"), "")
    close_type[self_handled] = "self_handled"
    extensions = (rng.random(rows) < 0.04) & (reach >= 3)
    reworks = rng.poisson(0.05, rows) * (reach >= 4)
    last = np.select(
        [reach >= 6, reach >= 5, reach >= 4, reach >= 3, reach >= 2, reach >= 1],
        [closed, checked, handled, accepted, dispatched, registered],
        reported,
    )
    ids = np.arange(1, rows + 1)
    return pd.DataFrame(
        {
            "id": ids,
            "case_no": np.char.add("B", np.char.zfill(ids.astype(str), 9)),
            "source": rng.choice(SOURCES, rows, p=SOURCE_SHARE),
            "category_code": [leaves[i][0] for i in category],
            "urgency": [leaves[i][2] for i in category],
            "description": [leaves[i][1] for i in category],
            "lon": rng.uniform(118.07, 118.16, rows).round(6),
            "lat": rng.uniform(24.43, 24.51, rows).round(6),
            "grid_id": [grids[i][0] for i in place],
            "street_id": [grids[i][1] for i in place],
            "outside_grid": "f",
            "department_id": np.where(
                reach >= 2, np.array(departments)[rng.integers(0, DEPARTMENTS, rows)].astype(str), ""
            ),
            "state": state,
            "reported_at": stamps(reported, np.ones(rows, dtype=bool)),
            "registered_at": stamps(registered, reach >= 1),
            "dispatched_at": stamps(dispatched, reach >= 2),
            "accepted_at": stamps(accepted, reach >= 3),
            "handled_at": stamps(handled, reach >= 4),
            "checked_at": stamps(checked, reach >= 5),
            "closed_at": np.where(self_handled, stamps(registered, self_handled), stamps(closed, reach >= 6)),
            "limit_amount": np.where(reach >= 2, limit_days.astype(str), ""),
            "limit_unit": np.where(reach >= 2, "working_days", ""),
            "extension_seconds": np.where(extensions, 4 * 3600.0, 0.0),
            "extension_count": extensions.astype(int),
            "suspended_seconds": 0.0,
            "deadline_at": stamps(deadline, reach >= 2),
            "rework_count": reworks,
            "close_type": close_type,
            "merged_count": 0,
            "attrs": "{}",
            "version": reach + 1 + reworks,
            "updated_at": stamps(last, np.ones(rows, dtype=bool)),
        },
        columns=COLUMNS,
    )


def load(schema: str, rows: int) -> None:
    """COPY `rows` cases in one quiet transaction, then VACUUM ANALYZE; prints how long each part took."""
    t0 = time.perf_counter()
    with psycopg.connect(pg_dsn(schema)) as conn:
        conn.execute("SET gridwatch.quiet = 'on'")
        departments, grids = add_places(conn)
        frame = cases_frame(rows, departments, grids, seed=1)
        t1 = time.perf_counter()
        conn.execute("ALTER TABLE cases NO FORCE ROW LEVEL SECURITY")  # COPY refuses forced RLS; owner only
        with conn.cursor().copy(f"COPY cases ({', '.join(COLUMNS)}) FROM STDIN WITH (FORMAT csv)") as copy:
            for start in range(0, rows, 100_000):
                buffer = io.StringIO()
                frame.iloc[start : start + 100_000].to_csv(buffer, header=False, index=False)
                copy.write(buffer.getvalue())
        conn.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), %s)", (rows,))
        conn.commit()
        conn.execute("ALTER TABLE cases FORCE ROW LEVEL SECURITY")  # after the COPY's deferred checks ran
        conn.commit()
        t2 = time.perf_counter()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE cases")
    t3 = time.perf_counter()
    print(
        f"loaded {rows:,} cases: generate {t1 - t0:.1f} s, "
        f"COPY {t2 - t1:.1f} s ({rows / (t2 - t1):,.0f} rows/s), VACUUM ANALYZE {t3 - t2:.1f} s"
    )


def loaded_rows(schema: str) -> int:
    with psycopg.connect(pg_dsn(schema)) as conn:
        row = conn.execute("SELECT count(*) FROM cases").fetchone()
    return int(row[0]) if row else 0


def time_compute(store: Store, by: str, runs: int) -> tuple[float, list[float], int]:
    """Median seconds of `runs` after a warm-up, every run, and how many groups came back."""
    times = []
    groups = 0
    for i in range(runs + 1):
        with store.session() as session:
            t0 = time.perf_counter()
            groups = len(compute(session, *PERIOD, by))
            if i:
                times.append(time.perf_counter() - t0)
    return median(times), times, groups


def explain(store: Store, by: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the very statement `compute` sends."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    try:
        with store.session() as session:
            compute(session, *PERIOD, by)
    finally:
        event.remove(store.engine, "before_cursor_execute", capture)
    statement, parameters = sent[-1]
    with store.engine.connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).scalars().all()
        conn.execute(text("ROLLBACK"))
    return "\n".join(plan)


def run_cli(schema: str) -> tuple[float, str]:
    command = [
        str(Path(sys.executable).with_name("gridwatch")),
        "report",
        "metrics",
        "--from",
        PERIOD[0].isoformat(),
        "--to",
        PERIOD[1].isoformat(),
        "--db",
        pg_url(schema),
    ]
    t0 = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "COLUMNS": "200"})
    elapsed = time.perf_counter() - t0
    return elapsed, (done.stdout + done.stderr).rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded schema")
    parser.add_argument("--keep", action="store_true", help="leave the schema behind for --reuse")
    args = parser.parse_args()
    with pg_schema(SCHEMA, reuse=args.reuse, keep=args.keep) as schema:
        if loaded_rows(schema) != args.rows:
            load(schema, args.rows)
        store = Store(engine=pg_engine(schema))
        period = f"{PERIOD[0]}..{PERIOD[1]}"
        print(f"compute() for {period} on {args.rows:,} cases, median of {args.runs} after a warm-up:")
        for by in GROUP_KEYS:
            best, times, groups = time_compute(store, by, args.runs)
            target = f"target ≤ {TARGET_S:.1f} s: {verdict(best <= TARGET_S)}" if by == "department" else ""
            runs = ", ".join(f"{t:.3f}" for t in times)
            print(f"  by {by:10s} {best:6.3f} s  ({groups:3d} groups; runs {runs})  {target}")
        elapsed, output = run_cli(schema)
        cli = f"gridwatch report metrics --from {PERIOD[0]} --to {PERIOD[1]} --db …"
        print(f"CLI `{cli}` end to end: {elapsed:.2f} s")
        print("\n".join("  | " + line for line in output.splitlines()[-6:]))
        print("EXPLAIN (ANALYZE, BUFFERS) of the department query:")
        print("\n".join("  " + line for line in explain(store, "department").splitlines()))
        store.dispose()


if __name__ == "__main__":
    main()
