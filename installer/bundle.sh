#!/usr/bin/env bash
# Build the offline bundle for a command center with no internet (README "Install on a network without
# internet"): OUTDIR/gridwatch-VERSION-offline.tar.gz holding
#   wheels/        every run-time dependency at the exact version of this checkout's venv (the one CI
#                  tested), gridwatch's own wheel, and requirements.txt pinning them with sha256 hashes
#   debs/          the Debian packages of installer/system-packages.txt and everything they depend on,
#                  as apt resolves them for a machine with nothing installed, as a file: apt repository
#                  (Packages.gz; packages.txt lists the asked ones)
#   qgis/          the QGIS plugin zip, when the checkout has plugins/qgis
#   install.sh, services.sh, desktop/ (menu entries, icon), gridwatch.1 (man page), BUNDLE.txt
# Run on a connected Debian 12 amd64 machine (the wheels are for its Python 3.11), as root for apt.
#   --debs "PKG …"   bundle these Debian packages (and their dependencies) instead of the whole list
#   --no-debs        no Debian packages (the target has them already)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; echo "usage: bundle.sh [--debs \"PKG …\" | --no-debs] OUTDIR"; }
debs=$(grep -v '^#' "$here/installer/system-packages.txt" | grep -v '^$' | tr '\n' ' ')
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --debs) debs=${2:?--debs needs a list of packages}; shift ;;
    --no-debs) debs="" ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "bundle.sh: unknown option $1" >&2; usage >&2; exit 1 ;;
    *) out=$1 ;;
  esac
  shift
done
[ -n "$out" ] || { usage >&2; exit 1; }
python=${GRIDWATCH_VENV:-$here/.venv}/bin/python
[ -x "$python" ] || { echo "bundle.sh: no venv at ${python%/bin/python}: run installer/setup.sh first" >&2; exit 1; }
started=$(date +%s)
version=$("$python" -c "from importlib.metadata import version; print(version('gridwatch'))")
name=gridwatch-$version-offline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/$name
mkdir -p "$stage/wheels" "$stage/debs" "$out"

echo "== wheels (the versions of $("$python" -c 'import sys; print(sys.prefix)'))"
"$python" -m pip wheel -q --no-deps -w "$stage/wheels" "$here"
"$python" "$here/installer/pins.py" "$stage/wheels"/gridwatch-*.whl > "$work/pins.txt"
# pip wheel keeps a published wheel as it is, and builds one from a package published only as source
"$python" -m pip wheel -q --no-deps --prefer-binary -w "$stage/wheels" -r "$work/pins.txt"
"$python" "$here/installer/pins.py" requirements "$work/pins.txt" "$stage/wheels" > "$stage/wheels/requirements.txt"

if [ -n "$debs" ]; then
  echo "== Debian packages: $debs"
  [ "$(id -u)" = 0 ] && apt-get update -qq
  # What apt would install on a machine with nothing installed (an empty dpkg status): the target's own
  # packages may be older or fewer than this machine's, and install.sh skips what it already has.
  : > "$work/empty-status"
  # shellcheck disable=SC2086
  apt-get install -s -qq --no-install-recommends -o Dir::State::status="$work/empty-status" $debs \
    | awk '/^Inst /{print $2 "=" substr($3, 2)}' > "$work/resolved.txt"
  [ -s "$work/resolved.txt" ] || { echo "bundle.sh: apt resolved nothing for: $debs" >&2; exit 1; }
  (cd "$stage/debs" && xargs -a "$work/resolved.txt" apt-get download -qq -o APT::Sandbox::User=root)
  echo "$debs" | tr ' ' '\n' | grep -v '^$' > "$stage/debs/packages.txt"
  # the index that makes debs/ an apt repository for install.sh: each package's control fields, where
  # it is and its hash (what dpkg-scanpackages writes, without needing dpkg-dev here or on the target)
  (cd "$stage/debs" && for deb in *.deb; do
     dpkg-deb -f "$deb"
     printf 'Filename: ./%s\nSize: %s\nSHA256: %s\n\n' "$deb" "$(stat -c %s "$deb")" "$(sha256sum < "$deb" | cut -d' ' -f1)"
   done | gzip -9 > Packages.gz)
fi

if [ -d "$here/plugins/qgis" ]; then
  mkdir -p "$stage/qgis"
  # the zip QGIS's "Install from ZIP" takes: one gridwatch/ folder (a folder named qgis would shadow QGIS)
  qgis="qgis/$(basename "$(bash "$here/installer/qgis_plugin.sh" "$stage/qgis")")"
else
  qgis="none: this checkout has no plugins/qgis"
  echo "== no QGIS plugin: this checkout has no plugins/qgis"
fi

cp "$here/installer/install.sh" "$here/installer/services.sh" "$here/installer/gridwatch.1" "$stage/"
cp -r "$here/installer/desktop" "$stage/desktop"
{ echo "gridwatch $version offline bundle, built $(date -u +%Y-%m-%dT%H:%MZ) from $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo 'a checkout')"
  echo "Python: $("$python" -V 2>&1) on $(. /etc/os-release && echo "$PRETTY_NAME") $(dpkg --print-architecture)"
  echo "wheels: $(($(wc -l < "$stage/wheels/requirements.txt"))) ($(du -sh "$stage/wheels" | cut -f1))"
  echo "Debian packages: $(ls "$stage/debs" | grep -c '\.deb$' || true) ($(du -sh "$stage/debs" | cut -f1)) for: ${debs:-none}"
  echo "QGIS plugin: $qgis"
  echo "Install: sudo ./install.sh --help"; } > "$stage/BUNDLE.txt"

echo "== archive"
tar -C "$work" -cf - "$name" | gzip -1 > "$out/$name.tar.gz"
cat "$stage/BUNDLE.txt"
echo "bundle: $out/$name.tar.gz, $(du -h "$out/$name.tar.gz" | cut -f1), built in $(($(date +%s) - started)) s"
