#!/usr/bin/env bash
# Start PostgreSQL (with PostGIS) and Mosquitto on 127.0.0.1 where they are not running, and create the
# `gridwatch` role and the `gridwatch_test` database the tests use. No systemd is assumed: containers
# and CI machines have none. Safe to run again.
set -euo pipefail
ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
[ -n "$ver" ] || { echo "PostgreSQL is not installed: run installer/setup.sh first" >&2; exit 1; }
if ! pg_lsclusters -h | awk '$4 == "online"' | grep -q .; then
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
pg_isready -h 127.0.0.1 >/dev/null
psql_() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@";
          else sudo -u postgres psql -X -q -v ON_ERROR_STOP=1 "$@"; fi; }
# A password login works whatever pg_hba says for 127.0.0.1 (trust here, scram-sha-256 on a fresh Debian).
psql_ -tAc "SELECT 1 FROM pg_roles WHERE rolname='gridwatch'" | grep -q 1 \
  || psql_ -c "CREATE ROLE gridwatch LOGIN SUPERUSER PASSWORD 'gridwatch'"
psql_ -tAc "SELECT 1 FROM pg_database WHERE datname='gridwatch_test'" | grep -q 1 \
  || psql_ -c "CREATE DATABASE gridwatch_test OWNER gridwatch"
psql_ -d gridwatch_test -c "CREATE EXTENSION IF NOT EXISTS postgis"
if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  conf=$(mktemp --suffix=.conf)
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' > "$conf"
  mosquitto -d -c "$conf"
fi
echo "services: PostgreSQL $ver with PostGIS and Mosquitto on 127.0.0.1"
