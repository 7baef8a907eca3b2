"""The plugin as QGIS gets it: the zip `installer/qgis_plugin.sh` builds (one `gridwatch/` folder with
metadata.txt), installed and started by QGIS's own plugin loader; its translations complete."""

from __future__ import annotations

import ast
import configparser
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.qgis.conftest import ROOT, run_qgis

PLUGIN = ROOT / "plugins" / "qgis"


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        ["bash", str(ROOT / "installer" / "qgis_plugin.sh"), str(out)], check=True, capture_output=True
    )
    (built,) = out.glob("gridwatch-qgis-*.zip")
    return built


def test_the_zip_holds_one_plugin_folder_with_its_metadata(plugin_zip: Path) -> None:
    with zipfile.ZipFile(plugin_zip) as z:
        names = z.namelist()
        metadata = z.read("gridwatch/metadata.txt").decode("utf-8")
    assert {n.split("/")[0] for n in names} == {"gridwatch"}
    assert {
        "gridwatch/__init__.py", "gridwatch/metadata.txt", "gridwatch/icon.png", "gridwatch/plugin.py",
        "gridwatch/i18n/gridwatch_zh_CN.qm",
    } <= set(names)  # fmt: skip
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".ts"))]
    parser = configparser.ConfigParser()
    parser.read_string(metadata)
    general = parser["general"]
    assert general["name"] == "gridwatch" and general["qgisMinimumVersion"] == "3.22"
    assert general["qgisMaximumVersion"] == "3.99" and general["hasProcessingProvider"] == "yes"
    for required in ("description", "about", "version", "author", "email", "repository"):
        assert general[required].strip(), required
    assert plugin_zip.name == f"gridwatch-qgis-{general['version']}.zip"


def test_class_factory_is_lazy() -> None:
    """QGIS imports every plugin's __init__ at start: ours imports nothing until classFactory runs."""
    tree = ast.parse((PLUGIN / "__init__.py").read_text(encoding="utf-8"))
    top_level_imports = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    factory = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "classFactory")
    assert top_level_imports == []
    assert any(isinstance(n, ast.ImportFrom) and n.module == "plugin" for n in ast.walk(factory))


def tr_strings() -> set[str]:
    found: set[str] = set()
    for path in PLUGIN.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            # tr("…") at the call, or QT_TRANSLATE_NOOP("gridwatch", "…") marking a class attribute
            if not isinstance(node, ast.Call):
                continue
            at = {"tr": 0, "QT_TRANSLATE_NOOP": 1}.get(getattr(node.func, "id", ""))
            arg = node.args[at] if at is not None and len(node.args) > at else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
    return found


def test_every_plugin_text_has_its_chinese_and_the_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    ts = PLUGIN / "i18n" / "gridwatch_zh_CN.ts"
    messages = {m.findtext("source"): m.find("translation") for m in ET.parse(ts).getroot().iter("message")}
    assert tr_strings() <= set(messages), sorted(tr_strings() - set(messages))
    unfinished = [s for s, t in messages.items() if t is None or t.get("type") == "unfinished" or not t.text]
    assert unfinished == []
    qm = tmp_path / "check.qm"
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True
    )
    assert qm.read_bytes() == (PLUGIN / "i18n" / "gridwatch_zh_CN.qm").read_bytes()


@pytest.mark.slow
def test_qgis_installs_loads_and_unloads_the_zip(plugin_zip: Path, tmp_path: Path) -> None:
    seen = run_qgis("zip_install.py", {}, str(plugin_zip), str(tmp_path / "plugins"))
    assert seen["available"] and seen["loaded"] and seen["started"]
    assert (seen["min"], seen["max"]) == ("3.22", "3.99")
    assert seen["algorithms"] == ["gridwatch:casespergrid", "gridwatch:overduehotspots"]
    assert seen["menu"] == [["gridwatch", "Add gridwatch layers"], ["gridwatch", "gridwatch store…"]]
    assert seen["unloaded"] and seen["after_unload"] is False
