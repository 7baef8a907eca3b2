"""12345 work orders through the served API: they land as cases with the source hotline, a repeat changes
nothing, a bad order is listed while the others land, and only the intake account may send them."""

from __future__ import annotations

import requests

from gridwatch.db.reads import cases as case_reads
from gridwatch.db.reads import field as reads
from tests.api.conftest import IN_GRID, Field

ORDERS = [
    {
        "case_no": "RX2026120100001",
        "source": "12345",
        "category_code": "06010",
        "reported_at": "2026-11-30 09:15",
        "description": "市民来电：路面坑洼",
        "lon": IN_GRID[0],
        "lat": IN_GRID[1],
        "status": "已上报",
    },
    {
        "case_no": "RX2026120100002",
        "source": "热线转办",
        "category_code": "01001",
        "reported_at": "2026-11-30T10:00:00+08:00",
        "description": "井盖缺失",
        "address": "思明路 12 号",
    },
]


def send(served: Field, who: str, orders: list[dict[str, object]]) -> requests.Response:
    return requests.post(
        served.url("/api/v1/hotline"), json={"orders": orders}, headers=served.auth(who), timeout=20
    )


def test_work_orders_land_once_and_a_repeat_changes_nothing(served: Field) -> None:
    first = send(served, "intake", ORDERS)
    assert first.status_code == 200, first.text
    assert first.json() == {"inserted": 2, "updated": 0, "unchanged": 0, "errors": []}
    again = send(served, "intake", ORDERS)
    assert again.json() == {"inserted": 0, "updated": 0, "unchanged": 2, "errors": []}
    found = case_reads.by_number(served.owner, "RX2026120100001")
    assert (found.case.source, found.case.state, found.case.grid_code) == (
        "hotline",
        "reported",
        "35020300100101",
    )
    assert sorted(r.case_no for r in reads.requests(served.owner)) == ["RX2026120100001", "RX2026120100002"]


def test_a_bad_order_is_listed_and_the_others_land(served: Field) -> None:
    bad = {"case_no": "RX2026120100003", "source": "12345", "category_code": "06010"}
    answer = send(served, "intake", [ORDERS[0], bad])
    assert answer.status_code == 200
    assert answer.json() == {
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "errors": [{"order": 2, "reason": "reported_at is empty."}],
    }


def test_only_the_intake_account_sends_work_orders(served: Field) -> None:
    refused = send(served, "worker", ORDERS)
    assert refused.status_code == 403
    assert refused.json()["error"] == (
        f"Hotline work orders are written by the intake account (role system); '{served.users['worker']}' "
        "holds grid_worker."
    )
    assert reads.requests(served.owner) == []
