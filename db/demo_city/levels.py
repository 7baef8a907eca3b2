"""The demo's centers on the org tree (docs/LEVELS.md): a district center, a center for every street and
one community center, their desks, and two cases that travel the chain so a newcomer can watch them.

- Seed 004's chain (Xiamen): the city center (the top, `leader_dispatch`) dispatches a case down to the
  district center, which passes it to the street center, which puts it on the community; the community
  dispatches it to the street's 城管科, whose handler feeds back, and the community closes it.
- Seed 002's chain (Taibai Lake): a grid worker escalates (吹哨) a case to the community, the community to
  the street, the street to the district, which dispatches it to a district department; it is closed there.
- A third case is escalated by a grid worker and waits at the community, flagged in the queue.

Every step goes through `Store.act` with its moment, so the trail (`gridwatch case hops`), the
evaluation (`report metrics --by center|level`) and the shares (`report shares`) show them as a site's.
Run after the demo's bulk load, in transactions of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from gridwatch.db.demo_city.people import DEMO_DISPATCHER, street_department_code
from gridwatch.db.levels import add_center
from gridwatch.db.lifecycle import ActionInput
from gridwatch.db.models import Department, OrgUnit, Person, PersonRole
from gridwatch.db.store import Store

CENTER_ROLES = ("acceptor", "shift_leader", "dispatcher")
DISTRICT_DESK, STREET_DESK, COMMUNITY_DESK = "qu_center", "jd_center", "sq_center"
"""The desks of the district, the first street and its first community (the demo's chain)."""


@dataclass(frozen=True)
class LevelsDemo:
    """What the demo's levels wrote: the centers' org codes and the chains' case numbers."""

    centers: tuple[str, ...]
    down_chain: str  # seed 004: top → district → street → community, closed at the community
    up_chain: str  # seed 002: grid → community → street → district, closed at the district
    waiting: str  # escalated by a grid worker, waiting at the community


def seed_levels(store: Store, now: datetime) -> LevelsDemo:
    """Add the centers and their desks, then run the two chains to `now` (moments a few hours before)."""
    with store.session() as s:
        district = s.scalars(
            select(OrgUnit).where(OrgUnit.level == "district").order_by(OrgUnit.code)
        ).first()
        streets = s.scalars(select(OrgUnit).where(OrgUnit.level == "street").order_by(OrgUnit.code)).all()
        if district is None or not streets:
            raise ValueError("The demo's levels need its territory: seed the demo first.")
        street = streets[0]
        community = s.scalars(
            select(OrgUnit).where(OrgUnit.parent_id == street.id).order_by(OrgUnit.code)
        ).first()
        assert community is not None
        grids = s.scalars(
            select(OrgUnit).where(OrgUnit.parent_id == community.id).order_by(OrgUnit.code)
        ).all()
        units = [district, *streets, community]
        for unit in units:
            add_center(
                s, unit.code, f"{unit.name}{'综合指挥中心' if unit.level == 'district' else '综治中心'}"
            )
        for username, unit, name in (
            (DISTRICT_DESK, district, "区中心值班长"),
            (STREET_DESK, street, "街道中心值班长"),
            (COMMUNITY_DESK, community, "社区网格站站长"),
        ):
            if s.scalar(select(Person.id).where(Person.username == username)) is None:
                s.add(
                    Person(
                        username=username,
                        name=name,
                        org_unit_id=unit.id,
                        on_duty=True,
                        updated_at=now,
                        roles=[PersonRole(role=r) for r in CENTER_ROLES],
                    )
                )
        codes = {"district": district.code, "street": street.code, "community": community.code}
        grid_codes = [g.code for g in grids]
        street_department = street_department_code(street.code)
        handlers = {
            code: s.scalar(
                select(Person.username)
                .join(Department, Department.id == Person.department_id)
                .where(Department.code == code)
                .order_by(Person.username)
            )
            for code in (street_department, f"{district.code}-CGZF")
        }
        points = {
            g.code: (g.geom.representative_point().x, g.geom.representative_point().y)
            for g in grids
            if g.geom is not None
        }
    if len(grid_codes) < 2:
        raise ValueError("The demo's first community needs two grids.")

    def act(no: str, action: str, who: str, hours_ago: float, **kw: str) -> None:
        inp = ActionInput(at=now - timedelta(hours=hours_ago), **kw)  # type: ignore[arg-type]
        store.act(no, action, actor=who, inp=inp)

    def handle_and_close(
        no: str, department: str, desk: str, checker: str, note: str, hours_ago: float
    ) -> None:
        """The same end for a case sent down or up: the department's handler accepts it `hours_ago` and
        reports back 1.8 h later, the desk that dispatched it sends it to check, the grid worker passes
        it and the desk closes it."""
        handler = handlers[department] or ""
        act(no, "accept", handler, hours_ago)
        act(no, "feedback", handler, hours_ago - 1.8, note=note)
        act(no, "send_check", desk, hours_ago - 1.9)
        act(no, "check_pass", checker, hours_ago - 2.3)
        act(no, "close", desk, hours_ago - 2.4)

    def report(grid: str, category: str, description: str, hours_ago: float) -> str:
        lon, lat = points[grid]
        return store.report(
            actor=f"gw{grid[6:]}",
            source="grid_worker",
            category_code=category,
            lon=lon,
            lat=lat,
            description=description,
            reported_at=now - timedelta(hours=hours_ago),
        ).case_no

    worker_a, worker_b = f"gw{grid_codes[0][6:]}", f"gw{grid_codes[1][6:]}"
    down = report(grid_codes[0], "06036", "楼道口乱堆杂物，堵塞消防通道", 8.0)
    act(down, "register", DEMO_DISPATCHER, 7.9)
    act(down, "dispatch_down", DEMO_DISPATCHER, 7.8, center=codes["district"])
    act(down, "dispatch_down", DISTRICT_DESK, 7.5, center=codes["street"])
    act(down, "dispatch_down", STREET_DESK, 7.2, center=codes["community"])
    act(down, "dispatch", COMMUNITY_DESK, 7.0, department=street_department)
    handle_and_close(down, street_department, COMMUNITY_DESK, worker_a, "杂物已清运，通道恢复畅通", 6.8)

    up = report(grid_codes[1], "09006", "早市占道经营，多次劝离无效", 6.0)
    act(up, "escalate", worker_b, 5.9, reason="劝离无效，网格内处置不了")
    act(up, "register", COMMUNITY_DESK, 5.8)
    act(up, "escalate", COMMUNITY_DESK, 5.6, reason="涉及多个商户，社区协调不了")
    act(up, "escalate", STREET_DESK, 5.3, reason="需执法力量，超出街道职责")
    cgzf = f"{codes['district']}-CGZF"
    act(up, "dispatch", DISTRICT_DESK, 5.0, department=cgzf)
    handle_and_close(up, cgzf, DISTRICT_DESK, worker_b, "联合执法，摊点已清理", 4.8)

    waiting = report(grid_codes[0], "09001", "游商聚集，劝离后又返回", 1.0)
    act(waiting, "escalate", worker_a, 0.9, reason="反复出现，需社区协调")
    return LevelsDemo(tuple(u.code for u in units), down, up, waiting)
