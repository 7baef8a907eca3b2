"""The offline bundle (installer/bundle.sh) installs and runs on a machine with no network at all.

Built once for the module, with the Python part whole and the Debian part for `python3 python3-venv` only
(the full list is about 480 MB of packages: README "Install on a network without internet" gives its size;
the Debian part is checked the same way, for the subset). Then, inside a network namespace with no
network (`unshare -n`, as root, as CI runs): install.sh into a fresh environment and prefix, `gridwatch
--help`, the demo opened headless in Chinese, the translations from the installed package, and an upgrade
over an older store, which keeps the store and the config and runs the migrations.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tarfile
from importlib.metadata import version
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[2]
DEBS = ["python3", "python3-venv"]
# a machine with no network: nothing from the checkout, its venv or the site's pip configuration
BARE_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.geteuid() != 0 or shutil.which("unshare") is None,
        reason="installs Debian packages and isolates the network: root with unshare (as CI runs)",
    ),
]


def offline(*args: str | Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run a command in a new network namespace (no interface but a down loopback), away from the checkout
    (`python -c` would import the checkout's gridwatch from the working directory)."""
    return subprocess.run(
        ["unshare", "-n", *map(str, args)],
        env=env,
        cwd=env.get("HOME", "/"),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle, built by installer/bundle.sh from this environment and unpacked."""
    out = tmp_path_factory.mktemp("bundle")
    built = subprocess.run(
        ["bash", str(ROOT / "installer" / "bundle.sh"), "--debs", " ".join(DEBS), str(out)],
        env={**os.environ, "GRIDWATCH_VENV": sys.prefix},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    archive = out / f"gridwatch-{version('gridwatch')}-offline.tar.gz"
    assert f"bundle: {archive}," in built.stdout
    with tarfile.open(archive) as tar:
        tar.extractall(out, filter="tar")
    return out / f"gridwatch-{version('gridwatch')}-offline"


@pytest.fixture(scope="module")
def installed(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """install.sh run with no network into a fresh environment and prefix: (venv, prefix, user's env)."""
    where = tmp_path_factory.mktemp("target")
    venv, prefix, home = where / "opt" / "gridwatch", where / "usr-local", where / "home"
    home.mkdir()
    result = offline("bash", bundle / "install.sh", "--venv", venv, "--prefix", prefix, env=BARE_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"== installed: {prefix}/bin/gridwatch" in result.stdout
    return venv, prefix, {**BARE_ENV, "HOME": str(home)}


def test_the_namespace_has_no_network() -> None:
    probe = offline(
        sys.executable,
        "-c",
        "import socket; socket.create_connection(('1.1.1.1', 53), timeout=3)",
        env=BARE_ENV,
    )
    assert probe.returncode != 0 and "Network is unreachable" in probe.stderr


def test_wheels_are_the_tested_versions_with_their_hashes(bundle: Path) -> None:
    wheels = bundle / "wheels"
    lines = (wheels / "requirements.txt").read_text(encoding="utf-8").splitlines()
    by_hash = {hashlib.sha256(w.read_bytes()).hexdigest(): w.name for w in wheels.glob("*.whl")}
    pinned = {}
    for line in lines:
        requirement, digest = line.split(" --hash=sha256:")
        name, pin = requirement.split("==")
        pinned[name] = pin
        assert by_hash[digest].lower().startswith(f"{name.replace('-', '_')}-{pin}-")
    assert {name: version(name) for name in pinned} == pinned
    assert len(list(wheels.glob("*.whl"))) == len(lines)
    # the run-time closure only: the test tools of the `dev` extra stay out
    assert {"gridwatch", "pyside6-essentials", "sqlalchemy", "lunar-python"} <= set(pinned)
    assert not {"pytest", "mypy", "ruff", "hypothesis"} & set(pinned)


def test_debian_packages_install_on_a_machine_with_nothing_installed(bundle: Path, tmp_path: Path) -> None:
    """apt resolves the asked packages from the bundle alone, with an empty dpkg status and no network:
    every package they need is there, and every bundled package is needed."""
    debs = bundle / "debs"
    assert (debs / "packages.txt").read_text(encoding="utf-8").split() == DEBS
    indexed = gzip.decompress((debs / "Packages.gz").read_bytes()).decode().count("\nFilename: ")
    bundled = sorted(debs.glob("*.deb"))
    assert indexed == len(bundled)
    (tmp_path / "lists" / "partial").mkdir(parents=True)
    (tmp_path / "status").write_text("", encoding="utf-8")
    (tmp_path / "sources.list").write_text(f"deb [trusted=yes] file:{debs} ./\n", encoding="utf-8")
    apt = [
        "apt-get",
        "-o", f"Dir::Etc::SourceList={tmp_path / 'sources.list'}",
        "-o", f"Dir::Etc::SourceParts={tmp_path / 'parts'}",
        "-o", f"Dir::State::Lists={tmp_path / 'lists'}",
        "-o", f"Dir::State::status={tmp_path / 'status'}",
        "-o", "Dir::Cache::pkgcache=", "-o", "Dir::Cache::srcpkgcache=",
        "-o", "APT::Sandbox::User=root",
    ]  # fmt: skip
    assert offline(*apt, "-qq", "update", env=BARE_ENV).returncode == 0
    plan = offline(*apt, "install", "-s", "--no-install-recommends", *DEBS, env=BARE_ENV)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    inst = {line.split()[1] for line in plan.stdout.splitlines() if line.startswith("Inst ")}
    assert inst == {deb.name.split("_")[0] for deb in bundled}


def test_installed_gridwatch_runs_offline_in_chinese(installed: tuple[Path, Path, dict[str, str]]) -> None:
    venv, prefix, env = installed
    usage = offline(prefix / "bin" / "gridwatch", "--help", env={**env, "COLUMNS": "200"})
    assert usage.returncode == 0, usage.stderr
    assert "dispatcher" in usage.stdout and "review station" in usage.stdout
    shot = Path(env["HOME"]) / "demo.png"
    demo = offline(
        prefix / "bin" / "gridwatch", "demo", "--cases", "20", "--no-simulate", "--lang", "zh_CN",
        "--screenshot", shot, env=env, timeout=300,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (Path(env["HOME"]) / ".local" / "share" / "gridwatch" / "demo.sqlite").exists()
    ui = offline(
        venv / "bin" / "python", "-c",
        "import gridwatch\n"
        "from gridwatch.ui.application import TRANSLATIONS, make_application\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "make_application('zh_CN')\n"
        "print(gridwatch.__file__)\n"
        "print(TRANSLATIONS)\n"
        "print(QCoreApplication.translate('VideoPane', 'Video lost'))\n",
        env=env,
    )  # fmt: skip
    assert ui.returncode == 0, ui.stderr
    where, translations, text = ui.stdout.splitlines()[-3:]
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    assert where == str(site / "gridwatch" / "__init__.py")
    assert translations == str(site / "gridwatch" / "resources" / "translations")
    assert text == "视频丢失"


def test_menu_entries_icon_and_man_page(installed: tuple[Path, Path, dict[str, str]]) -> None:
    venv, prefix, env = installed
    apps = prefix / "share" / "applications"
    review = offline(venv / "bin" / "gridwatch", "review", "--help", env=env)
    expected = {"gridwatch-dispatcher.desktop", "gridwatch-wall.desktop"}
    if review.returncode == 0:
        expected.add("gridwatch-review.desktop")
    assert {p.name for p in apps.iterdir()} == expected
    for entry in expected:
        text = (apps / entry).read_text(encoding="utf-8")
        command = entry.removeprefix("gridwatch-").removesuffix(".desktop")
        assert f"\nExec={venv}/bin/gridwatch {command}\n" in text
        assert "\nIcon=gridwatch\n" in text and "\nName[zh_CN]=数字城管 " in text
    assert (prefix / "share" / "icons" / "hicolor" / "scalable" / "apps" / "gridwatch.svg").exists()
    # the man page names the config file where db/config.py looks for it
    config = offline(
        venv / "bin" / "python",
        "-c",
        "from gridwatch.db.config import config_file; print(config_file())",
        env=env,
    ).stdout.strip()
    assert config == f"{env['HOME']}/.config/gridwatch/config.toml"
    page = offline(
        "man", "-l", prefix / "share" / "man" / "man1" / "gridwatch.1", env={**env, "MANWIDTH": "200"}
    ).stdout
    assert "The config file is ~/.config/gridwatch/config.toml" in " ".join(page.split())


def test_upgrade_keeps_store_and_config_and_migrates(
    bundle: Path, installed: tuple[Path, Path, dict[str, str]]
) -> None:
    """An older store (the schema of 0004, with cases) and a config naming it; install.sh again over the
    same environment with --db brings it to the head with its cases, and the config is untouched."""
    venv, prefix, env = installed
    store = Path(env["HOME"]) / "center.sqlite"
    config = Path(env["HOME"]) / ".config" / "gridwatch" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'db = "{store}"\n', encoding="utf-8")
    gridwatch = str(prefix / "bin" / "gridwatch")
    seeded = offline(gridwatch, "seed", "demo", "--cases", "12", env=env)
    assert seeded.returncode == 0, seeded.stderr
    older = offline(
        venv / "bin" / "python", "-c",
        "from alembic import command\nfrom sqlalchemy import create_engine\n"
        "from gridwatch.db.engine import alembic_config\n"
        f"command.downgrade(alembic_config(create_engine('sqlite:///{store}')), '0004')\n",
        env=env,
    )  # fmt: skip
    assert older.returncode == 0, older.stderr
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0004",)]
    result = offline(
        "bash",
        bundle / "install.sh",
        "--venv",
        venv,
        "--prefix",
        prefix,
        "--db",
        f"sqlite:///{store}",
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"== upgrading {venv} (was: {version('gridwatch')})" in result.stdout
    assert not venv.with_name("gridwatch.previous").exists()
    migrations = Config()
    migrations.set_main_option("script_location", str(ROOT / "db" / "migrations"))
    head = ScriptDirectory.from_config(migrations).get_current_head()
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        # 12 and the three that travel the centers
        assert db.execute("SELECT count(*) FROM cases").fetchone() == (15,)
    assert config.read_text(encoding="utf-8") == f'db = "{store}"\n'


def end_namespace(namespace: str) -> None:
    """Stop what a network namespace of a test still runs (its cluster, Mosquitto): the test alone
    started anything there."""
    for proc in Path("/proc").glob("[0-9]*"):
        with contextlib.suppress(OSError):
            if os.readlink(proc / "ns" / "net") == namespace:
                os.kill(int(proc.name), signal.SIGTERM)


@pytest.mark.postgres
@pytest.mark.skipif(shutil.which("pg_createcluster") is None, reason="needs Debian's postgresql-common")
def test_services_make_the_store_and_the_first_admin_offline(bundle: Path, tmp_path: Path) -> None:
    """install.sh --services on a PostgreSQL cluster of the test's own, inside a network namespace (its
    loopback up): the owner role, the store at the newest schema, and the first admin, who signs in with
    the password given on standard input."""
    version_dir = max(Path("/etc/postgresql").iterdir(), key=lambda p: float(p.name))
    cluster = f"gwbundle{os.getpid()}"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    created = subprocess.run(
        ["pg_createcluster", version_dir.name, cluster, "-p", str(port)], capture_output=True, text=True
    )
    assert created.returncode == 0, created.stderr
    env = {
        **BARE_ENV,
        "HOME": str(tmp_path),
        "PGPORT": str(port),
        "GRIDWATCH_PG_CLUSTER": cluster,
        "GRIDWATCH_ETC": str(tmp_path / "etc"),
    }
    venv = tmp_path / "venv"
    script = (
        "readlink /proc/self/ns/net; ip link set lo up\n"
        f"bash {bundle}/install.sh --no-debs --venv {venv} --prefix {tmp_path / 'prefix'} --services"
        " --admin first_admin <<< 'Dispatch-2026'\n"
        f"{venv}/bin/gridwatch user list --json --db postgresql://first_admin:Dispatch-2026@127.0.0.1:{port}/gridwatch\n"
    )
    result = None
    try:
        result = offline("bash", "-c", script, env=env)
    finally:
        if result is not None and result.stdout:
            end_namespace(result.stdout.splitlines()[0])
        subprocess.run(["pg_dropcluster", "--stop", version_dir.name, cluster], capture_output=True)
    assert result is not None
    assert result.returncode == 0, result.stdout + result.stderr
    assert "== first admin: first_admin" in result.stdout
    owner = (tmp_path / "etc" / "owner.url").read_text(encoding="utf-8").strip()
    assert owner.startswith("postgresql://gridwatch:") and owner.endswith(f"@127.0.0.1:{port}/gridwatch")
    assert (tmp_path / "etc" / "owner.url").stat().st_mode & 0o077 == 0
    people = json.loads(result.stdout[result.stdout.index("\n[") :])
    assert [(p["username"], p["roles"]) for p in people if p["username"] == "first_admin"] == [
        ("first_admin", ["admin"])
    ]
