#!/usr/bin/env bash
# Set up everything gridwatch needs on Debian 12: system packages, a venv with the project installed
# editable, with --test what the test suite needs besides (test-packages.txt: Xvfb, an RTSP server, QGIS,
# LibreOffice, poppler), and with --services a running PostgreSQL+PostGIS and Mosquitto on 127.0.0.1.
# Idempotent: a second run installs nothing new and leaves running services alone.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv=${GRIDWATCH_VENV:-$here/.venv}
services=0
lists=("$here/installer/system-packages.txt")
for a in "$@"; do
  [ "$a" = --services ] && services=1
  [ "$a" = --test ] && lists+=("$here/installer/test-packages.txt")
done

sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
missing=$(cat "${lists[@]}" | grep -v '^#' | grep -v '^$' | while read -r p; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
if [ -n "$missing" ]; then
  echo "installing Debian packages: $(echo $missing | tr '\n' ' ')"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
"$venv/bin/python" -m pip install -q -e "$here[dev]"

if [ "$services" = 1 ]; then
  bash "$here/installer/services.sh"
fi
