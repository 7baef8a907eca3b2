#!/usr/bin/env bash
# Install or upgrade gridwatch from this offline bundle (made by installer/bundle.sh), with no network.
#
# usage: sudo ./install.sh [--venv DIR] [--prefix DIR] [--services [--admin USER]] [--db URL] [--no-debs]
#
#   --venv DIR     the application's environment (default /opt/gridwatch), made anew from the bundled
#                  wheels alone (pip --no-index --require-hashes). It holds code only: an upgrade replaces
#                  it and keeps every store and config file.
#   --prefix DIR   where the `gridwatch` command, the menu entries (dispatcher, video wall, review
#                  station), the icon and the man page go (default /usr/local: bin/, share/applications/,
#                  share/icons/hicolor/scalable/apps/, share/man/man1/)
#   --services     a center's server: PostgreSQL + PostGIS with the store `gridwatch` owned by the
#                  non-superuser role `gridwatch` (its password is kept in /etc/gridwatch/owner.url,
#                  root-only), the migrations, Mosquitto, and the first admin (--admin, default
#                  `center_admin`; the password is the first line of standard input, else asked)
#   --db URL       also bring this store to the newest schema (`gridwatch db upgrade --db URL`), e.g. a
#                  workstation's own SQLite file; --services does so for the server's store
#   --no-debs      do not install the bundled Debian packages
#
# The config file: each user's ~/.config/gridwatch/config.toml (or $XDG_CONFIG_HOME/gridwatch/config.toml)
# names the store, e.g. `db = "postgresql://SERVER/gridwatch"`; $GRIDWATCH_DB or --db override it, and
# with none of them a desk opens an SQLite file in ~/.local/share/gridwatch/. `man gridwatch` says more.
set -euo pipefail
bundle=$(cd "$(dirname "$0")" && pwd)
venv=/opt/gridwatch
prefix=/usr/local
services=0
admin=center_admin
stores=()
debs=1
usage() { awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --venv) venv=${2:?--venv needs a directory}; shift ;;
    --prefix) prefix=${2:?--prefix needs a directory}; shift ;;
    --services) services=1 ;;
    --admin) admin=${2:?--admin needs a user name}; shift ;;
    --db) stores+=("${2:?--db needs a store URL}"); shift ;;
    --no-debs) debs=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 1 ;;
  esac
  shift
done
venv=$(realpath -m "$venv")
[ -s "$bundle/wheels/requirements.txt" ] \
  || { echo "install.sh: $bundle is not an unpacked bundle (no wheels/requirements.txt)" >&2; exit 1; }
say() { echo "== $*"; }

# 1. Debian packages: those of the asked ones the machine lacks, from the bundle's debs/ as the only
# source apt sees (a file: repository with its own lists: the system's stay untouched, nothing is
# downloaded). apt adds the dependencies they lack or need newer; an installed package is never
# upgraded for its own sake, and nothing is removed (--no-remove: apt stops rather than remove).
if [ "$debs" = 1 ] && [ -s "$bundle/debs/packages.txt" ]; then
  missing=()
  while read -r pkg; do
    [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null)" == ii* ]] || missing+=("$pkg")
  done < "$bundle/debs/packages.txt"
  say "Debian packages: ${#missing[@]} to install of $(wc -l < "$bundle/debs/packages.txt") (${missing[*]:-none missing})"
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "install.sh: installing Debian packages needs root (or --no-debs)" >&2; exit 1; }
    apt_state=$(mktemp -d)
    mkdir -p "$apt_state/lists/partial" "$apt_state/parts"
    echo "deb [trusted=yes] file:$bundle/debs ./" > "$apt_state/sources.list"
    apt_=(apt-get -qq -o Dir::Etc::SourceList="$apt_state/sources.list" -o Dir::Etc::SourceParts="$apt_state/parts"
          -o Dir::State::Lists="$apt_state/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
          -o APT::Sandbox::User=root)
    "${apt_[@]}" update
    DEBIAN_FRONTEND=noninteractive "${apt_[@]}" install -y --no-install-recommends --no-remove "${missing[@]}"
    rm -rf "$apt_state"
  fi
fi

# 2. The environment, from the bundled wheels alone. An existing one is moved aside and put back if the
# new one cannot be made; the site's pip configuration is not read (it may name an index).
[ ! -e "$venv" ] || [ -x "$venv/bin/gridwatch" ] \
  || { echo "install.sh: $venv exists and is not a gridwatch environment: not touching it" >&2; exit 1; }
