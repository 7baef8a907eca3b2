"""The demo district in QGIS: seed it into a scratch PostgreSQL schema, publish the GIS layers' styles, sign
in as a dispatcher's own login role through a QGIS authentication configuration and render the plugin's
"gridwatch" group headless (QGIS 3.22, Debian's python3-qgis). Prints how long QGIS took to open the
group and to draw it, and saves the picture (docs/screenshots/qgis.png).

Run by hand:  cd bench && python qgis_demo.py [--cases 3000] [--out ../docs/screenshots/qgis.png] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

from scratch_store import PG_URL, pg_engine, pg_schema
from sqlalchemy import create_engine, text

from gridwatch.db.accounts import add_user
from gridwatch.db.demo_city.seed import seed_demo
from gridwatch.db.published import publish
from gridwatch.db.store import Store
from gridwatch.layers.qgis_styles import published_styles

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "tests" / "qgis" / "qgis_scripts"
PASSWORD = "qgis demo 演示"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "qgis.png")
    parser.add_argument("--keep", action="store_true", help="keep the scratch schema")
    args = parser.parse_args()
    schema = f"bench_qgis_{uuid.uuid4().hex[:8]}"
    username = f"gwbench_{uuid.uuid4().hex[:6]}"
    with pg_schema(schema, keep=args.keep):
        store = Store(engine=pg_engine(schema))
        started = time.perf_counter()
        seed_demo(store, cases=args.cases, seed=1)
        print(f"seeded the demo ({args.cases} cases) in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        done = publish(store, published_styles())
        print(
            f"published {done.styles} styles and {done.clock_edges} clock edges "
            f"in {time.perf_counter() - started:.2f} s"
        )
        add_user(
            store,
            actor="admin",
            username=username,
            name="QGIS bench",
            roles=["dispatcher"],
            password=PASSWORD,
        )
        with store.engine.begin() as conn:
            conn.execute(text(f'ALTER ROLE "{username}" SET search_path = {schema}, public'))
        store.dispose()
        url = urlparse(PG_URL.replace("postgresql+psycopg://", "postgresql://"))
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "PYTHONPATH": str(SCRIPTS),
            "GW_HOST": url.hostname or "127.0.0.1",
            "GW_PORT": str(url.port or 5432),
            "GW_DATABASE": url.path.lstrip("/"),
            "GW_SCHEMA": schema,
            "GW_USER": username,
            "GW_PASSWORD": PASSWORD,
            "GW_PLUGIN": str(ROOT / "plugins" / "qgis"),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        try:
            done_qgis = subprocess.run(
                ["/usr/bin/python3", str(SCRIPTS / "plugin_group.py"), str(args.out.resolve())],
                env=env, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
        finally:
            admin = create_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
            admin.dispose()
        lines = [line for line in done_qgis.stdout.splitlines() if line.startswith("{")]
        if done_qgis.returncode or not lines:
            raise SystemExit(f"QGIS failed ({done_qgis.returncode}):\n{done_qgis.stderr[-3000:]}")
        seen = json.loads(lines[-1])
        print(
            f"QGIS opened the group in {seen['seconds']['open']:.2f} s "
            f"and drew it in {seen['seconds']['render']:.2f} s"
        )
        print("features:", ", ".join(f"{k} {v}" for k, v in seen["counts"].items()))
        print(f"saved {args.out}")


if __name__ == "__main__":
    main()
