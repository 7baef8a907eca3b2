"""What the map says about the thing under the pointer or a click: a device by name with its state and, for
a sensor, its last reading; a grid worker by name with phone and grids (issue 9: identify names the thing,
not only the grid under it). One short read per question, handed out as frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gridwatch.db.models import Device, GridAssignment, OrgUnit, Person, SensorState
from gridwatch.db.sensors import LAMPBLACK_LIMIT_MG_M3
from gridwatch.db.store import Store


@dataclass(frozen=True)
class DeviceCard:
    code: str
    kind: str  # camera|loudspeaker|sensor
    subtype: str | None
    name: str
    online: bool
    reading: dict[str, Any] = field(default_factory=dict)  # a sensor's last report: sensor_states, attrs


@dataclass(frozen=True)
class PersonCard:
    name: str
    username: str
    phone: str | None
    on_duty: bool
    grids: tuple[str, ...]  # the grids they patrol, "<community> <grid>" names


def device_card(store: Store, device_id: int) -> DeviceCard | None:
    with store.session() as session:
        row = session.execute(
            select(Device.code, Device.kind, Device.subtype, Device.name, Device.online, Device.attrs).where(
                Device.id == device_id
            )
        ).first()
        if row is None:
            return None
        reading = dict(row.attrs or {})
        if row.kind == "sensor":  # the service's newest reading wins over the seeded attributes
            reading.update(sensor_reading(session, device_id, row.subtype))
    return DeviceCard(row.code, row.kind, row.subtype, row.name, row.online, reading)


def sensor_reading(session: Session, device_id: int, subtype: str | None) -> dict[str, Any]:
    """A sensor's newest reading (sensor_states) in the words of `DeviceCard.reading`; {} before any."""
    state = session.execute(
        select(SensorState.value, SensorState.purifier).where(SensorState.device_id == device_id)
    ).first()
    if state is None:
        return {}
    out: dict[str, Any] = {}
    if subtype == "lampblack":
        if state.value is not None:
            out["concentration_mg_m3"] = round(state.value, 2)
            out.setdefault("limit_mg_m3", LAMPBLACK_LIMIT_MG_M3)
        if state.purifier is not None:
            out["purifier_on"] = state.purifier
    elif subtype == "smoke" and state.value is not None:
        out["alarm"] = state.value >= 0.5
    return out


def person_card(store: Store, person_id: int) -> PersonCard | None:
    with store.session() as session:
        person = session.execute(
            select(Person.name, Person.username, Person.phone, Person.on_duty).where(Person.id == person_id)
        ).first()
        if person is None:
            return None
        community = OrgUnit.__table__.alias("community")
        grids = session.execute(
            select(OrgUnit.name, community.c.name)
            .join(GridAssignment, GridAssignment.grid_id == OrgUnit.id)
            .outerjoin(community, community.c.id == OrgUnit.parent_id)
            .where(GridAssignment.person_id == person_id)
            .order_by(OrgUnit.code)
        ).all()
    names = tuple(f"{up} {name}" if up else name for name, up in grids)
    return PersonCard(person.name, person.username, person.phone, person.on_duty, names)
