#!/usr/bin/env bash
# Start PostgreSQL (with PostGIS) and Mosquitto on 127.0.0.1 where they are not running, and create the
# `gridwatch` role and the `gridwatch_test` database the tests use. No systemd is assumed: containers
# and CI machines have none. Safe to run again.
# The offline bundle's install.sh --services runs it for a center's server with GRIDWATCH_DB_NAME=gridwatch
# (default gridwatch_test) and GRIDWATCH_OWNER_PASSWORD (the owner's password is then set to it; without
# it a new owner gets the development password `gridwatch` and an existing one keeps its password).
# GRIDWATCH_PG_CLUSTER (default main) and PGPORT name another cluster (tests/installer makes its own).
set -euo pipefail
cluster=${GRIDWATCH_PG_CLUSTER:-main}
dbname=${GRIDWATCH_DB_NAME:-gridwatch_test}
owner_password=${GRIDWATCH_OWNER_PASSWORD:-}
ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
[ -n "$ver" ] || { echo "PostgreSQL is not installed: run installer/setup.sh first" >&2; exit 1; }
if ! pg_lsclusters -h "$ver" "$cluster" | awk '$4 == "online"' | grep -q .; then
  pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start
fi
for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
pg_isready -h 127.0.0.1 >/dev/null
psql_() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@";
          else sudo -u postgres psql -X -q -v ON_ERROR_STOP=1 "$@"; fi; }
# `gridwatch` owns the store's tables and runs the migrations: no desk uses it. It is not a superuser
# (docs/SECURITY.md); CREATEROLE lets the store's admin functions create people's sign-ins. An older
# install made it SUPERUSER: that is taken back here.
psql_ -tAc "SELECT 1 FROM pg_roles WHERE rolname='gridwatch'" | grep -q 1 \
  || psql_ -c "CREATE ROLE gridwatch LOGIN PASSWORD 'gridwatch'"
psql_ -c "ALTER ROLE gridwatch NOSUPERUSER CREATEROLE"
[ -z "$owner_password" ] || psql_ -v pw="$owner_password" <<<"ALTER ROLE gridwatch PASSWORD :'pw'"
# People sign in with a password, whatever else pg_hba.conf trusts: every member of gridwatch_desk (all
# gridwatch sign-ins) gets a scram-sha-256 line ahead of the others. The role must exist for the line.
psql_ -tAc "SELECT 1 FROM pg_roles WHERE rolname='gridwatch_desk'" | grep -q 1 \
  || psql_ -c "CREATE ROLE gridwatch_desk NOLOGIN"
hba=$(psql_ -tAc "SHOW hba_file")
if ! grep -q '+gridwatch_desk' "$hba"; then
  { echo "# gridwatch: people sign in with their password (installer/services.sh)"
    echo "local all +gridwatch_desk scram-sha-256"
    echo "host all +gridwatch_desk 127.0.0.1/32 scram-sha-256"
    echo "host all +gridwatch_desk ::1/128 scram-sha-256"
    cat "$hba"; } > "$hba.new" && cat "$hba.new" > "$hba" && rm -f "$hba.new"
  psql_ -tAc "SELECT pg_reload_conf()" >/dev/null
fi
psql_ -tAc "SELECT 1 FROM pg_database WHERE datname='$dbname'" | grep -q 1 \
  || psql_ -c "CREATE DATABASE $dbname OWNER gridwatch"
psql_ -d "$dbname" -c "CREATE EXTENSION IF NOT EXISTS postgis"
if ! (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; then
  conf=$(mktemp --suffix=.conf)
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' > "$conf"
  mosquitto -d -c "$conf"
fi
echo "services: PostgreSQL $ver with PostGIS and Mosquitto on 127.0.0.1"
