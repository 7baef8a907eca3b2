#!/usr/bin/env bash
# Build the QGIS plugin zip that QGIS's "Plugins ▸ Manage and Install Plugins ▸ Install from ZIP" accepts:
# one top-level folder named as the plugin (gridwatch/) holding metadata.txt, __init__.py, the modules,
# the icon and the compiled translations. Usage: installer/qgis_plugin.sh [OUTPUT_DIR] (default dist/).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/dist}
src=$here/plugins/qgis
version=$(sed -n 's/^version=//p' "$src/metadata.txt")
[ -n "$version" ] || { echo "qgis_plugin.sh: no version= in $src/metadata.txt" >&2; exit 1; }
lrelease=${LRELEASE:-}
for candidate in "$here/.venv/bin/pyside6-lrelease" "$(command -v pyside6-lrelease || true)" "$(command -v lrelease || true)"; do
  if [ -z "$lrelease" ] && [ -n "$candidate" ] && [ -x "$candidate" ]; then lrelease=$candidate; fi
done
if [ -n "$lrelease" ]; then  # the .qm are committed too: rebuild them when a tool is at hand
  for ts in "$src"/i18n/*.ts; do "$lrelease" -silent "$ts" -qm "${ts%.ts}.qm"; done
fi
mkdir -p "$out"
zip=$out/gridwatch-qgis-$version.zip
python3 - "$src" "$zip" <<'PY'
import sys
import zipfile
from pathlib import Path

src, target = Path(sys.argv[1]), Path(sys.argv[2])
skip_dirs = {"__pycache__"}
files = sorted(
    p for p in src.rglob("*")
    if p.is_file() and not skip_dirs & set(p.relative_to(src).parts) and p.suffix not in {".pyc", ".ts"}
)
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for p in files:
        info = zipfile.ZipInfo(f"gridwatch/{p.relative_to(src).as_posix()}", date_time=(2026, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, p.read_bytes())
print(target)
PY
