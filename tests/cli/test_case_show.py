"""`gridwatch case show` prints the case with exactly the number given, or says which numbers are close."""

from __future__ import annotations

import json

from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.store import Store
from tests.cli.test_cases_cli import gw
from tests.conftest import local


def test_show_prints_the_case_numbered_not_one_that_mentions_the_number(
    store: Store, staff: dict[str, str]
) -> None:
    asked = store.report(
        actor="worker", source="grid_worker", category_code="06010", lon=118.09, lat=24.47,
        reported_at=local(2025, 11, 3, 9),
    ).case_no  # fmt: skip
    store.act(asked, "register", actor="leader")
    store.act(asked, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ"))
    other = store.report(
        actor="acceptor", source="hotline", category_code="09006", lon=118.09, lat=24.47,
        description=f"同一地点又报: 见 {asked}", reported_at=local(2025, 11, 3, 10),
    ).case_no  # fmt: skip
    code, out = gw(store, "case", "show", asked, "--json")
    assert code == 0, out
    shown = json.loads(out)
    assert (shown["case_no"], shown["category"], shown["department"], shown["state"]) == (
        asked,
        "暴露垃圾",
        "CGJ",
        "dispatched",
    )
    assert [(e["action"], e["actor"]) for e in shown["events"]] == [
        ("report", "Worker"),
        ("register", "Leader"),
        ("dispatch", "Dispatcher"),
    ]
    code, out = gw(store, "case", "show", other, "--json")
    assert json.loads(out)["category"] == "占道经营"


def test_show_of_a_missing_number_says_which_are_close(store: Store, staff: dict[str, str]) -> None:
    made = [
        store.report(
            actor="worker", source="grid_worker", category_code="06010", lon=118.09, lat=24.47,
            reported_at=local(2025, 11, 3, 9, m),
        ).case_no
        for m in range(2)
    ]  # fmt: skip
    assert made == ["20251103000001", "20251103000002"]
    code, out = gw(store, "case", "show", "2025110300002")
    assert code == 1 and "Traceback" not in out
    assert " ".join(out.split()) == (
        "No case numbered '2025110300002'; did you mean 20251103000002, 20251103000001?"
    )
