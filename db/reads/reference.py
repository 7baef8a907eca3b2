"""The site's reference lists the dialogs and filters offer, and its rules, each read in one go."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from gridwatch.db.lifecycle import Rules
from gridwatch.db.models import Category, Department, Device, OrgUnit
from gridwatch.db.store import Store


@dataclass(frozen=True)
class Named:
    """A code and its name: a department, a top category, an area of the org tree."""

    code: str
    name: str


@dataclass(frozen=True)
class CategoryRow:
    code: str
    name: str
    default_urgency: str


@dataclass(frozen=True)
class Area:
    """A street or a community, for narrowing a list to a part of the district."""

    code: str
    name: str
    level: str  # street|community


def site_rules(store: Store) -> Rules:
    """The working calendar, deadline rules and stage limits (read once per store handle)."""
    with store.session() as session:
        return store.rules(session)


def departments(store: Store) -> list[Named]:
    with store.session() as session:
        rows = session.execute(select(Department.code, Department.name).order_by(Department.code))
        return [Named(*r) for r in rows]


def categories(store: Store, *, top: bool = False) -> list[CategoryRow]:
    """The categories a case is filed under (`top`: the top classes a list is narrowed by instead)."""
    parent = Category.parent_code.is_(None) if top else Category.parent_code.is_not(None)
    with store.session() as session:
        rows = session.execute(
            select(Category.code, Category.name, Category.default_urgency)
            .where(parent)
            .order_by(Category.code)
        )
        return [CategoryRow(*r) for r in rows]


def areas(store: Store) -> list[Area]:
    """Streets and communities in code order (a community follows its street)."""
    with store.session() as session:
        rows = session.execute(
            select(OrgUnit.code, OrgUnit.name, OrgUnit.level)
            .where(OrgUnit.level.in_(("street", "community")))
            .order_by(OrgUnit.code)
        )
        return [Area(*r) for r in rows]


def devices_centre(store: Store) -> tuple[float, float] | None:
    """The mean position of the site's devices (where a new case's pin starts); None without devices."""
    with store.session() as session:
        lon, lat = session.execute(select(func.avg(Device.lon), func.avg(Device.lat))).one()
    return None if lon is None or lat is None else (float(lon), float(lat))
