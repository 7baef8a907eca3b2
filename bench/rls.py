"""What row-level security costs the desk: a handler's queue page and `report metrics` on 1,000,000 cases,
side by side with the same calls as the owner (who sees every case), in one run on PostgreSQL.

Run by hand:  cd bench && python rls.py [--rows 1000000] [--runs 7] [--reuse] [--keep]

Targets (issue 8): signed in as a handler, a queue page ≤ 50 ms, and `report metrics` within 1.5× of the
same query as the owner. Loads the cases as bench/metrics.py does (13 departments, a year of reports),
adds a handler of the busiest department as a real login role with a password, signs in as them
(scram-sha-256, as a desk does) and times, median of `--runs` after a warm-up:
- the queue's first page (200 rows, newest first) and a page deep in it (after row 5,000): the owner's
  is a dispatcher's whole open queue, the handler's their desk's queue (their department's open cases);
- the handler on the whole open queue, row-level security alone narrowing it (not what a desk sends);
- compute() of the metrics for the 90-day period by department;
- register + dispatch of 300 cases each through Store.act, as the owner and as a signed-in dispatcher.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from metrics import PERIOD, load, loaded_rows
from scratch_store import PG_URL, median, pg_engine, pg_schema, pg_url, verdict
from sqlalchemy import create_engine, text

from gridwatch.db.accounts import add_user, sign_in
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.metrics import compute
from gridwatch.db.queries import CaseFilter
from gridwatch.db.reads.case_lists import page
from gridwatch.db.store import Store

SCHEMA = "bench_rls"
PAGE_TARGET_S = 0.050
METRICS_RATIO = 1.5
PASSWORD = "bench-handler-pass"
ACTION_CASES = 300
QUEUE = CaseFilter(open_only=True, limit=200, order=["-reported_at"])
"""A dispatcher's queue: every open case, newest first."""


def handler_queue(department: str) -> CaseFilter:
    """A handler's desk queue: their department's open cases (PersonRow.queue_department)."""
    return dataclasses.replace(QUEUE, department=department)


def timed(call: Callable[[], Any], runs: int) -> tuple[float, Any]:
    result = call()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - t0)
    return median(times), result


def page_after(store: Store, flt: CaseFilter, rows: int) -> Callable[[], list[Any]]:
    """One page after row `rows` of the queue, reached by key as the queue scrolls (not timed)."""
    shown = page(store, flt)
    while len(shown) < rows:
        more = page(store, flt, after=shown[-1]) if shown else []
        if not more:
            break
        shown += more
    last = shown[-1] if shown else None
    return partial(page, store, flt, last)


def actions_per_second(store: Store, actor: str, case_numbers: list[str], department: str) -> float:
    """register + dispatch of each case, through Store.act: what the case guard adds to a desk's action."""
    t0 = time.perf_counter()
    for no in case_numbers:
        store.act(no, "register", actor=actor)
        store.act(no, "dispatch", actor=actor, inp=ActionInput(department=department))
    return 2 * len(case_numbers) / (time.perf_counter() - t0)


def metrics(store: Store) -> int:
    with store.session() as session:
        return len(compute(session, *PERIOD, "department"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded schema")
    parser.add_argument("--keep", action="store_true", help="leave the schema behind for --reuse")
    args = parser.parse_args()
    username = f"gwb_handler_{uuid.uuid4().hex[:6]}"
    dispatcher_name = f"gwb_dispatcher_{uuid.uuid4().hex[:6]}"
    with pg_schema(SCHEMA, reuse=args.reuse, keep=args.keep) as schema:
        if loaded_rows(schema) < args.rows:  # a reused schema holds the cases earlier runs acted on too
            load(schema, args.rows)
        owner = Store(engine=pg_engine(schema))
        with owner.engine.connect() as conn:
            code, theirs = conn.execute(
                text(
                    "SELECT d.code, count(*) FROM case_departments c "
                    "JOIN departments d ON d.id = c.department_id "
                    "GROUP BY d.code ORDER BY count(*) DESC, d.code LIMIT 1"
                )
            ).one()
        add_user(owner, actor="admin", username=username, name="bench", roles=["handler"], password=PASSWORD,
                 department=code)  # fmt: skip
        add_user(owner, actor="admin", username=dispatcher_name, name="bench",
                 roles=["dispatcher", "shift_leader"], password=PASSWORD)  # fmt: skip
        handler = sign_in(pg_url(schema), username, PASSWORD)
        dispatcher = sign_in(pg_url(schema), dispatcher_name, PASSWORD)
        try:
            print(f"{args.rows:,} cases; the handler's department {code} has {theirs:,} of them; "
                  f"median of {args.runs} after a warm-up")  # fmt: skip
            mine = handler_queue(code)
            calls = (
                ("queue, first page", partial(page, owner, QUEUE), partial(page, handler, mine)),
                ("queue, after row 5,000", page_after(owner, QUEUE, 5000), page_after(handler, mine, 5000)),
                ("RLS alone, no dept filter", partial(page, owner, QUEUE), partial(page, handler, QUEUE)),
            )
            for name, of_owner, of_handler in calls:
                as_owner, owner_rows = timed(of_owner, args.runs)
                as_handler, handler_rows = timed(of_handler, args.runs)
                print(
                    f"  {name:26s} owner {as_owner * 1000:7.1f} ms ({len(owner_rows)} rows)   handler "
                    f"{as_handler * 1000:7.1f} ms ({len(handler_rows)} rows)   target ≤ 50 ms: "
                    f"{verdict(as_handler <= PAGE_TARGET_S)}"
                )
            as_owner, owner_groups = timed(lambda: metrics(owner), args.runs)
            as_handler, handler_groups = timed(lambda: metrics(handler), args.runs)
            ratio = as_handler / as_owner
            print(
                f"  {'metrics by department':24s} owner {as_owner:7.3f} s ({owner_groups} groups)   handler "
                f"{as_handler:7.3f} s ({handler_groups} groups)   ratio {ratio:.2f} "
                f"(target ≤ {METRICS_RATIO}): {verdict(ratio <= METRICS_RATIO)}"
            )
            fresh = [
                owner.report(
                    actor=dispatcher_name, source="center", category_code="06010", lon=None, lat=None
                ).case_no
                for _ in range(2 * ACTION_CASES)
            ]
            # dispatched to the scratch store's own department, not the measured handler's
            by_owner = actions_per_second(owner, dispatcher_name, fresh[:ACTION_CASES], "BENCH")
            signed_in = actions_per_second(dispatcher, dispatcher_name, fresh[ACTION_CASES:], "BENCH")
            print(
                f"  {'register + dispatch':24s} owner {by_owner:7.0f}/s   signed-in dispatcher (case guard, "
                f"row-level security) {signed_in:7.0f}/s   ratio {signed_in / by_owner:.2f}"
            )
        finally:
            dispatcher.dispose()
            handler.dispose()
            owner.dispose()
            admin = create_engine(PG_URL)
            with admin.begin() as conn:
                for name in (username, dispatcher_name):
                    conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
            admin.dispose()


if __name__ == "__main__":
    main()
