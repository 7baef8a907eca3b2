"""Open311 GeoReport v2 served by uvicorn, on both backends: services from the category tree, a citizen's
POST with a photo (verified before registration: source citizen, state reported), GET in JSON and XML, the
rating of a closed case, GeoReport's error format, and `gridwatch apikey add|list|revoke`."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import requests
from typer.testing import CliRunner

from gridwatch.cli import app
from gridwatch.db import field as bookkeeping
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.metrics import compute
from gridwatch.db.reads import cases as case_reads
from gridwatch.db.store import utcnow
from tests.api.conftest import IN_GRID, Field
from tests.api.test_field_api import jpeg
from tests.cli.test_cases_cli import url_of

runner = CliRunner()


def key_of(served: Field) -> str:
    return bookkeeping.add_api_key(served.service.keeper, "随手拍", served.users["app"])


def post(served: Field, key: str, **fields: object) -> requests.Response:
    form = {
        "api_key": key,
        "service_code": "06010",
        "lat": IN_GRID[1],
        "long": IN_GRID[0],
        "description": "路面坑洼",
        **fields,
    }
    return requests.post(
        served.url("/open311/v2/requests.json"),
        data=form,
        files=[("media", ("pothole.jpg", jpeg(), "image/jpeg"))],
        timeout=10,
    )


def test_services_are_the_category_trees_leaves_in_json_and_xml(served: Field) -> None:
    listed = requests.get(served.url("/open311/v2/services.json"), timeout=10).json()
    pothole = next(s for s in listed if s["service_code"] == "06010")
    assert pothole["type"] == "realtime" and pothole["metadata"] is False and pothole["group"]
    assert all(len(s["service_code"]) > 2 for s in listed)
    xml = ET.fromstring(requests.get(served.url("/open311/v2/services.xml"), timeout=10).content)
    assert [s.findtext("service_code") for s in xml.findall("service")] == [s["service_code"] for s in listed]
    definition = requests.get(served.url("/open311/v2/services/06010.json"), timeout=10)
    assert definition.json() == {"service_code": "06010", "attributes": []}
    assert requests.get(served.url("/open311/v2/services/99999.json"), timeout=10).json() == [
        {"code": 404, "description": "No service with code '99999'."}
    ]


def test_a_citizen_report_is_verified_first_listed_and_rated_once_closed(served: Field) -> None:
    key = key_of(served)
    posted = post(served, key)
    assert posted.status_code == 201, posted.text
    case_no = posted.json()[0]["service_request_id"]
    found = case_reads.by_number(served.owner, case_no)
    assert (found.case.source, found.case.state) == ("citizen", "reported")
    assert [a.kind for a in found.attachments] == ["before"]
    one = requests.get(
        served.url(f"/open311/v2/requests/{case_no}.json"), params={"api_key": key}, timeout=10
    )
    assert one.json()[0]["status"] == "open"
    assert one.json()[0]["status_notes"] == "Received; the center verifies it on site."
    leader, handler, worker = served.users["leader"], served.users["h_cgj"], served.users["worker"]
    for action, who, inp in (
        ("send_verify", leader, None),
        ("register", leader, None),
        ("dispatch", leader, ActionInput(department="CGJ")),
        ("accept", handler, None),
        ("feedback", handler, None),
        ("send_check", leader, None),
        ("check_pass", worker, None),
        ("close", leader, None),
    ):
        served.owner.act(case_no, action, actor=who, inp=inp)
    rating = requests.post(
        served.url(f"/open311/v2/requests/{case_no}/rating.json"),
        data={"api_key": key, "rating": "基本满意", "comment": "修得快"},
        timeout=10,
    )
    assert rating.status_code == 201 and rating.json() == [
        {"service_request_id": case_no, "rating": "basically"}
    ]
    twice = requests.post(
        served.url(f"/open311/v2/requests/{case_no}/rating.json"),
        data={"api_key": key, "rating": "不满意"},
        timeout=10,
    )
    assert twice.status_code == 400 and twice.json() == [
        {"code": 400, "description": f"Case {case_no} is rated already."}
    ]
    closed = requests.get(
        served.url("/open311/v2/requests.xml"), params={"api_key": key, "status": "closed"}, timeout=10
    )
    rows = ET.fromstring(closed.content).findall("request")
    assert [(r.findtext("service_request_id"), r.findtext("status"), r.findtext("rating")) for r in rows] == [
        (case_no, "closed", "basically")
    ]
    today = utcnow().astimezone(ZoneInfo("Asia/Shanghai")).date()
    with served.owner.session() as session:
        (row,) = [r for r in compute(session, today, today, "source") if r.key == "citizen"]
    assert (row.rated, row.satisfied, row.satisfaction_rate) == (1, 1, 1.0)
    printed = runner.invoke(
        app,
        [
            "report",
            "metrics",
            "--from",
            f"{today}",
            "--to",
            f"{today}",
            "--by",
            "source",
            "--format",
            "json",
            "--db",
            url_of(served.owner),
        ],
    )
    assert printed.exit_code == 0, printed.output
    rows = json.loads(printed.output)
    by_key = {r["key"]: (r["rated"], r["satisfaction_rate"]) for r in rows}
    assert by_key.pop("citizen") == (1, "100.00%")
    assert by_key in ({}, {"total": (1, "100.00%")})  # a total row, where the metrics print one
    opened = requests.get(
        served.url("/open311/v2/requests.json"), params={"api_key": key, "status": "open"}, timeout=10
    )
    assert opened.json() == []


def test_open311_errors_are_its_own_format(served: Field) -> None:
    key = key_of(served)
    missing = requests.post(served.url("/open311/v2/requests.json"), data={"api_key": key}, timeout=10)
    assert missing.status_code == 400
    assert missing.json() == [{"code": 400, "description": "Missing or malformed: service_code."}]
    nowhere = requests.post(
        served.url("/open311/v2/requests.json"), data={"api_key": key, "service_code": "06010"}, timeout=10
    )
    assert nowhere.json() == [{"code": 400, "description": "Give lat and long, or address_string."}]
    bad_key = post(served, "not-a-key")
    assert bad_key.status_code == 401 and bad_key.json() == [
        {"code": 401, "description": "The api_key is unknown or revoked."}
    ]
    xml = requests.get(served.url("/open311/v2/requests.xml"), timeout=10)
    assert xml.status_code == 401
    assert ET.fromstring(xml.content).findtext("error/description") == (
        "api_key is required: ask the center for a key (gridwatch apikey add)."
    )
    assert requests.get(served.url("/open311/v2/services.csv"), timeout=10).status_code == 400


def test_apikey_add_list_revoke_on_the_command_line(served: Field) -> None:
    db = url_of(served.owner)
    added = runner.invoke(app, ["apikey", "add", "微信小程序", "--user", served.users["app"], "--db", db])
    assert added.exit_code == 0, added.output
    key = added.output.strip()
    assert len(key.splitlines()) == 1 and post(served, key).status_code == 201
    listed = runner.invoke(app, ["apikey", "list", "--json", "--db", db])
    assert '"app_name": "微信小程序"' in listed.output and '"revoked": false' in listed.output
    revoked = runner.invoke(app, ["apikey", "revoke", "微信小程序", "--db", db])
    assert revoked.exit_code == 0 and revoked.output.strip() == "Revoked the key of 微信小程序."
    assert post(served, key).status_code == 401
    unknown = runner.invoke(app, ["apikey", "revoke", "nobody", "--db", db])
    assert unknown.exit_code == 1 and "No app named 'nobody'" in unknown.output


def test_a_replayed_open311_post_is_the_same_request(served: Field) -> None:
    key = key_of(served)
    form = {"api_key": key, "service_code": "06010", "lat": IN_GRID[1], "long": IN_GRID[0]}
    headers = {"Idempotency-Key": "mini-program-0001"}
    first, again = (
        requests.post(served.url("/open311/v2/requests.json"), data=form, headers=headers, timeout=10)
        for _ in range(2)
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    other = requests.post(served.url("/open311/v2/requests.json"), data=form, timeout=10)
    assert other.json()[0]["service_request_id"] != first.json()[0]["service_request_id"]
    listed = requests.get(served.url("/open311/v2/requests.json"), params={"api_key": key}, timeout=10)
    assert len(listed.json()) == 2
