"""The bundle's pins (installer/bundle.sh): `pins.py WHEEL` prints `name==version` for every distribution
gridwatch's wheel needs at run time, at the version this environment has (the one CI tested), one a
line, sorted; `pins.py requirements PINS WHEELDIR` prints them as a hashed requirements file for
`pip install --require-hashes --no-index`, from the wheels in WHEELDIR (gridwatch's own included).

Why not `pip freeze`: the development environment also holds the test and lint tools (the `dev` extra),
which a command center's workstation does not need. This walks the wheel's requirements (and the extras
they name, e.g. `psycopg[binary]`) through the installed metadata, so the pins are exactly what runs.
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from email import message_from_bytes
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename


def wheel_requirements(wheel: Path) -> list[str]:
    """The Requires-Dist lines of a built wheel: what the target installs, even where this environment's
    own (editable) metadata is older than setup.cfg."""
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = (n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return message_from_bytes(archive.read(metadata)).get_all("Requires-Dist") or []


def closure(requires: list[str]) -> dict[str, str]:
    """Canonical name -> installed version of everything `requires` needs at run time, with its extras."""
    found: dict[str, str] = {}
    todo = [(Requirement(line), frozenset[str]()) for line in requires]
    seen: set[tuple[str, frozenset[str]]] = set()
    while todo:
        req, parent_extras = todo.pop()
        wanted = [{"extra": e} for e in parent_extras] or [{"extra": ""}]
        if req.marker is not None and not any(req.marker.evaluate(env) for env in wanted):
            continue
        key = (canonicalize_name(req.name), frozenset(req.extras))
        try:
            dist = distribution(req.name)
        except PackageNotFoundError:
            sys.exit(f"pins: {req} is required but not installed in {sys.prefix}: run installer/setup.sh")
        if not req.specifier.contains(dist.version, prereleases=True):
            sys.exit(f"pins: {req} is required but {sys.prefix} has {dist.version}: run installer/setup.sh")
        found[key[0]] = dist.version
        if key not in seen:
            seen.add(key)
            todo += [(Requirement(line), key[1]) for line in dist.requires or []]
    return found


def requirements(pins: Path, wheels: Path) -> list[str]:
    """One `name==version --hash=sha256:…` line per wheel; every pin must have exactly its wheel, and no
    wheel may be left over, so a bundle cannot ship a version other than the one tested."""
    pinned = dict(line.split("==") for line in pins.read_text(encoding="utf-8").split())
    lines, left = [], dict(pinned)
    for wheel in sorted(wheels.glob("*.whl")):
        name, version, _, _ = parse_wheel_filename(wheel.name)
        if name != "gridwatch" and left.pop(name, None) != str(version):
            sys.exit(f"pins: {wheel.name} is not a pinned version ({name}=={pinned.get(name)})")
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        lines.append(f"{name}=={version} --hash=sha256:{digest}")
    if left:
        sys.exit(f"pins: no wheel for {', '.join(f'{n}=={v}' for n, v in sorted(left.items()))}")
    return lines


def main() -> None:
    if sys.argv[1:2] == ["requirements"]:
        print("\n".join(requirements(Path(sys.argv[2]), Path(sys.argv[3]))))
        return
    for name, version in sorted(closure(wheel_requirements(Path(sys.argv[1]))).items()):
        print(f"{name}=={version}")


if __name__ == "__main__":
    main()
