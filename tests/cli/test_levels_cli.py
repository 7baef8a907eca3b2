"""The command line moves a case between centers, shows its hops, the handbook and the levels' figures
(docs/LEVELS.md); bad input is one line and exit 1 with nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.store import Store
from tests.conftest import local
from tests.db.test_levels import Chain, build

runner = CliRunner()


def gw(store: Store, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", store.url])
    return result.exit_code, result.output


def test_a_case_goes_down_and_up_on_the_command_line(sqlite_store: Store) -> None:
    chain: Chain = build(sqlite_store)
    u = chain.users
    no = chain.report("C1", at=local(2026, 3, 2, 9, 0))
    chain.act(no, "register", "top", at=local(2026, 3, 2, 9, 5))
    steps = [
        ("dispatch-down", "top", ["--center", "350203"]),
        ("dispatch-down", "d", ["--center", "350203001"]),
        ("hand-back", "s1", ["--reason", "不属本街道"]),
    ]
    for action, who, extra in steps:
        code, out = gw(sqlite_store, "case", action, no, *extra, "--as", u[who])
        assert code == 0, out
    code, out = gw(sqlite_store, "case", "dispatch-down", no, "--center", "350203001", "--as", u["d"])
    assert code == 1
    assert "handed this case back; dispatching it there again needs a reason" in out
    code, out = gw(sqlite_store, "case", "hops", no, "--json")
    assert code == 0, out
    data = json.loads(out)
    assert [(h["action"], h["from_center"], h["to_center"]) for h in data["hops"]] == [
        ("dispatch_down", None, "350203"),
        ("dispatch_down", "350203", "350203001"),
        ("hand_back", "350203001", "350203"),
    ]
    assert data["holding"]["holder"]["code"] == "350203"
    code, out = gw(sqlite_store, "case", "hops", no)
    assert code == 0 and "hand_back" in out and out.endswith("Held by D中心 (350203)\n")


def test_the_handbook_center_and_shares_commands(sqlite_store: Store, tmp_path: Path) -> None:
    chain: Chain = build(sqlite_store)
    bad = tmp_path / "bad.csv"
    bad.write_text("category,standard\n06010,干净\nXX,不存在\n", encoding="utf-8")
    code, out = gw(sqlite_store, "handbook", "import", str(bad))
    assert code == 1 and "Handbook line 3: unknown category 'XX'. Nothing was imported" in out
    good = tmp_path / "good.csv"
    good.write_text("category,standard,photos_after\n06010,路面见本色,1\n", encoding="utf-8")
    assert gw(sqlite_store, "handbook", "import", str(good)) == (0, f"Imported 1 handbook rows from {good}\n")
    code, out = gw(sqlite_store, "handbook", "list", "--json")
    row = next(r for r in json.loads(out) if r["category_code"] == "06010")
    assert (row["standard"], row["photos_after"], row["limit_amount"], row["limit_unit"]) == (
        "路面见本色",
        1,
        4,
        "working_hours",
    )
    code, out = gw(sqlite_store, "center", "list", "--json")
    assert [r["code"] for r in json.loads(out)] == [
        None, "350203", "350203001", "350203001001", "350203002", "350203002001",
    ]  # fmt: skip
    code, out = gw(sqlite_store, "center", "add", "35020300100101", "--name", "网格站")
    assert code == 1 and "a center runs at a district, street or community" in out
    no = chain.report("C1", at=local(2026, 3, 2, 9, 0))
    chain.act(no, "escalate", "worker1", at=local(2026, 3, 2, 9, 5), reason="劝离无效")
    chain.act(no, "register", "c1", at=local(2026, 3, 2, 9, 10))
    chain.act(no, "dispatch", "c1", at=local(2026, 3, 2, 9, 20), department="JD")
    code, out = gw(sqlite_store, "report", "shares", "--from", "2026-03-02", "--to", "2026-03-02", "--json")
    assert code == 0 and all(r["closed"] == 0 for r in json.loads(out))
    code, out = gw(
        sqlite_store, "report", "metrics", "--from", "2026-03-02", "--to", "2026-03-02", "--by", "level",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, out
    rows = [r for r in json.loads(out) if r["key"] != "total"]  # the report may end with a total row
    assert [(r["key"], r["to_handle"]) for r in rows] == [("community", 1)]
    code, out = gw(
        sqlite_store, "report", "metrics", "--from", "2026-03-02", "--to", "2026-03-02", "--by", "center",
        "--format", "json",
    )  # fmt: skip
    rows = [r for r in json.loads(out) if r["key"] != "total"]
    assert [(r["key"], r["name"]) for r in rows] == [("350203001001", "C1名")]
