"""The supervisor's evaluation (issue 13) over 1,000,000 cases on PostgreSQL, signed in as a supervisor.

Run by hand:  cd bench && python evaluation.py [--rows 1000000] [--runs 5] [--reuse] [--keep]
                                               [--order reported|loaded]

Targets (issue 13): the evaluation of a 90-day period opens in ≤ 1 s; the drill-down to one
department's late cases in ≤ 200 ms; printed beside `report metrics` (compute() by department, the same
call bench/rls.py times). Loads the cases as bench/metrics.py does (13 departments, 6 streets, 120 grids,
a year of reports) and stores them in the order they were reported (`--order reported`, CLUSTER by the
report time: a live store appends each case as it is reported, so a quarter's cases lie in about a quarter of
the table; metrics.py's loader writes them in random order, `--order loaded`, the worst case for a period's
read), adds a supervisor of the whole territory as a real login role with a password, signs
in as them (row-level security applies, as at a desk) and times, median of `--runs` after a warm-up:
- `report metrics` by department (one grouping);
- `evaluate()`: every grouping with its total, scores, grid workers and the daily series, in one session;
- the same without the daily series (what the tables alone cost);
- a street's evaluation (`--scope`), and the drill-down to the busiest department's late cases.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from functools import partial

import psycopg
from metrics import PERIOD, load, loaded_rows
from rls import PASSWORD, metrics, timed
from scratch_store import PG_URL, pg_dsn, pg_engine, pg_schema, pg_url, verdict
from sqlalchemy import create_engine, text

from gridwatch.db.accounts import add_user, sign_in
from gridwatch.db.reads.evaluation import drill, evaluate
from gridwatch.db.store import Store

SCHEMA = "bench_evaluation"
OPEN_TARGET_S = 1.0
DRILL_TARGET_S = 0.200
FIVE = ("department", "street", "grid", "source", "category")
"""The groupings of docs/DOMAIN.md's metrics (the default adds the levels' accountable level and center)."""
ORDERS = {"reported": "ix_cases_reported_at", "loaded": "pk_cases"}
"""The table's order by index: the report time, or the ids metrics.py's loader gave in random time order."""
STREET = "350203001"
"""bench/metrics.py's first street."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded schema")
    parser.add_argument("--keep", action="store_true", help="leave the schema behind for --reuse")
    parser.add_argument(
        "--order",
        choices=ORDERS,
        help="the cases' order in the table: as reported (the default after a load) or as loaded (random); "
        "with --reuse the schema keeps its order unless this is given",
    )
    args = parser.parse_args()
    username = f"gwb_supervisor_{uuid.uuid4().hex[:6]}"
    with pg_schema(SCHEMA, reuse=args.reuse, keep=args.keep) as schema:
        t0 = time.perf_counter()
        if loaded_rows(schema) < args.rows:
            load(schema, args.rows)
            print(f"loaded {args.rows:,} cases in {time.perf_counter() - t0:.0f} s")
            args.order = args.order or "reported"
        if args.order:
            t0 = time.perf_counter()
            with psycopg.connect(pg_dsn(schema), autocommit=True) as conn:
                conn.execute(f"CLUSTER cases USING {ORDERS[args.order]}")
                conn.execute("ANALYZE cases")
            print(f"cases stored in {args.order} order ({time.perf_counter() - t0:.0f} s)")
        owner = Store(engine=pg_engine(schema))
        add_user(
            owner, actor="admin", username=username, name="bench", roles=["supervisor"], password=PASSWORD
        )
        supervisor = sign_in(pg_url(schema), username, PASSWORD)
        try:
            start, end = PERIOD
            days = (end - start).days + 1
            print(f"{args.rows:,} cases; {start}..{end} ({days} days) as a signed-in supervisor; "
                  f"median of {args.runs} after a warm-up; load average "
                  f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")  # fmt: skip
            as_metrics, groups = timed(lambda: metrics(supervisor), args.runs)
            print(f"  {'report metrics, by department':34s} {as_metrics * 1000:7.0f} ms ({groups} rows)")
            whole, ev = timed(partial(evaluate, supervisor, start, end), args.runs)
            print(
                f"  {f'evaluation ({len(ev.groups)} groupings, series)':34s} {whole * 1000:7.0f} ms "
                f"({ev.total.reported:,} reported, {sum(len(g.rows) for g in ev.groups.values())} rows, "
                f"{len(ev.days)} days)   target ≤ {OPEN_TARGET_S:.0f} s: {verdict(whole <= OPEN_TARGET_S)}   "
                f"{whole / as_metrics:.1f}× report metrics"
            )
            five, _ = timed(partial(evaluate, supervisor, start, end, groups=FIVE), args.runs)
            ok = verdict(five <= OPEN_TARGET_S)
            print(f"  {'evaluation, the five of DOMAIN.md':34s} {five * 1000:7.0f} ms   target ≤ "
                  f"{OPEN_TARGET_S:.0f} s: {ok}   {five / as_metrics:.1f}× report metrics")  # fmt: skip
            tables, _ = timed(partial(evaluate, supervisor, start, end, groups=FIVE, series=False), args.runs)
            print(f"  {'the five without the series':34s} {tables * 1000:7.0f} ms")
            street, scoped = timed(partial(evaluate, supervisor, start, end, STREET, groups=FIVE), args.runs)
            print(f"  {'the five of street ' + STREET:34s} {street * 1000:7.0f} ms "
                  f"({scoped.total.reported:,} reported)")  # fmt: skip
            busiest = max((r for r in ev.groups["department"].rows if r.key != "—"), key=lambda r: r.late)
            late, cases = timed(
                partial(drill, supervisor, start, end, "department", busiest.key, "late", as_of=ev.as_of),
                args.runs,
            )
            assert len(cases) == busiest.late, (len(cases), busiest.late)
            print(
                f"  {'drill-down: ' + busiest.key + ' late cases':34s} {late * 1000:7.0f} ms "
                f"({len(cases):,} cases = the count)   target ≤ {DRILL_TARGET_S * 1000:.0f} ms: "
                f"{verdict(late <= DRILL_TARGET_S)}"
            )
        finally:
            supervisor.dispose()
            owner.dispose()
            admin = create_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
            admin.dispose()


if __name__ == "__main__":
    main()
