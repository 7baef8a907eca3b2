"""`gridwatch calendar`: a center types the 2027 notice and the running deadlines follow; both backends."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.store import Store
from tests.calendar_support import NOTICE_2027, allow_scenario_dates, library_until_2026  # noqa: F401
from tests.cli.test_cases_cli import url_of
from tests.conftest import local

pytestmark = [
    pytest.mark.filterwarnings("ignore::gridwatch.db.calendar.UnknownCalendarYear"),
    pytest.mark.usefixtures("library_until_2026"),
]
runner = CliRunner()


def gw(store: Store, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--db", url_of(store)])
    return result.exit_code, result.stdout, result.stderr


def dispatched_case(store: Store, at: datetime | None = None, urgency: str = "A") -> str:
    """By default the issue's case: dispatched 2026-12-31 16:00 with one working day (urgency A)."""
    allow_scenario_dates(store)
    at = at or local(2026, 12, 31, 16)
    no = store.report(
        actor="worker", source="grid_worker", category_code="09006", lon=118.09, lat=24.47, reported_at=at
    ).case_no
    store.act(no, "register", actor="leader", inp=ActionInput(urgency=urgency, at=at))
    store.act(no, "dispatch", actor="dispatcher", inp=ActionInput(department="CGJ", at=at))
    return no


def test_typing_the_2027_notice(store: Store, staff: dict[str, str], tmp_path: Path) -> None:
    new_year = dispatched_case(store)  # due 2027-01-04 16:00, not on New Year's Day
    spring = dispatched_case(store, local(2027, 2, 4, 9), "C")  # due 02-16 09:00 with 02-05..10 estimated off
    code, out, err = gw(store, "calendar", "check", "2027")
    assert code == 1 and out == ""
    assert err.splitlines()[0] == (
        "2027: ESTIMATED from the national regulation on holidays: nobody has entered the notice (0 day(s) "
        "entered by the site)."
    )
    code, out, _ = gw(store, "calendar", "show", "2027", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["source"] == "estimate"
    assert shown["days"][0] == {
        "day": "2027-01-01",
        "is_workday": False,
        "source": "estimate",
        "name": "元旦",
        "entered_by": None,
        "entered_at": None,
        "entered_from": None,
    }
    assert len(shown["days"]) == 13  # 13 statutory and 6 made-up days off, less the 6 on a weekend

    code, _, err = gw(store, "calendar", "set", "2027-01-02", "--workday", "--as", "dispatcher")
    assert code == 1 and "needs the role admin; dispatcher holds dispatcher" in err
    code, _, err = gw(store, "calendar", "set", "2027-01-02", "--workday", "--holiday")
    assert code == 1 and "--holiday or --workday (one of them)" in err

    notice = tmp_path / "2027国务院放假通知.csv"
    notice.write_text(NOTICE_2027, encoding="gb18030")
    code, out, _ = gw(store, "calendar", "import", str(notice), "--as", "admin", "--json")
    assert code == 0, out
    result = json.loads(out)
    assert result["years"] == {"2027": "site"} and len(result["written"]) == 34
    # the notice: 02-05..13 off, Sunday 02-14 worked; New Year's deadline stays (01-02 and 03 are a weekend)
    assert [(m["case_no"], m["previous"], m["deadline"], m["estimated"]) for m in result["moved"]] == [
        (spring, "2027-02-16T01:00:00+00:00", "2027-02-17T01:00:00+00:00", False)
    ]
    code, out, _ = gw(store, "calendar", "check", "2027")
    assert code == 0 and out.startswith("2027: entered by the site (the State Council's notice) (34 day(s)")
    code, out, _ = gw(store, "calendar", "show", "2027", "--json")
    first = json.loads(out)["days"][0]
    assert (first["source"], first["entered_by"], first["entered_from"]) == (
        "site",
        "admin",
        "import 2027国务院放假通知.csv",
    )
    with store.session() as s:
        assert [e.action for e in store.events(s, spring)].count("recompute_deadline") == 1
        assert [e.action for e in store.events(s, new_year)] == ["report", "register", "dispatch"]


def test_report_metrics_say_the_calendar_is_estimated(store: Store, staff: dict[str, str]) -> None:
    dispatched_case(store)
    args = ("report", "metrics", "--from", "2026-12-01", "--to", "2026-12-31")
    code, out, err = gw(store, *args, "--format", "json")
    rows = [(r["key"], r["estimated_calendar"]) for r in json.loads(out)]
    assert code == 0 and rows == [("CGJ", True), ("total", True)]
    assert " ".join(err.split()) == (
        "On-time figures of the rows marked 'estimated' rest on an estimated calendar for 2027: the State "
        "Council's holiday notice is not entered (gridwatch calendar check YEAR)."
    )
    code, out, err = gw(store, *args, "--format", "csv")
    header, row, total = out.splitlines()
    assert code == 0 and header.endswith(",等级,估算日历") and row.endswith(",estimated")
    assert total.startswith("total,") and total.endswith(",estimated")
    code, out, err = gw(store, *args)  # the table on a terminal
    assert code == 0 and "estimated calendar for 2027" in " ".join(err.split())
    gw(store, "calendar", "set", "2027-01-01", "--holiday", "--name", "元旦", "--as", "admin")
    code, out, err = gw(store, *args, "--format", "json")
    # one day entered does not make 2027 known: the figures still rest on the estimate
    assert [r["estimated_calendar"] for r in json.loads(out)] == [True, True] and "2027" in err
