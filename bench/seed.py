"""How long `seed_demo` takes on SQLite and PostgreSQL, and how much of it is planning (no database).

Run by hand: python bench/seed.py [--cases 3000] [--repeat 3] [--pg URL]
PostgreSQL runs in a throwaway schema (with its own alembic_version, so nothing lands in public).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from gridwatch.db.calendar import WorkingCalendar
from gridwatch.db.deadlines import DeadlineRule, Limit
from gridwatch.db.demo_city import seed_demo
from gridwatch.db.demo_city.plan import plan_demo
from gridwatch.db.engine import make_engine
from gridwatch.db.seeds import DEADLINE_RULES
from gridwatch.db.store import Store

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PG = "postgresql+psycopg://gridwatch:gridwatch@127.0.0.1:5432/gridwatch_test"


def time_plan(cases: int, repeat: int) -> list[float]:
    rules = [DeadlineRule(Limit(a, u), c, g) for c, g, a, u in DEADLINE_RULES]  # type: ignore[arg-type]
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        plan_demo(1, cases, NOW, WorkingCalendar(), rules)
        out.append(time.perf_counter() - started)
    return out


def time_sqlite(cases: int, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{Path(tmp) / 'demo.sqlite'}")
            store.upgrade()
            out.append(seed_demo(store, cases=cases, now=NOW).seconds)
            store.dispose()
    return out


def time_postgres(url: str, cases: int, repeat: int) -> list[float]:
    out = []
    admin = create_engine(url)
    for _ in range(repeat):
        schema = f"bench_demo_{uuid.uuid4().hex[:8]}"
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
            conn.execute(
                text(
                    f"CREATE TABLE {schema}.alembic_version (version_num VARCHAR(32) NOT NULL, "
                    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
                )
            )
        store = Store(engine=make_engine(url, connect_args={"options": f"-csearch_path={schema},public"}))
        try:
            store.upgrade()
            out.append(seed_demo(store, cases=cases, now=NOW).seconds)
        finally:
            store.dispose()
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default=PG)
    args = parser.parse_args()
    plan = statistics.median(time_plan(args.cases, args.repeat))
    print(f"plan only (no database), {args.cases} cases: median {plan:.2f} s")
    for name, runs in (
        ("SQLite", time_sqlite(args.cases, args.repeat)),
        ("PostgreSQL", time_postgres(args.pg, args.cases, args.repeat)),
    ):
        median = statistics.median(runs)
        print(
            f"seed_demo on {name}: median {median:.2f} s over {len(runs)} runs "
            f"(min {min(runs):.2f}); writing is {median - plan:.2f} s, {median / plan:.1f}× the plan"
        )


if __name__ == "__main__":
    main()
