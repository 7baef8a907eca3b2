"""How long importing the interchange file takes: 10k / 100k rows, SQLite and PostgreSQL, fresh and again.

Run by hand: `python bench/import_cases.py [--rows 100000] [--pg URL]`. Prints the median of `--repeat`
runs of a first import (every row inserted) and of a re-import of the same file (every row unchanged).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from shapely.geometry import box
from sqlalchemy import create_engine, text

from gridwatch.db.engine import make_engine
from gridwatch.db.imports.cases import INTERCHANGE_COLUMNS, import_cases
from gridwatch.db.imports.org_units import OrgFeature, upsert_org_units
from gridwatch.db.imports.report import ImportReport
from gridwatch.db.models import Department
from gridwatch.db.store import Store

TZ = ZoneInfo("Asia/Shanghai")
CATEGORIES = ["06010", "06012", "09006", "09009", "01001", "03005", "07001"]
STATUS_STEPS = ["registered_at", "dispatched_at", "handled_at", "checked_at", "closed_at"]


def write_file(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    start = datetime(2024, 3, 1, 8, 30, tzinfo=TZ)
    lon = rng.uniform(118.0, 118.2, rows)
    lat = rng.uniform(24.4, 24.6, rows)
    offsets = rng.uniform(0, 300 * 86400, rows)
    depth = rng.integers(0, 6, rows)
    with path.open("w", encoding="utf-8") as f:
        f.write(",".join(INTERCHANGE_COLUMNS) + "\n")
        for i in range(rows):
            t = start + timedelta(seconds=float(offsets[i]))
            times = {"reported_at": t}
            for k, name in enumerate(STATUS_STEPS[: depth[i]]):
                times[name] = t + timedelta(hours=2 * (k + 1))
            cells = {
                "case_no": f"B{i:08d}",
                "source": "grid_worker",
                "category_code": CATEGORIES[i % len(CATEGORIES)],
                "urgency": "",
                "description": "暴露垃圾",
                "lon": f"{lon[i]:.6f}",
                "lat": f"{lat[i]:.6f}",
                "address": "某路",
                "department_code": "CGJ" if depth[i] >= 2 else "",
                "status": "",
                **{k: v.strftime("%Y-%m-%d %H:%M:%S") for k, v in times.items()},
            }
            f.write(",".join(cells.get(c, "") for c in INTERCHANGE_COLUMNS) + "\n")


def prepare(store: Store) -> None:
    """A district of 400 square grids under 20 communities, and the department the cases name."""
    store.upgrade()
    features = [OrgFeature(1, "350203001", "街道", "street", None, box(118.0, 24.4, 118.2, 24.6))]
    for c in range(20):
        x0 = 118.0 + c * 0.01
        features.append(
            OrgFeature(1, f"350203001{c:03d}", f"社区{c}", "community", None, box(x0, 24.4, x0 + 0.01, 24.6))
        )
        for g in range(20):
            y0 = 24.4 + g * 0.01
            features.append(
                OrgFeature(
                    1, f"350203001{c:03d}{g:02d}", f"网格{g}", "grid", None, box(x0, y0, x0 + 0.01, y0 + 0.01)
                )
            )
    with store.session() as session:
        upsert_org_units(session, features, ImportReport("org", total=len(features)))
        session.add(Department(code="CGJ", name="城管执法局", updated_at=datetime.now(TZ)))


def run(store: Store, path: Path) -> tuple[float, float, float]:
    """Wall seconds of a first import and of a re-import, and this process's CPU seconds of the first.

    The CPU figure does not count the PostgreSQL server's work but is robust to other load on the machine.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    first = import_cases(store, path)
    t1, c1 = time.perf_counter(), time.process_time()
    again = import_cases(store, path)
    t2 = time.perf_counter()
    assert first.ok and first.inserted == first.total, first.summary()
    assert again.unchanged == again.total, again.summary()
    return t1 - t0, t2 - t1, c1 - c0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "GRIDWATCH_TEST_PG", "postgresql+psycopg://gridwatch:gridwatch@127.0.0.1:5432/gridwatch_test"
        ),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cases.csv"
        write_file(path, args.rows)
        for backend in ("sqlite", "postgres"):
            firsts, agains, cpus = [], [], []
            for _ in range(args.repeat):
                if backend == "sqlite":
                    store = Store(f"sqlite:///{tmp}/{uuid.uuid4().hex}.sqlite")
                    cleanup = None
                else:
                    schema = f"bench_{uuid.uuid4().hex[:8]}"
                    admin = create_engine(args.pg)
                    with admin.begin() as conn:
                        conn.execute(text(f"CREATE SCHEMA {schema}"))
                    store = Store(
                        engine=make_engine(
                            args.pg, connect_args={"options": f"-csearch_path={schema},public"}
                        )
                    )
                    cleanup = (admin, schema)
                try:
                    prepare(store)
                    first, again, cpu = run(store, path)
                    cpus.append(cpu)
                    firsts.append(first)
                    agains.append(again)
                finally:
                    store.dispose()
                    if cleanup:
                        with cleanup[0].begin() as conn:
                            conn.execute(text(f"DROP SCHEMA {cleanup[1]} CASCADE"))
                        cleanup[0].dispose()
            print(
                f"{backend:8s} {args.rows:>7,} rows: first import median {statistics.median(firsts):6.2f} s "
                f"({args.rows / statistics.median(firsts):,.0f} rows/s), re-import (unchanged) median "
                f"{statistics.median(agains):6.2f} s; client CPU of the first import median "
                f"{statistics.median(cpus):6.2f} s; load average {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
