"""Centers on the org tree (docs/LEVELS.md): dispatch down, hand back, escalate, the clock carried across
hops, lateness attributed to the center and department holding the case when the limit passed, the
disposal handbook, on both backends; and the PostgreSQL guard refusing the same hops as a desk role.

The territory: district D (center) → streets S1 (center), S2 (center) → communities C1 under S1, C2 under
S2 (both centers) → one grid each. The top center (no org node) is above D.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import MultiPolygon, box
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from gridwatch.db import handbook
from gridwatch.db.accounts import add_user, sign_in
from gridwatch.db.errors import Forbidden, InvalidInput
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.metrics import case_ids_query, compute
from gridwatch.db.models import Case, Center, Department, HandbookEntry, OrgUnit
from gridwatch.db.models import CaseEvent as CaseEventTable
from gridwatch.db.reads import levels as reads
from gridwatch.db.store import NewAttachment, Store, utcnow
from tests.conftest import PG_URL, local, pg_url

PASSWORD = "correct horse 马"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
# grid squares: C1's grid at x=118.1, C2's at x=118.2
POINT = {"C1": (118.105, 24.465), "C2": (118.205, 24.465)}


@dataclass
class Chain:
    store: Store
    users: dict[str, str]  # short name → username
    units: dict[str, int]  # D, S1, S2, C1, C2, G1, G2 → org id
    tag: str

    def act(self, no: str, action: str, who: str, at: datetime | None = None, **kw: object) -> Case:
        return self.store.act(no, action, actor=self.users[who], inp=ActionInput(at=at, **kw))  # type: ignore[arg-type]

    def report(self, where: str = "C1", at: datetime | None = None, category: str = "06010") -> str:
        lon, lat = POINT[where]
        case = self.store.report(
            actor=self.users[f"worker{where[1]}"],
            source="grid_worker",
            category_code=category,
            lon=lon,
            lat=lat,
            reported_at=at,
        )
        return case.case_no

    def case(self, no: str) -> Case:
        with self.store.session() as s:
            case = self.store.case(s, no)
            s.expunge(case)
            return case


def _square(x: float) -> MultiPolygon:
    return MultiPolygon([box(x, 24.46, x + 0.01, 24.47)])


def build(store: Store) -> Chain:
    now = utcnow()
    units: dict[str, int] = {}
    with store.session() as s:
        for code in ("CGJ", "SZ", "JD"):
            s.add(Department(code=code, name=code, updated_at=now))

        def unit(
            key: str, code: str, level: str, parent: str | None, geom: MultiPolygon | None = None
        ) -> None:
            row = OrgUnit(
                code=code,
                name=f"{key}名",
                level=level,
                parent_id=units.get(parent or ""),
                geom=geom,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            units[key] = row.id

        unit("D", "350203", "district", None)
        unit("S1", "350203001", "street", "D")
        unit("S2", "350203002", "street", "D")
        unit("C1", "350203001001", "community", "S1")
        unit("C2", "350203002001", "community", "S2")
        unit("G1", "35020300100101", "grid", "C1", _square(118.1))
        unit("G2", "35020300200101", "grid", "C2", _square(118.2))
        for key in ("D", "S1", "S2", "C1", "C2"):
            s.add(Center(org_unit_id=units[key], name=f"{key}中心", updated_at=now))
    tag = uuid.uuid4().hex[:8]
    code = {"D": "350203", "S1": "350203001", "S2": "350203002", "C1": "350203001001", "C2": "350203002001"}
    people: dict[str, tuple[list[str], dict[str, object]]] = {
        "top": (["shift_leader", "dispatcher", "acceptor"], {}),
        **{k.lower(): (["shift_leader", "dispatcher", "acceptor"], {"org_unit": code[k]}) for k in code},
        "worker1": (["grid_worker"], {"grids": ["35020300100101"]}),
        "worker2": (["grid_worker"], {"grids": ["35020300200101"]}),
        "h_cgj": (["handler"], {"department": "CGJ"}),
        "h_sz": (["handler"], {"department": "SZ"}),
    }
    users = {}
    for short, (roles, scope) in people.items():
        username = f"gwl_{tag}_{short}"
        password = PASSWORD if store.is_postgres else None
        add_user(store, actor="admin", username=username, name=short, roles=roles, password=password, **scope)  # type: ignore[arg-type]
        users[short] = username
    return Chain(store, users, units, tag)


@pytest.fixture
def chain(store: Store) -> Iterator[Chain]:
    built = build(store)
    yield built
    if store.is_postgres:
        _drop_roles(built)


def _drop_roles(built: Chain) -> None:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        for username in built.users.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
    admin.dispose()


# --- seed 004's chain: city → district office → street office → community, and back up ------------------


def test_a_case_goes_down_the_chain_with_its_clock_and_back_up(chain: Chain) -> None:
    t0 = local(2026, 3, 2, 9, 0)  # a Monday
    no = chain.report("C1", at=t0)
    chain.act(no, "register", "top", at=local(2026, 3, 2, 9, 5))
    first = chain.act(no, "dispatch_down", "top", at=local(2026, 3, 2, 9, 10), center="350203")
    deadline = first.deadline_at
    assert deadline == local(2026, 3, 2, 14, 40)  # 06010: 4 working hours from 09:10 (lunch 12:00–13:30)
    chain.act(no, "dispatch_down", "d", at=local(2026, 3, 2, 9, 30), center="350203001")
    chain.act(no, "dispatch_down", "s1", at=local(2026, 3, 2, 9, 50), center="350203001001")
    case = chain.act(no, "dispatch", "c1", at=local(2026, 3, 2, 10, 0), department="CGJ")
    assert case.deadline_at == deadline and case.dispatched_at == local(2026, 3, 2, 9, 10)
    assert case.holder_id == chain.units["C1"] and case.state == "dispatched"
    chain.act(no, "accept", "h_cgj", at=local(2026, 3, 2, 10, 10))
    chain.act(no, "feedback", "h_cgj", at=local(2026, 3, 2, 11, 0))
    chain.act(no, "send_check", "c1", at=local(2026, 3, 2, 11, 5))
    chain.act(no, "check_pass", "worker1", at=local(2026, 3, 2, 11, 20))
    closed = chain.act(no, "close", "c1", at=local(2026, 3, 2, 11, 30))
    assert closed.close_type == "normal" and closed.late_at is None

    hops = reads.hops(chain.store, no)
    assert [(h.action, h.from_center, h.to_center, h.deadline) for h in hops] == [
        ("dispatch_down", None, "350203", deadline),
        ("dispatch_down", "350203", "350203001", deadline),
        ("dispatch_down", "350203001", "350203001001", deadline),
    ]
    assert [h.actor_name for h in hops] == ["top", "d", "s1"]
    # the evaluation counts it for the community that held it, on time; it was closed at community level
    rows = _metrics(chain, "center")
    assert {k: (r.to_handle, r.handled_on_time, r.closed) for k, r in rows.items()} == {
        "350203001001": (1, 1, 1)
    }
    assert [(s.level, s.closed) for s in reads.closing_shares(chain.store, _day(t0), _day(t0))] == [
        ("grid", 0),
        ("community", 1),
        ("street", 0),
        ("district", 0),
        ("top", 0),
    ]


def _day(at: datetime) -> date:
    return at.date()


def _metrics(chain: Chain, by: str) -> dict[str, Any]:
    with chain.store.session() as s:
        rules = chain.store.rules(s)
        rows = compute(s, _day(local(2026, 3, 2)), _day(local(2026, 3, 6)), by, calendar=rules.calendar)  # type: ignore[arg-type]
    return {r.key: r for r in rows}


# --- seed 002's escalation chain: grid worker → community → street → district -----------------------------


def test_an_escalation_climbs_the_chain_flagged_and_its_lateness_is_the_holders(chain: Chain) -> None:
    no = chain.report("C1", at=local(2026, 3, 2, 9, 0))
    case = chain.act(no, "escalate", "worker1", at=local(2026, 3, 2, 9, 5), reason="占道经营, 劝离无效")
    assert case.holder_id == chain.units["C1"] and case.escalated and case.state == "reported"
    chain.act(no, "register", "c1", at=local(2026, 3, 2, 9, 10))
    chain.act(no, "escalate", "c1", at=local(2026, 3, 2, 9, 20), reason="社区协调不了")
    chain.act(no, "escalate", "s1", at=local(2026, 3, 2, 9, 30), reason="超出街道职责")
    case = chain.act(no, "dispatch", "d", at=local(2026, 3, 2, 9, 40), department="SZ")
    assert case.holder_id == chain.units["D"] and not case.escalated
    assert case.deadline_at == local(2026, 3, 2, 15, 10)
    chain.act(no, "accept", "h_sz", at=local(2026, 3, 2, 10, 0))
    late = chain.act(no, "feedback", "h_sz", at=local(2026, 3, 2, 16, 0))  # 50 minutes after the limit
    assert late.late_at == local(2026, 3, 2, 15, 10)
    assert late.late_center_id == chain.units["D"]
    chain.act(no, "send_check", "d", at=local(2026, 3, 2, 16, 5))
    chain.act(no, "check_pass", "worker1", at=local(2026, 3, 2, 16, 20))
    assert chain.act(no, "close", "d", at=local(2026, 3, 2, 16, 30)).close_type == "overdue"

    hops = reads.hops(chain.store, no)
    assert [(h.action, h.from_center, h.to_center, h.reason) for h in hops] == [
        ("escalate", None, "350203001001", "占道经营, 劝离无效"),
        ("escalate", "350203001001", "350203001", "社区协调不了"),
        ("escalate", "350203001", "350203", "超出街道职责"),
    ]
    holding = reads.holding(chain.store, no)
    assert holding.late_center is not None and holding.late_center.code == "350203"
    assert holding.late_department_code == "SZ"
    rows = _metrics(chain, "level")
    assert {k: (r.to_handle, r.handled, r.handled_on_time) for k, r in rows.items()} == {
        "district": (1, 1, 0)
    }
    shares = {
        s.level: s.closed for s in reads.closing_shares(chain.store, date(2026, 3, 2), date(2026, 3, 2))
    }
    assert shares == {"grid": 0, "community": 0, "street": 0, "district": 1, "top": 0}


def test_the_centers_of_one_level_add_up_to_its_row_and_drill_down_to_their_cases(chain: Chain) -> None:
    """Two street centers (S1, S2) each hold a dispatched case: one "street" row counts both."""
    held = {}
    for where, street in (("C1", "350203001"), ("C2", "350203002")):
        no = chain.report(where, at=local(2026, 3, 2, 9, 0))
        chain.act(no, "register", "top", at=local(2026, 3, 2, 9, 5))
        chain.act(no, "dispatch_down", "top", at=local(2026, 3, 2, 9, 10), center="350203")
        chain.act(no, "dispatch_down", "d", at=local(2026, 3, 2, 9, 15), center=street)
        held[where] = chain.act(no, "dispatch", "s" + where[1], at=local(2026, 3, 2, 9, 20), department="CGJ")
    assert {c.holder_id for c in held.values()} == {chain.units["S1"], chain.units["S2"]}
    rows = _metrics(chain, "level")
    assert {k: r.to_handle for k, r in rows.items()} == {"street": 2}
    with chain.store.session() as s:
        ids = s.scalars(
            case_ids_query(
                s, _day(local(2026, 3, 2)), _day(local(2026, 3, 6)), "level", "street", "to_handle"
            )
        ).all()
        none = s.scalars(
            case_ids_query(
                s, _day(local(2026, 3, 2)), _day(local(2026, 3, 6)), "level", "district", "to_handle"
            )
        ).all()
    assert sorted(ids) == sorted(c.id for c in held.values()) and none == []


def test_lateness_goes_to_the_center_that_held_the_case_when_the_limit_passed(chain: Chain) -> None:
    no = chain.report("C1", at=local(2026, 3, 2, 9, 0))
    chain.act(no, "register", "top", at=local(2026, 3, 2, 9, 5))
    chain.act(no, "dispatch_down", "top", at=local(2026, 3, 2, 9, 10), center="350203")  # due 14:40
    # the district sits on it past the limit, then passes it on: the street inherits a late case
    chain.act(no, "dispatch_down", "d", at=local(2026, 3, 2, 15, 0), center="350203001")
    case = chain.act(no, "dispatch_down", "s1", at=local(2026, 3, 2, 15, 10), center="350203001001")
    assert case.late_at == local(2026, 3, 2, 14, 40) and case.late_center_id == chain.units["D"]
    assert case.deadline_at == local(2026, 3, 2, 14, 40)  # no hop restarted the clock
    rows = _metrics(chain, "center")
    # counted for the district; 超期待处置 counts the handling steps only (dispatched, handling), and this
    # case still waits at the community for its department
    assert {k: (r.to_handle, r.handled_on_time, r.overdue_open) for k, r in rows.items()} == {
        "350203": (1, 0, 0)
    }


def test_a_hand_back_returns_to_the_center_above_and_the_clock_keeps_running(chain: Chain) -> None:
    no = chain.report("C1", at=local(2026, 3, 2, 9, 0))
    chain.act(no, "register", "top", at=local(2026, 3, 2, 9, 5))
    chain.act(no, "dispatch_down", "top", at=local(2026, 3, 2, 9, 10), center="350203")
    chain.act(no, "dispatch_down", "d", at=local(2026, 3, 2, 9, 20), center="350203001")
    back = chain.act(no, "hand_back", "s1", at=local(2026, 3, 2, 9, 30), reason="不属本街道")
    assert back.holder_id == chain.units["D"] and back.deadline_at == local(2026, 3, 2, 14, 40)
    again = chain.act(no, "dispatch_down", "d", at=local(2026, 3, 2, 9, 40), center="350203002")
    assert again.holder_id == chain.units["S2"]


# --- bad input: a clear error and nothing changed, on both backends ---------------------------------------


def _unchanged(chain: Chain, no: str, version: int) -> None:
    case = chain.case(no)
    assert case.version == version
    with chain.store.session() as s:
        assert (
            s.scalar(
                select(func.count()).select_from(CaseEventTable).where(CaseEventTable.case_id == case.id)
            )
            == version
        )


def test_a_dispatch_outside_the_senders_subtree_is_refused(chain: Chain) -> None:
    no = chain.report("C1")
    chain.act(no, "register", "top")
    chain.act(no, "dispatch_down", "top", center="350203")
    chain.act(no, "dispatch_down", "d", center="350203001")  # now with street S1
    version = chain.case(no).version
    with pytest.raises(InvalidInput) as caught:
        chain.act(no, "dispatch_down", "s1", center="350203002001")  # C2 sits under S2
    assert str(caught.value) == (
        f"Case {no}: C2中心 (350203002001) is not under S1中心 (350203001): "
        "a center dispatches down only inside its own part of the tree."
    )
    with pytest.raises(InvalidInput, match="dispatch to D中心 \\(350203\\) first"):
        _skip_level(chain)
    with pytest.raises(Forbidden, match="is held by S1中心 \\(350203001\\): only its own center's staff"):
        chain.act(no, "dispatch_down", "s2", center="350203002001")
    _unchanged(chain, no, version)


def _skip_level(chain: Chain) -> None:
    other = chain.report("C1")
    chain.act(other, "register", "top")
    chain.act(other, "dispatch_down", "top", center="350203001")  # the street, skipping the district


def test_a_loop_back_to_a_center_that_handed_the_case_back_needs_a_reason(chain: Chain) -> None:
    no = chain.report("C1")
    chain.act(no, "register", "top")
    chain.act(no, "dispatch_down", "top", center="350203")
    chain.act(no, "hand_back", "d", reason="应由区级以上处理")
    version = chain.case(no).version
    with pytest.raises(InvalidInput) as caught:
        chain.act(no, "dispatch_down", "top", center="350203")
    assert str(caught.value) == (
        f"Case {no}: D中心 (350203) handed this case back; "
        "dispatching it there again needs a reason (--reason)."
    )
    _unchanged(chain, no, version)
    case = chain.act(no, "dispatch_down", "top", center="350203", reason="经协调仍由区处理")
    assert case.holder_id == chain.units["D"]


def test_an_escalation_from_the_top_is_refused(chain: Chain) -> None:
    no = chain.report("C1")
    chain.act(no, "register", "top")
    version = chain.case(no).version
    with pytest.raises(InvalidInput) as caught:
        chain.act(no, "escalate", "top", reason="无处可报")
    assert str(caught.value) == f"Case {no} is at the top center: there is no level above to escalate to."
    with pytest.raises(InvalidInput, match="at the top center: there is no level above to hand it back to"):
        chain.act(no, "hand_back", "top", reason="退回")
    with pytest.raises(InvalidInput, match="'escalate' needs a reason"):
        _escalate_without_reason(chain)
    _unchanged(chain, no, version)


def _escalate_without_reason(chain: Chain) -> None:
    other = chain.report("C1")
    chain.act(other, "escalate", "worker1")


def test_a_handbook_row_with_an_unknown_category_imports_nothing(chain: Chain, tmp_path: Path) -> None:
    sheet = tmp_path / "handbook.csv"
    sheet.write_text(
        "类别,处置标准,时限,时限单位,责任部门,处置前照片,处置后照片\n"
        "06010,垃圾清理干净,3,working_hours,环卫中心,1,1\n"
        "99999,不存在的类别,,,,0,0\n",
        encoding="utf-8-sig",
    )
    with chain.store.session() as s:
        before = {(e.category_code, e.standard, e.photos_after) for e in s.scalars(select(HandbookEntry))}
    with pytest.raises(InvalidInput) as caught:
        handbook.import_file(chain.store, sheet, actor="admin")
    assert str(caught.value) == (
        "Handbook line 3: unknown category '99999'. "
        "Nothing was imported: use a code of the site's category list."
    )
    with chain.store.session() as s:
        assert {
            (e.category_code, e.standard, e.photos_after) for e in s.scalars(select(HandbookEntry))
        } == before
    assert reads.standard(chain.store, "06010") is not None
    assert reads.standard(chain.store, "06010").standard == "路面、绿地见本色，无暴露垃圾、无积存杂物"  # type: ignore[union-attr]


def test_the_handbook_imports_from_a_spreadsheet_and_its_after_photo_is_checked_at_feedback(
    chain: Chain, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["category", "standard", "limit", "unit", "department_kind", "photos_before", "photos_after"]
    )
    sheet.append(["06010", "垃圾清理干净，地面见本色", 3, "working_hours", "环卫中心", 1, 1])
    path = tmp_path / "handbook.xlsx"
    book.save(path)
    assert handbook.import_file(chain.store, path, actor="admin") == 1
    shown = reads.standard(chain.store, "06010")
    assert shown is not None
    assert (
        shown.standard,
        shown.limit_amount,
        shown.limit_unit,
        shown.department_kind,
        shown.photos_after,
    ) == (
        "垃圾清理干净，地面见本色",
        3,
        "working_hours",
        "环卫中心",
        1,
    )
    no = chain.report("C1")
    chain.act(no, "register", "top")
    case = chain.act(no, "dispatch", "top", department="CGJ")
    assert case.limit_amount == 3 and case.limit_unit == "working_hours"  # the import set the clock's rule
    chain.act(no, "accept", "h_cgj")
    version = chain.case(no).version
    with pytest.raises(InvalidInput) as caught:
        chain.act(no, "feedback", "h_cgj")
    assert str(caught.value) == (
        f"Case {no}: the handbook's standard for 06010 needs 1 after-photo(s) with the feedback; 0 attached."
    )
    _unchanged(chain, no, version)
    photo = NewAttachment("after.jpg", JPEG, kind="after")
    done = chain.store.act(no, "feedback", actor=chain.users["h_cgj"], attachments=[photo])
    assert done.state == "handled"


# --- the database refuses the same for a desk role that skips the store (PostgreSQL) -----------------------


@pytest.fixture
def pg_chain(pg_store: Store, pg_schema: str) -> Iterator[tuple[Chain, str]]:
    built = build(pg_store)
    yield built, pg_schema
    _drop_roles(built)


def _raw_hop(
    conn: Any,
    no: str,
    action: str,
    holder: int | None,
    *,
    note: str = "",
    escalated: bool = False,
    to_state: str | None = None,
) -> None:
    """The UPDATE and the event a client writing SQL itself would send for a hop, committed."""
    me = conn.execute(text("SELECT gw_person_id()")).scalar_one()
    case_id, version, state = conn.execute(
        text("SELECT id, version, state FROM cases WHERE case_no = :no"), {"no": no}
    ).one()
    conn.execute(
        text(
            "UPDATE cases SET holder_id = :holder, escalated = :esc, version = version + 1, "
            "last_action = :action, updated_by_id = :me, state = :to WHERE case_no = :no"
        ),
        {"holder": holder, "esc": escalated, "action": action, "me": me, "no": no, "to": to_state or state},
    )
    conn.execute(
        text(
            "INSERT INTO case_events (case_id, action, from_state, to_state, actor_id, at, note, data, "
            "case_version) "
            "VALUES (:id, :action, :state, :to, :me, now(), :note, CAST(:data AS json), :version)"
        ),
        {
            "id": case_id,
            "action": action,
            "state": state,
            "to": to_state or state,
            "me": me,
            "note": note,
            "version": version + 1,
            "data": '{"to_center_id": %s}' % ("null" if holder is None else holder),
        },
    )
    conn.commit()


def _refused(store: Store, write: Any) -> tuple[str, str]:
    with store.engine.connect() as conn:
        with pytest.raises(DBAPIError) as caught:
            write(conn)
        conn.rollback()
    orig = caught.value.orig
    return str(getattr(orig, "sqlstate", "")), str(orig).splitlines()[0]


@pytest.mark.postgres
def test_the_database_refuses_the_hops_the_rules_forbid_for_a_desk_role(pg_chain: tuple[Chain, str]) -> None:
    chain, schema = pg_chain
    u = chain.units
    no = chain.report("C1")
    chain.act(no, "register", "top")
    chain.act(no, "dispatch_down", "top", center="350203")
    chain.act(no, "dispatch_down", "d", center="350203001")  # with street S1 now
    version = chain.case(no).version
    stores = {who: sign_in(pg_url(schema), chain.users[who], PASSWORD) for who in ("top", "s1", "d")}
    try:
        assert _refused(stores["s1"], lambda c: _raw_hop(c, no, "dispatch_down", u["C2"])) == (
            "GW001",
            f"Case {no}: C2中心 (350203002001) is not under S1中心 (350203001): "
            "a center dispatches down only inside its own part of the tree.",
        )
        assert _refused(
            stores["s1"], lambda c: _raw_hop(c, no, "escalate", None, note="x", escalated=True)
        ) == (
            "GW001",
            f"Case {no}: 'escalate' moves it from S1中心 (350203001) to D中心 (350203), "
            "not to the top center.",
        )
        assert _refused(stores["s1"], lambda c: _raw_hop(c, no, "hand_back", u["D"])) == (
            "GW001",
            "'hand_back' needs a reason (--reason).",
        )
        assert _refused(stores["top"], lambda c: _raw_hop(c, no, "dispatch_down", u["C1"])) == (
            "42501",
            f"Case {no} is held by S1中心 (350203001): only its own center's staff dispatch_down it.",
        )
        assert chain.case(no).version == version and chain.case(no).holder_id == u["S1"]
        # an escalation from the top, and a holder changed by another action
        top_case = chain.report("C1")
        chain.act(top_case, "register", "top")
        assert _refused(
            stores["top"], lambda c: _raw_hop(c, top_case, "escalate", u["D"], note="x", escalated=True)
        ) == (
            "GW001",
            f"Case {top_case} is at the top center: there is no level above to escalate to.",
        )
        fresh = chain.report("C1")
        assert _refused(
            stores["top"], lambda c: _raw_hop(c, fresh, "register", u["D"], to_state="registered")
        ) == (
            "GW001",
            f"Case {fresh} changes center only by dispatch_down, hand_back or escalate.",
        )
        # a loop: the street hands the case back (with a reason); the district's raw dispatch there without
        stores["s1"].act(no, "hand_back", actor=chain.users["s1"], inp=ActionInput(reason="不属本街道"))
        assert _refused(stores["d"], lambda c: _raw_hop(c, no, "dispatch_down", u["S1"])) == (
            "GW001",
            f"Case {no}: S1中心 (350203001) handed this case back; dispatching it there again needs a reason "
            "(--reason).",
        )
        with stores["d"].engine.connect() as conn:
            _raw_hop(conn, no, "dispatch_down", u["S1"], note="协调后仍由街道处理")  # with a reason it passes
        assert chain.case(no).holder_id == u["S1"]
    finally:
        for store in stores.values():
            store.dispose()


@pytest.mark.postgres
def test_a_feedback_without_the_handbooks_after_photo_is_refused_by_the_database(
    pg_chain: tuple[Chain, str],
) -> None:
    chain, schema = pg_chain
    with chain.store.session() as s:
        s.get(HandbookEntry, "06").photos_after = 1  # type: ignore[union-attr]
    no = chain.report("C1")
    chain.act(no, "register", "top")
    chain.act(no, "dispatch", "top", department="CGJ")
    chain.act(no, "accept", "h_cgj")
    handler = sign_in(pg_url(schema), chain.users["h_cgj"], PASSWORD)

    def feedback(conn: Any) -> None:
        me = conn.execute(text("SELECT gw_person_id()")).scalar_one()
        conn.execute(
            text(
                "UPDATE cases SET state = 'handled', version = version + 1, last_action = 'feedback', "
                "updated_by_id = :me WHERE case_no = :no"
            ),
            {"me": me, "no": no},
        )

    try:
        python = (
            f"Case {no}: the handbook's standard for 06 needs 1 after-photo(s) with the feedback; 0 attached."
        )
        assert _refused(handler, feedback) == ("GW001", python)
        with pytest.raises(InvalidInput, match="needs 1 after-photo"):
            handler.act(no, "feedback", actor=chain.users["h_cgj"])
        photo = NewAttachment("after.jpg", JPEG, kind="after")
        assert handler.act(no, "feedback", actor=chain.users["h_cgj"], attachments=[photo]).state == "handled"
    finally:
        handler.dispose()


@pytest.mark.postgres
def test_the_escalation_chain_passes_the_database_as_each_signed_in_person(
    pg_chain: tuple[Chain, str],
) -> None:
    chain, schema = pg_chain
    stores = {
        who: sign_in(pg_url(schema), chain.users[who], PASSWORD) for who in ("worker1", "c1", "s1", "d")
    }
    try:
        lon, lat = POINT["C1"]
        no = (
            stores["worker1"]
            .report(
                actor=chain.users["worker1"], source="grid_worker", category_code="09006", lon=lon, lat=lat
            )
            .case_no
        )
        steps = [
            ("worker1", "escalate", "劝离无效"),
            ("c1", "register", None),
            ("c1", "escalate", "社区协调不了"),
            ("s1", "escalate", "超出街道职责"),
        ]
        for who, action, reason in steps:
            stores[who].act(no, action, actor=chain.users[who], inp=ActionInput(reason=reason))
        case = stores["d"].act(no, "dispatch", actor=chain.users["d"], inp=ActionInput(department="SZ"))
        assert case.holder_id == chain.units["D"] and case.state == "dispatched"
        assert [(h.from_center, h.to_center) for h in reads.hops(stores["d"], no)] == [
            (None, "350203001001"),
            ("350203001001", "350203001"),
            ("350203001", "350203"),
        ]
    finally:
        for store in stores.values():
            store.dispose()


def test_staff_at_a_node_without_a_center_work_for_the_center_above_it(chain: Chain) -> None:
    password = PASSWORD if chain.store.is_postgres else None
    grid_desk = f"gwl_{chain.tag}_g1desk"
    add_user(
        chain.store, actor="admin", username=grid_desk, name="g1desk", roles=["dispatcher"],
        password=password, org_unit="35020300100101",
    )  # fmt: skip
    chain.users["g1desk"] = grid_desk
    no = chain.report("C1")
    chain.act(no, "register", "top")
    with pytest.raises(Forbidden, match="is held by the top center"):
        chain.act(no, "dispatch", "g1desk", department="CGJ")
    for who, center in (("top", "350203"), ("d", "350203001"), ("s1", "350203001001")):
        chain.act(no, "dispatch_down", who, center=center)
    assert chain.act(no, "dispatch", "g1desk", department="CGJ").department_id is not None


# --- a center's departments: its own line of the tree (docs/LEVELS.md, migration 0016) ------------------


def _line_departments(chain: Chain) -> None:
    """A crew of each street and of community C1 (CGJ, SZ, JD work for the whole territory)."""
    with chain.store.session() as s:
        for code, unit in (("S1ZD", "S1"), ("S2ZD", "S2"), ("C1WY", "C1")):
            s.add(Department(code=code, name=f"{code}队", org_unit_id=chain.units[unit], updated_at=utcnow()))


def _with_street_s1(chain: Chain) -> str:
    no = chain.report("C1")
    chain.act(no, "register", "top")
    chain.act(no, "dispatch_down", "top", center="350203")
    chain.act(no, "dispatch_down", "d", center="350203001")
    return no


OFF_THE_LINE = (
    "Case {no}: S2ZD队 (S2ZD) works for S2名 (350203002), outside S1中心 (350203001)'s part of the tree: "
    "dispatch to a department of this center or of a level above or below it, or escalate the case."
)


def test_a_center_dispatches_only_to_departments_on_its_line_of_the_tree(chain: Chain) -> None:
    _line_departments(chain)
    no = _with_street_s1(chain)
    # the street's own crew, the community's below it, the territory's; not street S2's
    assert [d.code for d in reads.departments(chain.store, no)] == ["C1WY", "CGJ", "JD", "S1ZD", "SZ"]
    version = chain.case(no).version
    with pytest.raises(InvalidInput) as caught:
        chain.act(no, "dispatch", "s1", department="S2ZD")
    assert str(caught.value) == OFF_THE_LINE.format(no=no)
    _unchanged(chain, no, version)
    case = chain.act(no, "dispatch", "s1", department="S1ZD")
    assert case.state == "dispatched" and case.holder_id == chain.units["S1"]
    # a community center calls on its street's crew; the top center on any
    up = chain.report("C1")
    chain.act(up, "escalate", "worker1", reason="网格处置不了")
    chain.act(up, "register", "c1")
    assert [d.code for d in reads.departments(chain.store, up)] == ["C1WY", "CGJ", "JD", "S1ZD", "SZ"]
    assert chain.act(up, "dispatch", "c1", department="S1ZD").state == "dispatched"
    top = chain.report("C2")
    chain.act(top, "register", "top")
    assert len(reads.departments(chain.store, top)) == 6
    assert chain.act(top, "dispatch", "top", department="S1ZD").state == "dispatched"


@pytest.mark.postgres
def test_the_database_refuses_a_dispatch_off_the_line_as_the_street_dispatcher(
    pg_chain: tuple[Chain, str],
) -> None:
    chain, schema = pg_chain
    _line_departments(chain)
    no = _with_street_s1(chain)
    version = chain.case(no).version
    street = sign_in(pg_url(schema), chain.users["s1"], PASSWORD)
    try:
        with chain.store.session() as s:
            s2zd = s.scalar(select(Department.id).where(Department.code == "S2ZD"))

        def raw_dispatch(conn: Any) -> None:
            conn.execute(
                text(
                    "UPDATE cases SET department_id = :d, state = 'dispatched', last_action = 'dispatch', "
                    "version = version + 1, updated_by_id = gw_person_id() WHERE case_no = :no"
                ),
                {"d": s2zd, "no": no},
            )
            conn.commit()

        assert _refused(street, raw_dispatch) == ("GW001", OFF_THE_LINE.format(no=no))
        _unchanged(chain, no, version)
        # the lawful dispatch passes the guard as the same signed-in person
        case = street.act(no, "dispatch", actor=chain.users["s1"], inp=ActionInput(department="S1ZD"))
        assert case.state == "dispatched"
    finally:
        street.dispose()