if [ -e "$venv" ]; then
  say "upgrading $venv (was: $("$venv/bin/python" -c "from importlib.metadata import version; print(version('gridwatch'))"))"
  rm -rf "$venv.previous" && mv "$venv" "$venv.previous"
  trap '[ -e "$venv.previous" ] && { rm -rf "$venv"; mv "$venv.previous" "$venv"; echo "install.sh: failed: the previous environment is back" >&2; }' EXIT
fi
say "environment $venv"
/usr/bin/python3 -m venv "$venv"
env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT PIP_CONFIG_FILE=/dev/null \
  "$venv/bin/python" -m pip install -q --no-index --find-links "$bundle/wheels" --require-hashes \
  --disable-pip-version-check -r "$bundle/wheels/requirements.txt"
rm -rf "$venv.previous"
trap - EXIT
gw="$venv/bin/gridwatch"

# 3. The command, the menu entries, the icon and the man page.
say "command, menu entries and man page under $prefix"
install -d "$prefix/bin" "$prefix/share/applications" "$prefix/share/icons/hicolor/scalable/apps" \
  "$prefix/share/man/man1"
ln -sfn "$gw" "$prefix/bin/gridwatch"
install -m 644 "$bundle/desktop/gridwatch.svg" "$prefix/share/icons/hicolor/scalable/apps/gridwatch.svg"
install -m 644 "$bundle/gridwatch.1" "$prefix/share/man/man1/gridwatch.1"
for entry in "$bundle"/desktop/*.desktop; do
  # the review station's entry opens `gridwatch review`: only a gridwatch that has that command gets it
  command=$(sed -n 's/^Exec=@GRIDWATCH@ \([a-z]*\).*/\1/p' "$entry")
  if ! "$gw" "$command" --help >/dev/null 2>&1; then
    echo "   no menu entry $(basename "$entry"): this gridwatch has no \`$command\` command yet"
    rm -f "$prefix/share/applications/$(basename "$entry")"
    continue
  fi
  sed "s|@GRIDWATCH@|$gw|" "$entry" > "$prefix/share/applications/$(basename "$entry")"
done
command -v update-desktop-database >/dev/null && update-desktop-database -q "$prefix/share/applications" || true

# 4. A center's server, then the stores to migrate.
if [ "$services" = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "install.sh: --services needs root" >&2; exit 1; }
  etc=${GRIDWATCH_ETC:-/etc/gridwatch}  # another folder and PGPORT: for tests/installer's own cluster
  install -d -m 700 "$etc"
  if [ ! -s "$etc/owner.url" ]; then
    password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
    (umask 077 && echo "postgresql://gridwatch:$password@127.0.0.1:${PGPORT:-5432}/gridwatch" > "$etc/owner.url")
  fi
  owner=$(cat "$etc/owner.url")
  password=${owner#postgresql://gridwatch:}; password=${password%%@*}
  say "services: PostgreSQL + PostGIS, store gridwatch, Mosquitto"
  GRIDWATCH_DB_NAME=gridwatch GRIDWATCH_OWNER_PASSWORD=$password bash "$bundle/services.sh"
  stores=("$owner" "${stores[@]}")
fi
for url in "${stores[@]}"; do
  say "migrations: $(echo "$url" | sed 's|://\([^:@/]*\):[^@]*@|://\1:***@|')"
  "$gw" db upgrade --db "$url"
done
if [ "$services" = 1 ]; then
  if "$gw" user list --json --db "$owner" | grep -q "\"username\": \"$admin\""; then
    say "first admin: $admin exists already"
  else
    if [ -t 0 ]; then
      read -r -s -p "Password for the first admin $admin: " secret; echo
      read -r -s -p "Again: " again; echo
      [ "$secret" = "$again" ] || { echo "install.sh: the passwords differ" >&2; exit 1; }
    else
      read -r secret || true
    fi
    [ -n "$secret" ] || { echo "install.sh: no password for the first admin $admin" >&2; exit 1; }
    printf '%s\n' "$secret" | "$gw" user add "$admin" --name "$admin" --role admin --password-stdin --db "$owner"
    say "first admin: $admin"
  fi
  echo "Desks: put  db = \"postgresql://$(hostname -f 2>/dev/null || hostname)/gridwatch\"  in each user's ~/.config/gridwatch/config.toml"
fi
say "installed: $("$gw" --help >/dev/null && echo "$prefix/bin/gridwatch") ($(basename "$bundle"))"
