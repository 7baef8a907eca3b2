#!/usr/bin/env bash
# Set up everything and run the whole test suite: lint, types, layering contracts, then pytest against
# SQLite and a real PostgreSQL+PostGIS, a real MQTT broker and real Qt widgets (offscreen and Xvfb).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash installer/setup.sh --services --test
venv=${GRIDWATCH_VENV:-$here/.venv}
export PATH="$venv/bin:$PATH"
export GRIDWATCH_TEST_PG=${GRIDWATCH_TEST_PG:-postgresql+psycopg://gridwatch:gridwatch@127.0.0.1:5432/gridwatch_test}
if [ -z "${DISPLAY:-}" ]; then
  Xvfb :87 -screen 0 1920x1080x24 -nolisten tcp >/tmp/gridwatch-xvfb.log 2>&1 &
  xvfb_pid=$!
  trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
  export DISPLAY=:87
fi
echo "== ruff";          ruff check .
echo "== mypy";          mypy -p gridwatch
echo "== import-linter"; lint-imports
# two workers (pytest-xdist): each has its own PostgreSQL schema, free ports and temporary files
echo "== pytest";        pytest -n "${GRIDWATCH_TEST_WORKERS:-2}" "$@"
