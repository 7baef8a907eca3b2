"""The handler's phone sees the disposal handbook's standard beside the case, and a feedback without the
after-photo the standard asks for is refused with the reason, keeping nothing; on both backends."""

from __future__ import annotations

import requests

from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import HandbookEntry
from gridwatch.db.reads import cases as case_reads
from tests.api.conftest import Field
from tests.api.test_field_api import jpeg, report


def test_the_handbook_beside_the_case_and_its_after_photo_at_feedback(served: Field) -> None:
    with served.owner.session() as s:
        entry = s.get(HandbookEntry, "06")
        assert entry is not None
        entry.photos_after = 1
    case_no = report(served).json()["case_no"]
    leader = served.users["leader"]
    served.owner.act(case_no, "register", actor=leader)
    served.owner.act(case_no, "dispatch", actor=leader, inp=ActionInput(department="CGJ"))
    served.owner.act(case_no, "accept", actor=served.users["h_cgj"])
    shown = requests.get(served.url(f"/api/v1/cases/{case_no}"), headers=served.auth("h_cgj"), timeout=10)
    assert shown.status_code == 200, shown.text
    assert shown.json()["standard"] == {
        "category_code": "06",
        "standard": "路面、绿地见本色，无暴露垃圾、无积存杂物",
        "limit_amount": 4.0,
        "limit_unit": "working_hours",
        "department_kind": "环卫中心",
        "photos_before": 0,
        "photos_after": 1,
    }
    url = served.url(f"/api/v1/cases/{case_no}/actions/feedback")
    refused = requests.post(url, data={"note": "已清理"}, headers=served.auth("h_cgj"), timeout=10)
    assert refused.status_code == 400
    assert refused.json()["error"] == (
        f"Case {case_no}: the handbook's standard for 06 needs 1 after-photo(s) with the feedback; "
        "0 attached."
    )
    found = case_reads.by_number(served.owner, case_no)
    assert found.case.state == "handling" and [a.kind for a in found.attachments] == ["before"]
    done = requests.post(
        url,
        data={"note": "已清理"},
        files=[("photos", ("after.jpg", jpeg((80, 60)), "image/jpeg"))],
        headers=served.auth("h_cgj"),
        timeout=10,
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "handled"
