"""What the database itself refuses (docs/SECURITY.md), tried as each desk role, never as a superuser.

Every test here signs in as a person's own PostgreSQL login role with its password (the test command's
pg_hba.conf asks members of gridwatch_desk for scram-sha-256) and tries the bypass through raw SQL on
that connection: a state change, an event edit, a TRUNCATE, reading another department's case.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from shapely.geometry import MultiPolygon, box
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError

from gridwatch.db.accounts import add_user, disable_user, list_users, set_password, sign_in
from gridwatch.db.errors import Forbidden, InvalidAction, InvalidInput, NotFound, Refused, SignInFailed
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Department, OrgUnit
from gridwatch.db.seeds import ensure_reference_data
from gridwatch.db.store import Store, utcnow
from tests.conftest import PG_URL, pg_url

pytestmark = pytest.mark.postgres
PASSWORD = "correct horse 马"


@dataclass
class Desk:
    """A small territory on PostgreSQL: one street, two communities with a grid each, two departments,
    a person of each kind with their own sign-in, and three cases."""

    schema: str
    owner: Store
    users: dict[str, str]  # short name → login role
    cases: dict[str, str]  # short name → case number

    def sign_in(self, who: str) -> Store:
        return sign_in(pg_url(self.schema), self.users[who], PASSWORD)


def _square(x: float) -> MultiPolygon:
    return MultiPolygon([box(x, 24.46, x + 0.01, 24.47)])


@pytest.fixture
def desk(pg_store: Store, pg_schema: str) -> Iterator[Desk]:
    owner = pg_store
    now = utcnow()
    with owner.session() as s:
        ensure_reference_data(s)
        for code in ("CGJ", "SZ"):
            s.add(Department(code=code, name=code, updated_at=now))
        street = OrgUnit(code="350203001", name="街道", level="street", updated_at=now)
        s.add(street)
        s.flush()
        for i in (1, 2):
            community = OrgUnit(
                code=f"350203001{i:03d}",
                name=f"社区{i}",
                level="community",
                parent_id=street.id,
                updated_at=now,
            )
            s.add(community)
            s.flush()
            grid = OrgUnit(
                code=f"350203001{i:03d}01",
                name="第1网格",
                level="grid",
                parent_id=community.id,
                geom=_square(118.0 + i / 10),
                updated_at=now,
            )
            s.add(grid)
    tag = uuid.uuid4().hex[:8]
    people = {
        "dispatcher": (["dispatcher", "shift_leader"], {}),
        "supervisor": (["supervisor"], {}),
        "h_cgj": (["handler"], {"department": "CGJ"}),
        "h_sz": (["handler"], {"department": "SZ"}),
        "worker": (["grid_worker"], {"grids": ["35020300100101"]}),
        "community2": (["acceptor"], {"org_unit": "350203001002"}),
    }
    users = {}
    for short, (roles, scope) in people.items():
        username = f"gwt_{tag}_{short}"
        add_user(owner, actor="admin", username=username, name=short, roles=roles, password=PASSWORD, **scope)
        users[short] = username
    cases = {}
    for short, x, department in (("c1", 1, "CGJ"), ("c2", 2, "SZ"), ("c3", 2, None)):
        case = owner.report(
            actor=users["worker"],
            source="grid_worker",
            category_code="06010",
            lon=118.005 + x / 10,
            lat=24.465,
        )
        if department:
            owner.act(case.case_no, "register", actor=users["dispatcher"])
            owner.act(
                case.case_no, "dispatch", actor=users["dispatcher"], inp=ActionInput(department=department)
            )
        cases[short] = case.case_no
    yield Desk(pg_schema, owner, users, cases)
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        for username in users.values():
            conn.execute(text(f'DROP ROLE IF EXISTS "{username}"'))
    admin.dispose()


def visible(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(text("SELECT case_no FROM cases")).scalars())


def refusal(conn: Connection, sql: str, **params: object) -> tuple[str, str]:
    """Run raw SQL that must be refused; the SQLSTATE and the first line of the refusal."""
    with pytest.raises(DBAPIError) as caught:
        conn.execute(text(sql), params)
        conn.commit()
    conn.rollback()
    orig = caught.value.orig
    return str(getattr(orig, "sqlstate", "")), str(orig).splitlines()[0]


# --- sign-in -------------------------------------------------------------------------------------------


def test_a_person_signs_in_as_their_own_role_and_nobody_else(desk: Desk) -> None:
    store = desk.sign_in("dispatcher")
    try:
        assert store.whoami() == desk.users["dispatcher"]
        with store.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT current_user, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user"
                )
            ).one()
        assert tuple(row) == (desk.users["dispatcher"], False, False)
    finally:
        store.dispose()


@pytest.mark.parametrize(
    ("who", "password", "message"),
    [
        ("dispatcher", "wrong password", "Wrong user name or password."),
        ("nobody", PASSWORD, "Wrong user name or password."),
    ],
)
def test_a_wrong_password_or_unknown_user_is_one_line(
    desk: Desk, who: str, password: str, message: str
) -> None:
    username = desk.users.get(who, f"gwt_nobody_{uuid.uuid4().hex[:6]}")
    with pytest.raises(SignInFailed) as caught:
        sign_in(pg_url(desk.schema), username, password)
    assert str(caught.value) == message


def test_a_disabled_user_cannot_sign_in_and_a_new_password_works(desk: Desk) -> None:
    set_password(desk.owner, actor="admin", username=desk.users["h_sz"], password="another secret")
    with pytest.raises(SignInFailed, match="Wrong user name or password"):
        desk.sign_in("h_sz")
    store = sign_in(pg_url(desk.schema), desk.users["h_sz"], "another secret")
    store.dispose()
    disable_user(desk.owner, actor="admin", username=desk.users["h_sz"])
    with pytest.raises(SignInFailed) as caught:
        sign_in(pg_url(desk.schema), desk.users["h_sz"], "another secret")
    assert str(caught.value) == f"The sign-in '{desk.users['h_sz']}' is disabled. Ask an administrator."
    listed = {a.username: a for a in list_users(desk.owner)}
    assert listed[desk.users["h_sz"]].active is False
    assert listed[desk.users["h_cgj"]].department == "CGJ"
    assert listed[desk.users["worker"]].grids == ("35020300100101",)


def test_the_owner_account_is_not_a_desk(desk: Desk) -> None:
    with pytest.raises(SignInFailed, match="owner account, not a person"):
        sign_in(pg_url(desk.schema), "gridwatch", "gridwatch")


def test_only_an_admin_manages_users_and_the_database_says_so_too(desk: Desk) -> None:
    store = desk.sign_in("dispatcher")
    try:
        with pytest.raises(Forbidden, match="needs the role admin"):
            add_user(store, actor=desk.users["dispatcher"], username="gwt_x", name="x", roles=["admin"],
                     password=PASSWORD)  # fmt: skip
        with store.engine.connect() as conn:
            state, line = refusal(
                conn, "SELECT gw_login_create('gwt_evil', 'SCRAM-SHA-256$x', ARRAY['admin'])"
            )
            assert state == "42501" and "permission denied for function gw_login_create" in line
            state, line = refusal(conn, "INSERT INTO person_roles (person_id, role) VALUES (1, 'admin')")
            assert state == "42501" and "permission denied for table person_roles" in line
    finally:
        store.dispose()


def test_user_names_and_roles_are_checked(desk: Desk) -> None:
    with pytest.raises(InvalidInput, match="lower-case letters"):
        add_user(
            desk.owner,
            actor="admin",
            username="Zhang San",
            name="张三",
            roles=["dispatcher"],
            password=PASSWORD,
        )
    with pytest.raises(InvalidInput, match="Unknown role boss"):
        add_user(desk.owner, actor="admin", username="gwt_zs", name="张三", roles=["boss"], password=PASSWORD)
    with pytest.raises(NotFound, match="Departments: CGJ, SZ"):
        add_user(
            desk.owner, actor="admin", username="gwt_zs", name="张三", roles=["handler"], password=PASSWORD,
            department="XX",
        )  # fmt: skip


# --- what each role sees -------------------------------------------------------------------------------


def test_each_role_sees_its_own_scope(desk: Desk) -> None:
    c = desk.cases
    expected = {
        "dispatcher": {c["c1"], c["c2"], c["c3"]},
        "supervisor": {c["c1"], c["c2"], c["c3"]},
        "h_cgj": {c["c1"]},
        "h_sz": {c["c2"]},
        "worker": {c["c1"], c["c2"], c["c3"]},  # c1 is in their grid; they reported all three
        "community2": {c["c2"], c["c3"]},  # the grid of community 2
    }
    for who, cases in expected.items():
        store = desk.sign_in(who)
        try:
            assert visible(store) == cases, who
        finally:
            store.dispose()


def test_a_grid_worker_sees_their_grid_not_the_next_one(desk: Desk) -> None:
    other = desk.owner.report(actor=desk.users["dispatcher"], source="center", category_code="06010",
                              lon=118.205, lat=24.465)  # fmt: skip
    mine = desk.owner.report(actor=desk.users["dispatcher"], source="center", category_code="06010",
                             lon=118.105, lat=24.465)  # fmt: skip
    store = desk.sign_in("worker")
    try:
        seen = visible(store)
        assert mine.case_no in seen and other.case_no not in seen
    finally:
        store.dispose()


def test_a_handler_keeps_seeing_a_case_re_dispatched_elsewhere_and_never_another_departments(
    desk: Desk,
) -> None:
    no = desk.cases["c1"]
    desk.owner.act(no, "request_return", actor=desk.users["h_cgj"], inp=ActionInput(reason="不是我们的"))
    desk.owner.act(no, "approve_return", actor=desk.users["dispatcher"])
    desk.owner.act(no, "dispatch", actor=desk.users["dispatcher"], inp=ActionInput(department="SZ"))
    cgj, sz = desk.sign_in("h_cgj"), desk.sign_in("h_sz")
    try:
        assert visible(cgj) == {no}
        assert visible(sz) == {no, desk.cases["c2"]}
        with cgj.session() as s, pytest.raises(NotFound):
            cgj.case(s, desk.cases["c2"])
        with cgj.engine.connect() as conn:
            events = conn.execute(text("SELECT DISTINCT case_id FROM case_events")).scalars().all()
            own = conn.execute(text("SELECT id FROM cases")).scalars().all()
        assert sorted(events) == sorted(own)
    finally:
        cgj.dispose()
        sz.dispose()


# --- what the database refuses -------------------------------------------------------------------------


def test_a_state_change_outside_the_action_path_is_refused(desk: Desk) -> None:
    store = desk.sign_in("dispatcher")
    me = desk.users["dispatcher"]
    no = desk.cases["c3"]
    try:
        with store.engine.connect() as conn:
            person = conn.execute(text("SELECT gw_person_id()")).scalar_one()
            state, line = refusal(conn, "UPDATE cases SET state = 'closed' WHERE case_no = :no", no=no)
            assert state == "GW001"
            assert line == (
                f"Case {no} changes only through the store's action path: its version goes from 1 to 2, "
                "not to 1."
            )
            state, line = refusal(
                conn,
                "UPDATE cases SET state = 'closed', version = version + 1, last_action = 'close', "
                "updated_by_id = :me WHERE case_no = :no",
                me=person, no=no,
            )  # fmt: skip
            with desk.owner.session() as s:
                python = InvalidAction(
                    no, "close", "reported", desk.owner.workflow(s).actions_from("reported")
                )
            assert state == "GW001" and line == str(python)
            # a legal transition, but without its event in the trail: refused at commit
            state, line = refusal(
                conn,
                "UPDATE cases SET state = 'registered', version = version + 1, last_action = 'register', "
                "updated_by_id = :me WHERE case_no = :no",
                me=person, no=no,
            )  # fmt: skip
            assert state == "GW001" and line == (
                f"Case {no} version 2 was written without its event: every change is recorded in the trail."
            )
            # in someone else's name
            state, line = refusal(
                conn,
                "UPDATE cases SET state = 'registered', version = version + 1, last_action = 'register', "
                "updated_by_id = 1 WHERE case_no = :no",
                no=no,
            )
            assert state == "42501" and "a change is made in your own name" in line
        with desk.owner.session() as s:
            assert desk.owner.case(s, no).state == "reported" and desk.owner.case(s, no).version == 1
        assert me  # the refused writes were made as this person
    finally:
        store.dispose()


def test_an_action_the_role_does_not_hold_is_refused_with_the_python_message(desk: Desk) -> None:
    store = desk.sign_in("h_cgj")
    no = desk.cases["c1"]
    try:
        with store.engine.connect() as conn:
            person = conn.execute(text("SELECT gw_person_id()")).scalar_one()
            state, line = refusal(
                conn,
                "UPDATE cases SET state = 'registered', version = version + 1, "
                "last_action = 'approve_return', updated_by_id = :me WHERE case_no = :no",
                me=person, no=no,
            )  # fmt: skip
        assert state == "42501"
        assert line == f"'approve_return' on case {no} needs the role dispatcher; you hold handler."
        with pytest.raises(Forbidden) as python:
            desk.owner.act(no, "approve_return", actor=desk.users["h_cgj"])
        assert "needs the role dispatcher" in str(python.value)
    finally:
        store.dispose()


def test_the_trail_cannot_be_edited_deleted_truncated_or_switched_off(desk: Desk) -> None:
    store = desk.sign_in("dispatcher")
    try:
        with store.engine.connect() as conn:
            attempts = {
                "UPDATE case_events SET note = 'nothing happened'": "permission denied for table case_events",
                "DELETE FROM case_events": "permission denied for table case_events",
                "TRUNCATE case_events": "permission denied for table case_events",
                "UPDATE attachments SET filename = 'x'": "permission denied for table attachments",
                "DELETE FROM talk_records": "permission denied for table talk_records",
                "ALTER TABLE cases DISABLE TRIGGER cases_guard": "must be owner of table cases",
                "ALTER TABLE case_events DISABLE TRIGGER case_events_append_only": "must be owner of table",
                "SET session_replication_role = replica": "permission denied to set parameter",
                "COPY cases FROM PROGRAM 'id'": "privileges of the pg_execute_server_program role",
                "ALTER TABLE cases NO FORCE ROW LEVEL SECURITY": "must be owner of table cases",
                "DROP POLICY cases_read ON cases": "must be owner of relation cases",
            }
            for sql, message in attempts.items():
                state, line = refusal(conn, sql)
                assert state == "42501" and message in line, (sql, line)
        with desk.owner.session() as s:
            events = desk.owner.events(s, desk.cases["c1"])
        assert [e.action for e in events] == ["report", "register", "dispatch"]
    finally:
        store.dispose()


def test_an_event_in_another_persons_name_is_refused(desk: Desk) -> None:
    store = desk.sign_in("h_cgj")
    try:
        with store.engine.connect() as conn:
            case_id = conn.execute(text("SELECT id FROM cases")).scalar_one()
            state, line = refusal(
                conn,
                "INSERT INTO case_events (case_id, action, to_state, actor_id, at, data) "
                "VALUES (:c, 'close', 'closed', 1, now(), '{}')",
                c=case_id,
            )
        assert state == "42501" and "row-level security policy" in line
    finally:
        store.dispose()


def test_the_store_api_works_as_the_signed_in_person_and_only_as_them(desk: Desk) -> None:
    store = desk.sign_in("dispatcher")
    me = desk.users["dispatcher"]
    try:
        case = store.report(actor=me, source="center", category_code="06010", lon=118.105, lat=24.465)
        store.act(case.case_no, "register", actor=me)
        store.act(case.case_no, "dispatch", actor=me, inp=ActionInput(department="CGJ"))
        with pytest.raises(Forbidden, match=f"signed in as '{me}': you cannot act as 'admin'"):
            store.act(case.case_no, "accept", actor="admin")
        with store.session() as s:
            events = store.events(s, case.case_no)
        assert [(e.action, e.case_version) for e in events] == [
            ("report", 1),
            ("register", 2),
            ("dispatch", 3),
        ]
        handler = desk.sign_in("h_cgj")
        try:
            handler.act(case.case_no, "accept", actor=desk.users["h_cgj"])
        finally:
            handler.dispose()
    finally:
        store.dispose()


def test_a_raw_refusal_through_the_store_is_one_clear_line(desk: Desk) -> None:
    store = desk.sign_in("dispatcher")
    try:
        with pytest.raises(Refused) as caught, store.session() as s:
            s.execute(text("UPDATE cases SET state = 'closed' WHERE case_no = :no"), {"no": desk.cases["c3"]})
        assert "\n" not in str(caught.value) and str(caught.value).startswith(
            f"Case {desk.cases['c3']} changes"
        )
        with pytest.raises(Forbidden) as denied, store.session() as s:
            s.execute(text("DELETE FROM case_events"))
        assert str(denied.value) == "permission denied for table case_events"
    finally:
        store.dispose()


def test_no_desk_role_owns_a_table_or_is_a_superuser(desk: Desk) -> None:
    with desk.owner.engine.connect() as conn:
        owners = set(
            conn.execute(
                text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = :s"), {"s": desk.schema}
            ).scalars()
        )
        powerful = (
            conn.execute(
                text(
                    "WITH RECURSIVE m AS (SELECT member FROM pg_auth_members "
                    "WHERE roleid = 'gridwatch_desk'::regrole "
                    "UNION SELECT a.member FROM pg_auth_members a JOIN m ON a.roleid = m.member) "
                    "SELECT r.rolname FROM pg_roles r JOIN m ON r.oid = m.member "
                    "WHERE r.rolsuper OR r.rolbypassrls OR r.rolcreaterole"
                )
            )
            .scalars()
            .all()
        )
        owner_is_super = conn.execute(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar()
    assert owners == {"gridwatch"}
    assert not owners & set(desk.users.values())
    assert powerful == []
    assert owner_is_super is False


def test_the_partial_index_of_a_departments_queue_names_exactly_the_open_states() -> None:
    """The planner uses ix_cases_open_department only if the queue's `state IN (…)` matches its predicate."""
    from gridwatch.db.models import OPEN_CASE_STATES
    from gridwatch.db.seeds import OPEN_STATES

    assert "(" + ", ".join(f"'{s}'" for s in sorted(OPEN_STATES)) + ")" == OPEN_CASE_STATES
